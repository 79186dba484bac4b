namespace VaeSharp.Data;

/// <summary>
/// Images stored as bytes (0–255) in memory and served as floats in [0, 1]; MNIST-style sets use it.
/// </summary>
public sealed class ByteImageDataset : IDataset
{
    private readonly byte[] _pixels;
    private readonly int[]? _labels;
    private readonly int _exampleSize;

    /// <summary>Wraps <paramref name="pixels"/> holding <paramref name="count"/> examples of shape <paramref name="exampleShape"/>.</summary>
    /// <param name="name">The data set's short name.</param>
    /// <param name="pixels">count·(example size) bytes, example after example.</param>
    /// <param name="count">Number of examples.</param>
    /// <param name="exampleShape">Shape of one example, e.g. [1, 28, 28].</param>
    /// <param name="labels">One label per example, or null.</param>
    /// <param name="classCount">Number of classes (at least the largest label + 1).</param>
    /// <param name="classNames">The name of each class by label, or null.</param>
    public ByteImageDataset(string name, byte[] pixels, int count, int[] exampleShape, int[]? labels = null, int classCount = 0,
        IReadOnlyList<string>? classNames = null)
    {
        _exampleSize = exampleShape.Aggregate(1, (a, b) => a * b);
        if (pixels.Length != (long)count * _exampleSize)
            throw new ArgumentException($"{name}: {pixels.Length} bytes do not hold {count} examples of {_exampleSize} values.");
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{name}: {labels.Length} labels for {count} examples.");
        Name = name;
        _pixels = pixels;
        Count = count;
        ExampleShape = (int[])exampleShape.Clone();
        _labels = labels;
        ClassCount = labels is null ? 0 : Math.Max(classCount, labels.Length == 0 ? 0 : labels.Max() + 1);
        ClassNames = labels is null ? null : classNames;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int[] ExampleShape { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public IReadOnlyList<string>? ClassNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>The file each example was decoded from (image folders), or null.</summary>
    public IReadOnlyList<string>? Sources { get; init; }

    /// <summary>The examples at <paramref name="indices"/>, in that order, as a new data set (labels, class names and sources follow).</summary>
    public ByteImageDataset Select(ReadOnlySpan<int> indices)
    {
        var pixels = new byte[(long)indices.Length * _exampleSize];
        for (int i = 0; i < indices.Length; i++) _pixels.AsSpan(indices[i] * _exampleSize, _exampleSize).CopyTo(pixels.AsSpan(i * _exampleSize));
        var ids = indices.ToArray();
        return new ByteImageDataset(Name, pixels, indices.Length, ExampleShape, _labels is null ? null : ids.Select(i => _labels[i]).ToArray(), ClassCount, ClassNames)
        {
            Skipped = Skipped,
            Sources = Sources is null ? null : ids.Select(i => Sources[i]).ToArray(),
        };
    }

    // The same examples (shared, not copied) with another list of what was skipped.
    internal ByteImageDataset WithSkipped(IReadOnlyList<string> skipped) =>
        new(Name, _pixels, Count, ExampleShape, _labels, ClassCount, ClassNames) { Skipped = skipped, Sources = Sources };

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int size = _exampleSize;
        for (int i = 0; i < indices.Length; i++)
        {
            var src = _pixels.AsSpan(indices[i] * size, size);
            var dst = destination.Slice(i * size, size);
            PixelConversion.ToUnit(src, dst);
        }
    }

    /// <inheritdoc />
    public int Label(int index) => _labels is null
        ? throw new InvalidOperationException($"{Name} has no labels.")
        : _labels[index];

    /// <summary>The first <paramref name="count"/> examples as a new data set (for quick runs and tests).</summary>
    public ByteImageDataset Take(int count)
    {
        count = Math.Min(count, Count);
        return new ByteImageDataset(Name, _pixels.AsSpan(0, count * _exampleSize).ToArray(), count, ExampleShape,
            _labels?.AsSpan(0, count).ToArray(), ClassCount, ClassNames)
        {
            Skipped = Skipped,
            Sources = Sources?.Take(count).ToArray(),
        };
    }
}
