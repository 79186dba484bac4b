namespace VaeSharp.Data;

/// <summary>Examples held as floats in memory, with optional labels: what the applications make (corrupted copies of a
/// test set, generated examples) served to the model and the loaders like any data set.</summary>
public sealed class ArrayDataset : IDataset
{
    private readonly float[] _values;
    private readonly int[]? _labels;
    private readonly int _size;

    /// <summary>Wraps <paramref name="values"/>, examples of <paramref name="exampleShape"/> one after another.</summary>
    /// <exception cref="ArgumentException">The sizes do not agree.</exception>
    public ArrayDataset(string name, float[] values, int[] exampleShape, int[]? labels = null, int classCount = 0, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        _size = exampleShape.Aggregate(1, (a, b) => a * b);
        if (_size == 0 || values.Length % _size != 0) throw new ArgumentException($"{name}: {values.Length} values do not hold whole examples of {_size}.");
        Count = values.Length / _size;
        if (labels is not null && labels.Length != Count) throw new ArgumentException($"{name}: {labels.Length} labels for {Count} examples.");
        Name = name;
        _values = values;
        _labels = labels;
        ExampleShape = (int[])exampleShape.Clone();
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
    public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++) _values.AsSpan(indices[i] * _size, _size).CopyTo(destination.Slice(i * _size, _size));
    }

    /// <inheritdoc />
    public int Label(int index) => _labels is null ? throw new InvalidOperationException($"{Name} has no labels.") : _labels[index];
}
