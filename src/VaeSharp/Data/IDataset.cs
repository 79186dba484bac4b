namespace VaeSharp.Data;

/// <summary>
/// A data set as the trainer sees it: a count, the shape of one example, a way to copy a batch of
/// examples (values in [0, 1] for images) into a span, and optional integer labels with optional class names.
/// </summary>
public interface IDataset
{
    /// <summary>Short name ("mnist", "fashion-mnist", a folder name).</summary>
    string Name { get; }

    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Shape of one example, e.g. [1, 28, 28] (C, H, W) for images or [D] for table rows.</summary>
    int[] ExampleShape { get; }

    /// <summary>Number of label classes; 0 when the set has no labels.</summary>
    int ClassCount { get; }

    /// <summary>Copies the examples at <paramref name="indices"/>, one after another, into <paramref name="destination"/>.</summary>
    void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination);

    /// <summary>The label of example <paramref name="index"/> (requires <see cref="ClassCount"/> &gt; 0).</summary>
    int Label(int index);

    /// <summary>The name of each class by label (Fashion-MNIST: "T-shirt/top", "Trouser", ...), for legends and reports;
    /// null when the classes have no names but their numbers. A data set that has none need not implement it.</summary>
    IReadOnlyList<string>? ClassNames => null;

    /// <summary>True when some values are missing; <see cref="CopyMask"/> then says which. A data set without missing values
    /// need not implement it.</summary>
    bool HasMissing => false;

    /// <summary>Copies the observed-value mask of the examples at <paramref name="indices"/> (1 = observed, 0 = missing; the
    /// layout of <see cref="CopyExamples"/>) into <paramref name="destination"/>. The default says every value is observed.</summary>
    void CopyMask(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int size = 1;
        foreach (int d in ExampleShape) size *= d;
        destination[..(indices.Length * size)].Fill(1f);
    }

    /// <summary>For a table: its columns, their types and the statistics that encode a row into the example's values
    /// (and decode one back); null for images. A data set that is no table need not implement it.</summary>
    Tables.TableSchema? Table => null;

    /// <summary>What was left out while reading the set with <see cref="DataOptions.SkipBad"/> (one line per file or row,
    /// naming it and why); empty when nothing was. A data set that skips nothing need not implement it.</summary>
    IReadOnlyList<string> Skipped => [];

    /// <summary>The ground-truth factors of variation of the examples (dSprites: shape, scale, orientation, position),
    /// for the disentanglement metrics and factor columns beside embeddings; null when they are not known. A data set
    /// that has none need not implement it.</summary>
    DatasetFactors? Factors => null;
}
