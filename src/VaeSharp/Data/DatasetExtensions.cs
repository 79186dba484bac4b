using VaeSharp.Data.Tables;

namespace VaeSharp.Data;

/// <summary>Operations on any <see cref="IDataset"/>.</summary>
public static class DatasetExtensions
{
    /// <summary>The first <paramref name="count"/> examples (all of them when it has fewer), with their labels, class
    /// names, factors, table schema and mask: a copy for the sets this library makes, else a view.</summary>
    public static IDataset Take(this IDataset data, int count) => data switch
    {
        ByteImageDataset bytes => bytes.Take(count),
        BitImageDataset bits => bits.Take(count),
        TableDataset table => table.Take(count),
        _ => new FirstExamples(data, Math.Clamp(count, 0, data.Count)),
    };

    private sealed class FirstExamples(IDataset inner, int count) : IDataset
    {
        private readonly DatasetFactors? _factors = inner.Factors?.Select([.. Enumerable.Range(0, count)]);

        public string Name => inner.Name;
        public int Count => count;
        public int[] ExampleShape => inner.ExampleShape;
        public int ClassCount => inner.ClassCount;
        public IReadOnlyList<string>? ClassNames => inner.ClassNames;
        public DatasetFactors? Factors => _factors;
        public bool HasMissing => inner.HasMissing;
        public TableSchema? Table => inner.Table;
        public IReadOnlyList<string> Skipped => inner.Skipped;
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination) => inner.CopyExamples(indices, destination);
        public void CopyMask(ReadOnlySpan<int> indices, Span<float> destination) => inner.CopyMask(indices, destination);
        public int Label(int index) => inner.Label(index);
    }
}
