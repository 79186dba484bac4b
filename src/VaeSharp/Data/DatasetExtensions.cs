using VaeSharp.Data.Tables;

namespace VaeSharp.Data;

/// <summary>Operations on any <see cref="IDataset"/>.</summary>
public static class DatasetExtensions
{
    /// <summary>The first <paramref name="count"/> examples as a data set (for quick runs and tests): a copy for the sets
    /// this library makes, else a view.</summary>
    public static IDataset Take(this IDataset data, int count) => data switch
    {
        ByteImageDataset images => images.Take(count),
        TableDataset table => table.Take(count),
        _ => new FirstExamples(data, Math.Clamp(count, 0, data.Count)),
    };

    private sealed class FirstExamples(IDataset inner, int count) : IDataset
    {
        public string Name => inner.Name;
        public int Count => count;
        public int[] ExampleShape => inner.ExampleShape;
        public int ClassCount => inner.ClassCount;
        public IReadOnlyList<string>? ClassNames => inner.ClassNames;
        public bool HasMissing => inner.HasMissing;
        public TableSchema? Table => inner.Table;
        public IReadOnlyList<string> Skipped => inner.Skipped;
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination) => inner.CopyExamples(indices, destination);
        public void CopyMask(ReadOnlySpan<int> indices, Span<float> destination) => inner.CopyMask(indices, destination);
        public int Label(int index) => inner.Label(index);
    }
}
