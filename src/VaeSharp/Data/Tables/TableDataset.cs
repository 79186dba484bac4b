namespace VaeSharp.Data.Tables;

/// <summary>
/// Table rows as examples of shape [<see cref="TableSchema.Width"/>] (see <see cref="TableSchema"/> for the encoding), with the
/// mask of missing cells and, when the table has a label column, one label per row.
/// </summary>
public sealed class TableDataset : IDataset
{
    private readonly float[] _values;
    private readonly float[]? _mask;
    private readonly int[]? _labels;
    private readonly int _width;

    /// <summary>Wraps encoded rows.</summary>
    /// <param name="name">The data set's name.</param>
    /// <param name="schema">The encoding.</param>
    /// <param name="values">count × width values, row after row.</param>
    /// <param name="mask">count × width mask values (1 observed, 0 missing), or null when nothing is missing.</param>
    /// <param name="labels">One label per row, or null.</param>
    /// <param name="rowNumbers">Each example's row in the file (from 1), for messages and output; null for 1, 2, ...</param>
    /// <param name="skipped">What was left out while reading.</param>
    public TableDataset(string name, TableSchema schema, float[] values, float[]? mask, int[]? labels, int[]? rowNumbers = null,
        IReadOnlyList<string>? skipped = null)
    {
        _width = schema.Width;
        if (_width == 0 || values.Length % _width != 0) throw new ArgumentException($"{name}: {values.Length} values are not rows of {_width}.");
        Count = values.Length / _width;
        if (mask is not null && mask.Length != values.Length) throw new ArgumentException($"{name}: the mask has {mask.Length} values for {values.Length}.");
        if (labels is not null && labels.Length != Count) throw new ArgumentException($"{name}: {labels.Length} labels for {Count} rows.");
        if (rowNumbers is not null && rowNumbers.Length != Count) throw new ArgumentException($"{name}: {rowNumbers.Length} row numbers for {Count} rows.");
        Name = name;
        Table = schema;
        _values = values;
        _mask = mask;
        _labels = labels;
        ExampleShape = [_width];
        ClassCount = labels is null ? 0 : schema.ClassNames?.Count ?? (labels.Length == 0 ? 0 : labels.Max() + 1);
        RowNumbers = rowNumbers ?? Enumerable.Range(1, Count).ToArray();
        Skipped = skipped ?? [];
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
    public IReadOnlyList<string>? ClassNames => _labels is null ? null : Table.ClassNames;

    /// <inheritdoc />
    public TableSchema Table { get; }

    /// <inheritdoc />
    public bool HasMissing => _mask is not null;

    /// <inheritdoc />
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>The file row (from 1, not counting the header) of each example.</summary>
    public IReadOnlyList<int> RowNumbers { get; }

    /// <summary>How many cells are missing (over value columns), and how many values the mask hides.</summary>
    public int MissingValues => _mask is null ? 0 : _mask.Count(m => m == 0f);

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++) _values.AsSpan(indices[i] * _width, _width).CopyTo(destination.Slice(i * _width, _width));
    }

    /// <inheritdoc />
    public void CopyMask(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            var dst = destination.Slice(i * _width, _width);
            if (_mask is null) dst.Fill(1f);
            else _mask.AsSpan(indices[i] * _width, _width).CopyTo(dst);
        }
    }

    /// <inheritdoc />
    public int Label(int index) => _labels is null ? throw new InvalidOperationException($"{Name} has no labels.") : _labels[index];

    /// <summary>The first <paramref name="count"/> rows as a new data set.</summary>
    public TableDataset Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        int n = count * _width;
        return new TableDataset(Name, Table, _values[..n], _mask?[..n], _labels?[..count], [.. RowNumbers.Take(count)], Skipped);
    }
}
