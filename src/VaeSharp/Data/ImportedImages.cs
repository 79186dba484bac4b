using System.IO.MemoryMappedFiles;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeSharp.Data;

/// <summary>
/// The import cache: image folders decoded once (<c>vae data import DIR --name NAME</c>) into one file per set,
/// <c>&lt;cache&gt;/imports/NAME.vsimg</c>, that training reads memory-mapped — a set larger than memory trains at disk
/// speed, and a second run starts without decoding. The file: the 8 bytes <c>VSIMG001</c>, the offset of the header
/// (little-endian int64), every example's bytes (C×H×W, planar, one after another in file order), then the header, JSON:
/// the shape, count, labels, class names, the source files, the split (the folder's train/ and test/, or none, in which
/// case the split is drawn when the set is loaded) and how long decoding took. It is written to a temporary file and
/// renamed, so the cache never holds half a set.
/// </summary>
public sealed class ImportedImages
{
    /// <summary>The extension of an imported set's file.</summary>
    public const string Extension = ".vsimg";

    private static readonly byte[] Magic = "VSIMG001"u8.ToArray();

    /// <summary>The cache at <paramref name="cacheRoot"/> (null for <see cref="DataCache.DefaultRoot"/>).</summary>
    public ImportedImages(string? cacheRoot = null) => Folder = Path.Combine(Path.GetFullPath(cacheRoot ?? DataCache.DefaultRoot()), "imports");

    /// <summary>The folder holding the imported sets.</summary>
    public string Folder { get; }

    /// <summary>The file of set <paramref name="name"/>.</summary>
    public string FileOf(string name) => Path.Combine(Folder, CheckName(name) + Extension);

    /// <summary>True when a set of that name has been imported.</summary>
    public bool Exists(string name) => IsValidName(name) && File.Exists(Path.Combine(Folder, name + Extension));

    /// <summary>The imported sets' names, sorted.</summary>
    public IReadOnlyList<string> Names() => Directory.Exists(Folder)
        ? [.. Directory.EnumerateFiles(Folder, "*" + Extension).Select(f => Path.GetFileNameWithoutExtension(f)!).Where(IsValidName).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The header of an imported set.</summary>
    /// <exception cref="DataFormatException">The file is not an imported set or is damaged.</exception>
    public ImportHeader Header(string name)
    {
        string file = FileOf(name);
        using var stream = File.OpenRead(file);
        return ReadHeader(stream, file);
    }

    /// <summary>Decodes the image folder <paramref name="folder"/> (<see cref="ImageFolder"/>'s layout and options) into set
    /// <paramref name="name"/>.</summary>
    /// <param name="folder">The image folder.</param>
    /// <param name="name">The set's name: letters, digits, '-', '_' and '.', not a built-in set's name.</param>
    /// <param name="options">Image size, channels, skip-bad (the test fraction is applied when the set is loaded).</param>
    /// <param name="overwrite">Replace a set of that name (otherwise refused).</param>
    /// <exception cref="ArgumentException">A bad name, or one already imported without <paramref name="overwrite"/>.</exception>
    /// <exception cref="DataFormatException">The folder has no images, or one does not decode (without skip-bad).</exception>
    public ImportHeader Import(string folder, string name, DataOptions? options = null, bool overwrite = false)
    {
        options ??= new DataOptions();
        options.Validate();
        string file = FileOf(name);
        if (File.Exists(file) && !overwrite) throw new ArgumentException($"an imported set '{name}' exists ({file}); give --overwrite to replace it.");
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder.");
        var plan = ImageFolder.Plan(folder);
        Directory.CreateDirectory(Folder);
        string temp = Path.Combine(Folder, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            ImportHeader header;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                stream.Write(Magic);
                stream.Write(new byte[8]);
                var train = ImageFolder.DecodeInto(plan.Train.Paths, options, null, chunk => stream.Write(chunk));
                var test = plan.Test is null ? null : ImageFolder.DecodeInto(plan.Test.Paths, options, train.Shape, chunk => stream.Write(chunk));
                var sources = train.Kept.Select(i => plan.Train.Paths[i]).Concat(test?.Kept.Select(i => plan.Test!.Paths[i]) ?? []);
                var labels = plan.Train.Labels is null ? null
                    : train.Kept.Select(i => plan.Train.Labels[i]).Concat(test?.Kept.Select(i => plan.Test!.Labels![i]) ?? []).ToArray();
                header = new ImportHeader
                {
                    Name = name, SourceFolder = folder, Shape = train.Shape, Count = train.Kept.Length + (test?.Kept.Length ?? 0),
                    TrainCount = test is null ? null : train.Kept.Length, Labels = labels, ClassNames = plan.ClassNames,
                    Sources = [.. sources.Select(p => Path.GetRelativePath(folder, p))],
                    Skipped = [.. train.Skipped, .. test?.Skipped ?? []],
                    DecodeSeconds = train.Seconds + (test?.Seconds ?? 0), FileBytes = train.FileBytes + (test?.FileBytes ?? 0),
                };
                long headerAt = stream.Position;
                JsonSerializer.Serialize(stream, header, JsonOptions);
                stream.Position = Magic.Length;
                stream.Write(BitConverter.GetBytes(headerAt));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, file, overwrite);
            return header;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Loads set <paramref name="name"/>, memory-mapped, as train and test.</summary>
    /// <param name="name">The set.</param>
    /// <param name="options">The test fraction and split seed for a set without its own split; image size and channels
    /// must be the imported ones (or not given).</param>
    public (MappedImageDataset Train, MappedImageDataset Test) Load(string name, DataOptions? options = null)
    {
        options ??= new DataOptions();
        options.Validate();
        string file = FileOf(name);
        ImportHeader header;
        long dataAt = Magic.Length + 8;
        using (var stream = File.OpenRead(file)) header = ReadHeader(stream, file);
        if (options.ImageSize is int s && s != header.Shape[1])
            throw new ArgumentException($"--image-size {s}: the imported set '{name}' holds {header.Shape[1]}×{header.Shape[2]} images; import it again with --image-size {s}.");
        if (options.Channels is int c && c != header.Shape[0])
            throw new ArgumentException($"--channels {c}: the imported set '{name}' has {header.Shape[0]} channel{(header.Shape[0] == 1 ? "" : "s")}; import it again with --channels {c}.");
        if (options.Columns is not null || options.LabelColumn is not null) throw new ArgumentException($"--columns and --label-column are for tables; '{name}' is an imported image set.");
        var map = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        int[] trainIds, testIds;
        if (header.TrainCount is int t)
        {
            if (options.TestFraction is not null)
                throw new ArgumentException($"--test-fraction: the imported set '{name}' keeps the train/ and test/ split of its folder.");
            trainIds = [.. Enumerable.Range(0, t)];
            testIds = [.. Enumerable.Range(t, header.Count - t)];
        }
        else (trainIds, testIds) = DataSplit.Indices(header.Count, options.EffectiveTestFraction, options.SplitSeed);
        var shared = new MappedImageDataset.Mapping(map, dataAt, header);
        return (new MappedImageDataset(shared, trainIds), new MappedImageDataset(shared, testIds));
    }

    private static ImportHeader ReadHeader(FileStream stream, string file)
    {
        var start = new byte[16];
        if (stream.Read(start, 0, 16) != 16 || !start.AsSpan(0, 8).SequenceEqual(Magic))
            throw new DataFormatException(file, "not an imported image set (no VSIMG001 at its start).");
        long headerAt = BitConverter.ToInt64(start, 8);
        if (headerAt < 16 || headerAt >= stream.Length) throw new DataFormatException(file, $"the header offset {headerAt} lies outside the file's {stream.Length} bytes: damaged or truncated.");
        stream.Position = headerAt;
        ImportHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<ImportHeader>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(file, $"the header is not valid: {e.Message}", e);
        }
        if (header is null || header.Shape is not { Length: 3 } || header.Shape.Any(d => d <= 0) || header.Count < 0
            || (header.Labels is not null && header.Labels.Length != header.Count) || header.TrainCount is < 0 || header.TrainCount > header.Count)
            throw new DataFormatException(file, "the header's shape, count, labels or train count do not agree.");
        long expected = 16 + (long)header.Count * header.Shape[0] * header.Shape[1] * header.Shape[2];
        if (expected != headerAt) throw new DataFormatException(file, $"{header.Count} examples of [{string.Join(", ", header.Shape)}] need the header at byte {expected}; it is at {headerAt}: damaged.");
        return header;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static bool IsValidName(string name) => name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
        && name[0] != '.' && !DataCache.DatasetNames.Contains(name.ToLowerInvariant());

    private static string CheckName(string name) => IsValidName(name) ? name
        : throw new ArgumentException($"--name '{name}': expected letters, digits, '-', '_' or '.' (up to 100, not starting with '.'), and not a built-in set's name ({string.Join(", ", DataCache.DatasetNames)}).");
}

/// <summary>The header of an imported image set.</summary>
public sealed record ImportHeader
{
    /// <summary>The set's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The folder it was decoded from.</summary>
    public string SourceFolder { get; init; } = "";
    /// <summary>[C, H, W] of every example.</summary>
    public int[] Shape { get; init; } = [];
    /// <summary>Examples in the file.</summary>
    public int Count { get; init; }
    /// <summary>With the folder's own train/ and test/: the first TrainCount examples are train, the rest test; null: split when loaded.</summary>
    public int? TrainCount { get; init; }
    /// <summary>One label per example, or null.</summary>
    public int[]? Labels { get; init; }
    /// <summary>The class names by label, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
    /// <summary>Each example's file, relative to the source folder.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
    /// <summary>The files left out (with skip-bad) and why.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];
    /// <summary>Seconds spent reading and decoding.</summary>
    public double DecodeSeconds { get; init; }
    /// <summary>Bytes of the image files read.</summary>
    public long FileBytes { get; init; }
}
