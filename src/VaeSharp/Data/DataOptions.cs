namespace VaeSharp.Data;

/// <summary>
/// How a data set given by path (a CSV table, an image folder) or by a fetched name is read: the column types, the label
/// column, the test split, the image size and channels, and whether bad files and rows are skipped. Kept in config.json
/// (<c>data_options</c>) so every verb reads a run's data the same way; null there (and here, every field at its default)
/// for MNIST and Fashion-MNIST, which take none of them.
/// </summary>
public sealed record DataOptions
{
    /// <summary>The test fraction used when a source has no test split of its own.</summary>
    public const double DefaultTestFraction = 0.2;

    /// <summary>Column types that override the inferred ones, as <c>name:type,name:type</c> (types numeric, binary,
    /// categorical, ignore); null for none.</summary>
    public string? Columns { get; init; }

    /// <summary>The column that holds each row's class (removed from the values); null for none. The fetched tables default to <c>target</c>.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Part of the examples held out for testing when the source has no test split (an image folder without
    /// <c>train/</c> and <c>test/</c>, a CSV file); null for <see cref="DefaultTestFraction"/>.</summary>
    public double? TestFraction { get; init; }

    /// <summary>Seed of the split's shuffle (stream <see cref="RngStream.DataSplit"/>), independent of the training seed so a
    /// data set reads the same whatever model trains on it.</summary>
    public ulong SplitSeed { get; init; } = 1;

    /// <summary>Image folders: the side S every image becomes (the shorter side resized to S, then the centre S×S cropped);
    /// null for the size of the first image (others are resized to it).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Image folders: 1 (grey) or 3 (colour); null for 3 if any image has colour, else 1.</summary>
    public int? Channels { get; init; }

    /// <summary>Skip unreadable images and bad table rows (each listed in <see cref="IDataset.Skipped"/>) instead of stopping at the first.</summary>
    public bool SkipBad { get; init; }

    /// <summary>True when every field has its default (config.json then leaves <c>data_options</c> out).</summary>
    public bool IsDefault => this == new DataOptions();

    /// <summary>The test fraction to use.</summary>
    public double EffectiveTestFraction => TestFraction ?? DefaultTestFraction;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (TestFraction is double f && !(f > 0 && f < 1)) throw new ArgumentException($"test_fraction {f}: expected a number between 0 and 1 (exclusive).");
        if (ImageSize is int s && (s < 1 || s > 4096)) throw new ArgumentException($"image_size {s}: expected a side from 1 to 4096 pixels.");
        if (Channels is int c && c is not (1 or 3)) throw new ArgumentException($"channels {c}: expected 1 (grey) or 3 (colour).");
        if (LabelColumn is "") throw new ArgumentException("label_column: empty; expected a column name (or none).");
    }
}
