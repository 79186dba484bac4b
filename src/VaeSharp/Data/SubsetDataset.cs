namespace VaeSharp.Data;

/// <summary>
/// Some examples of another data set, in a given order, without copying them: the training images of chosen
/// classes (<see cref="OfClasses"/>), the examples a report picks. Labels, class count and class names are the
/// source's, so a model trained on a subset still knows every class; so are a table's schema and its missing-value mask.
/// </summary>
public sealed class SubsetDataset : IDataset
{
    private readonly IDataset _source;
    private readonly int[] _indices;
    private DatasetFactors? _factors;

    /// <summary>The examples of <paramref name="source"/> at <paramref name="indices"/>, in that order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the source.</exception>
    public SubsetDataset(IDataset source, IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        _source = source;
        _indices = [.. indices];
        foreach (int i in _indices)
            if ((uint)i >= (uint)source.Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"{source.Name} has {source.Count} examples.");
        Name = name ?? source.Name;
    }

    /// <summary>The examples of <paramref name="source"/> whose label is one of <paramref name="classes"/>, in their order.</summary>
    /// <exception cref="ArgumentException">The source has no labels, or a class is not one of its classes.</exception>
    public static SubsetDataset OfClasses(IDataset source, IReadOnlyCollection<int> classes)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.ClassCount == 0) throw new ArgumentException($"Data set {source.Name} has no labels, so it has no classes to choose from.");
        foreach (int c in classes)
            if (c < 0 || c >= source.ClassCount)
                throw new ArgumentException($"Class {c}: data set {source.Name} has classes 0 to {source.ClassCount - 1}.");
        var wanted = new HashSet<int>(classes);
        var picked = new List<int>();
        for (int i = 0; i < source.Count; i++) if (wanted.Contains(source.Label(i))) picked.Add(i);
        return new SubsetDataset(source, picked);
    }

    /// <summary>The index in the source of example <paramref name="index"/> of this subset.</summary>
    public int SourceIndex(int index) => _indices[index];

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public int[] ExampleShape => _source.ExampleShape;

    /// <inheritdoc />
    public int ClassCount => _source.ClassCount;

    /// <inheritdoc />
    public IReadOnlyList<string>? ClassNames => _source.ClassNames;

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
    {
        Span<int> mapped = indices.Length <= 512 ? stackalloc int[indices.Length] : new int[indices.Length];
        for (int i = 0; i < indices.Length; i++) mapped[i] = _indices[indices[i]];
        _source.CopyExamples(mapped, destination);
    }

    /// <inheritdoc />
    public int Label(int index) => _source.Label(_indices[index]);

    /// <inheritdoc />
    public bool HasMissing => _source.HasMissing;

    /// <inheritdoc />
    public void CopyMask(ReadOnlySpan<int> indices, Span<float> destination)
    {
        Span<int> mapped = indices.Length <= 512 ? stackalloc int[indices.Length] : new int[indices.Length];
        for (int i = 0; i < indices.Length; i++) mapped[i] = _indices[indices[i]];
        _source.CopyMask(mapped, destination);
    }

    /// <inheritdoc />
    public Tables.TableSchema? Table => _source.Table;

    /// <inheritdoc />
    public DatasetFactors? Factors => _factors ??= _source.Factors?.Select(_indices);

    /// <inheritdoc />
    public IReadOnlyList<string> Skipped => _source.Skipped;
}
