using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using VaeSharp.Engine.IO;

namespace VaeSharp.Applications;

/// <summary>
/// A named direction in latent space: the mean posterior mean of the examples with an attribute minus that of the
/// examples without it (White 2016's attribute vectors; "smiling − neutral"). Saved by name in a run folder as
/// <c>RUN/directions/NAME.json</c>, with the SHA-256 of the model it was computed for.
/// </summary>
public sealed record AttributeDirection
{
    /// <summary>The folder inside a run that holds saved directions.</summary>
    public const string Folder = "directions";

    /// <summary>The name it is saved and reused under (letters, digits, '-', '_'; at most 64).</summary>
    public required string Name { get; init; }

    /// <summary>How the two groups were chosen ("class 7 − class 1", "ink: top quartile − bottom quartile").</summary>
    public required string Definition { get; init; }

    /// <summary>The direction d = mean μ(with) − mean μ(without), one value per latent dimension.</summary>
    public required float[] Vector { get; init; }

    /// <summary>Examples with the attribute.</summary>
    public required int PositiveCount { get; init; }

    /// <summary>Examples without it.</summary>
    public required int NegativeCount { get; init; }

    /// <summary>The data set the examples came from.</summary>
    public required string Data { get; init; }

    /// <summary>SHA-256 of the model.safetensors the means were computed with (<see cref="LatentSamplers.ModelHash"/>).</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>For a class attribute: the classes with it; null otherwise.</summary>
    public int[]? PositiveClasses { get; init; }

    /// <summary>For a class attribute: the classes without it; null otherwise.</summary>
    public int[]? NegativeClasses { get; init; }

    /// <summary>For a scalar attribute (ink): the score at or below which an example counts as without it — one per class when
    /// the data has labels (the quarters are taken within each class, so the two groups hold the classes alike and the
    /// direction does not change the class), else one; null for other attributes.</summary>
    public double[]? LowThresholds { get; init; }

    /// <summary>For a scalar attribute (ink): the score at or above which an example counts as with it, as <see cref="LowThresholds"/>.</summary>
    public double[]? HighThresholds { get; init; }

    /// <summary>The low threshold that applies to an example of class <paramref name="label"/> (any label when there is one threshold).</summary>
    public double LowFor(int label) => LowThresholds is { Length: 1 } one ? one[0] : LowThresholds![label];

    /// <summary>The high threshold that applies to an example of class <paramref name="label"/>.</summary>
    public double HighFor(int label) => HighThresholds is { Length: 1 } one ? one[0] : HighThresholds![label];

    /// <summary>Euclidean length of <see cref="Vector"/>.</summary>
    [JsonIgnore]
    public double Length => Math.Sqrt(Vector.Sum(v => (double)v * v));

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Checks that <paramref name="name"/> can name a saved direction.</summary>
    /// <exception cref="ArgumentException">It cannot.</exception>
    public static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !Regex.IsMatch(name, "^[A-Za-z0-9_-]+$"))
            throw new ArgumentException($"direction name '{name}': expected 1 to 64 letters, digits, '-' or '_'.");
    }

    /// <summary>The file of direction <paramref name="name"/> in the run at <paramref name="runPath"/>.</summary>
    public static string FileIn(string runPath, string name)
    {
        CheckName(name);
        return Path.Combine(runPath, Folder, name + ".json");
    }

    /// <summary>Writes the direction to <c>RUN/directions/NAME.json</c> atomically, replacing one of the same name; returns the file.</summary>
    public string Save(string runPath)
    {
        string file = FileIn(runPath, Name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, Json);
        AtomicFile.Write(file, s => s.Write(bytes));
        return file;
    }

    /// <summary>Reads direction <paramref name="name"/> of the run at <paramref name="runPath"/>.</summary>
    /// <exception cref="FileFormatException">Missing (the message lists the saved ones) or malformed.</exception>
    public static AttributeDirection Load(string runPath, string name)
    {
        string file = FileIn(runPath, name);
        if (!File.Exists(file))
        {
            var saved = List(runPath);
            throw new FileFormatException(file, $"no direction '{name}' in this run ({(saved.Count == 0 ? "none saved yet: compute one with --positive/--ink/--csv and --name" : "saved: " + string.Join(", ", saved))}).");
        }
        AttributeDirection? direction;
        try
        {
            direction = JsonSerializer.Deserialize<AttributeDirection>(File.ReadAllBytes(file), Json);
        }
        catch (JsonException e)
        {
            throw new FileFormatException(file, $"not a saved direction: {e.Message}", e);
        }
        if (direction is null || direction.Vector is null || direction.Vector.Length == 0 || direction.Vector.Any(v => !float.IsFinite(v)))
            throw new FileFormatException(file, "vector: expected a non-empty list of finite numbers.");
        return direction;
    }

    /// <summary>The names of the directions saved in the run at <paramref name="runPath"/>, sorted.</summary>
    public static IReadOnlyList<string> List(string runPath)
    {
        string folder = Path.Combine(runPath, Folder);
        if (!Directory.Exists(folder)) return [];
        return [.. Directory.EnumerateFiles(folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];
    }
}
