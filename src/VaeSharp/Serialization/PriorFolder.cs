using System.Globalization;
using System.Text;
using System.Text.Json;
using VaeSharp.Engine.IO;
using VaeSharp.Models.Priors;
using VaeSharp.Training;

namespace VaeSharp.Serialization;

/// <summary>
/// A run's code prior lives in <c>RUN/prior/</c>: <c>config.json</c> (a <see cref="PriorRecord"/>), <c>model.safetensors</c>
/// (the PixelCNN's weights), <c>metrics.csv</c> (one row per epoch) and whatever the caller adds (a sample grid). The folder is
/// written whole in a staging folder beside it and then renamed into place, so a crash leaves the old prior or the new one,
/// never a mixture.
/// </summary>
public static class PriorFolder
{
    /// <summary>prior</summary>
    public const string FolderName = "prior";
    /// <summary>config.json</summary>
    public const string ConfigFile = "config.json";
    /// <summary>model.safetensors</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>metrics.csv</summary>
    public const string MetricsFile = "metrics.csv";

    /// <summary>The prior folder of the run at <paramref name="runPath"/>.</summary>
    public static string PathOf(string runPath) => Path.Combine(runPath, FolderName);

    /// <summary>True when the run has a prior (its config.json exists).</summary>
    public static bool Exists(string runPath) => File.Exists(Path.Combine(PathOf(runPath), ConfigFile));

    /// <summary>Writes the prior into <c>RUN/prior/</c>, replacing one that is there only when <paramref name="overwrite"/> is set.</summary>
    /// <param name="runPath">The run folder (must exist).</param>
    /// <param name="prior">The trained network.</param>
    /// <param name="record">Its record (config.json).</param>
    /// <param name="epochs">The epochs' figures (metrics.csv).</param>
    /// <param name="overwrite">Replace an existing prior.</param>
    /// <param name="extras">Writes further files into the folder being staged (its path is the argument), or null.</param>
    /// <exception cref="IOException">A prior exists and <paramref name="overwrite"/> is false, or the folder cannot be written.</exception>
    public static void Save(string runPath, GatedPixelCnn prior, PriorRecord record, IReadOnlyList<PriorEpochReport> epochs, bool overwrite,
        Action<string>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(record);
        string target = PathOf(runPath);
        if (Directory.Exists(target) && !overwrite) throw new IOException($"{target} exists: the run has a prior already (--force replaces it).");
        string staging = Path.Combine(runPath, $".{FolderName}.{Guid.NewGuid():N}.tmp");
        string? old = null;
        try
        {
            Directory.CreateDirectory(staging);
            ModelIO.Save(prior, Path.Combine(staging, ModelFile));
            AtomicFile.Write(Path.Combine(staging, MetricsFile), s => s.Write(Encoding.UTF8.GetBytes(Metrics(epochs))));
            extras?.Invoke(staging);
            AtomicFile.Write(Path.Combine(staging, ConfigFile), s => JsonSerializer.Serialize(s, record, ConfigJson.Options));
            if (Directory.Exists(target))
            {
                old = Path.Combine(runPath, $".{FolderName}.{Guid.NewGuid():N}.old");
                Directory.Move(target, old);
            }
            Directory.Move(staging, target);
        }
        catch
        {
            if (old is not null && !Directory.Exists(target)) Directory.Move(old, target);
            old = null;
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
        if (old is not null) Directory.Delete(old, recursive: true);
    }

    /// <summary>Reads <c>RUN/prior/</c>: its record and the network with its weights.</summary>
    /// <exception cref="FileFormatException">A file is missing or malformed, or the weights do not fit the record; the message names the file.</exception>
    public static (PriorRecord Record, GatedPixelCnn Prior) Load(string runPath)
    {
        string folder = PathOf(runPath), configFile = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configFile)) throw new FileFormatException(configFile, "file not found (train a prior with 'vae train-prior RUN')");
        PriorRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<PriorRecord>(File.ReadAllBytes(configFile), ConfigJson.Options);
        }
        catch (JsonException e)
        {
            string at = e.Path is string path ? $" at {path.TrimStart('$', '.')}" : "";
            throw new FileFormatException(configFile, $"invalid prior configuration{at}: {e.Message}", e);
        }
        if (record is null) throw new FileFormatException(configFile, "empty prior configuration");
        if (record.FormatVersion != PriorRecord.CurrentFormatVersion)
            throw new FileFormatException(configFile, $"format_version {record.FormatVersion}: this VaeSharp reads prior format {PriorRecord.CurrentFormatVersion}.");
        if (record.Prior != PriorRecord.GatedPixelCnnKind)
            throw new FileFormatException(configFile, $"prior '{record.Prior}': expected '{PriorRecord.GatedPixelCnnKind}'.");
        GatedPixelCnn prior;
        try
        {
            prior = new GatedPixelCnn(record.Model);
        }
        catch (ArgumentException e)
        {
            throw new FileFormatException(configFile, "model." + e.Message, e);
        }
        ModelIO.Load(prior, Path.Combine(folder, ModelFile));
        return (record, prior);
    }

    /// <summary>Loads the run's prior and checks that it models the grids of a model with <paramref name="codebookSize"/> codes on
    /// <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <exception cref="FileFormatException">As <see cref="Load"/>, or the prior models other grids (the message says which).</exception>
    public static (PriorRecord Record, GatedPixelCnn Prior) LoadFor(string runPath, int codebookSize, int height, int width)
    {
        var (record, prior) = Load(runPath);
        if (prior.CodebookSize != codebookSize || prior.Height != height || prior.Width != width)
            throw new FileFormatException(Path.Combine(PathOf(runPath), ConfigFile),
                $"the prior models {prior.Height} × {prior.Width} grids of {prior.CodebookSize} codes; the run's model has {height} × {width} grids of {codebookSize} (retrain it with 'vae train-prior RUN --force').");
        return (record, prior);
    }

    // epoch, train_nll, test_nll (nats per grid), train_bits_per_code, test_bits_per_code, test_bits_per_pixel, seconds.
    private static string Metrics(IReadOnlyList<PriorEpochReport> epochs)
    {
        var sb = new StringBuilder("epoch,train_nll,test_nll,train_bits_per_code,test_bits_per_code,test_bits_per_pixel,seconds\n");
        foreach (var e in epochs)
            sb.AppendLine(string.Join(',', new double[] { e.Epoch, e.TrainNll, e.TestNll, e.TrainBitsPerCode, e.TestBitsPerCode, e.TestBitsPerPixel, e.Seconds }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return sb.ToString();
    }
}
