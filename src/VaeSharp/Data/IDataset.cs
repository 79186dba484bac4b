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

    /// <summary>The ground-truth factors of variation of the examples (dSprites: shape, scale, orientation, position),
    /// for the disentanglement metrics and factor columns beside embeddings; null when they are not known. A data set
    /// that has none need not implement it.</summary>
    DatasetFactors? Factors => null;
}
