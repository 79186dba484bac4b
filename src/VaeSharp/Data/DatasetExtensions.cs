namespace VaeSharp.Data;

/// <summary>Subsets of any <see cref="IDataset"/>.</summary>
public static class DatasetExtensions
{
    /// <summary>The first <paramref name="count"/> examples of <paramref name="data"/> (all of them when it has fewer),
    /// with their labels, class names and factors.</summary>
    public static IDataset Take(this IDataset data, int count) => data switch
    {
        ByteImageDataset bytes => bytes.Take(count),
        BitImageDataset bits => bits.Take(count),
        _ => new View(data, [.. Enumerable.Range(0, Math.Clamp(count, 0, data.Count))]),
    };

    // The examples of another data set at the given indices.
    private sealed class View(IDataset inner, int[] rows) : IDataset
    {
        private readonly DatasetFactors? _factors = inner.Factors?.Select(rows);

        public string Name => inner.Name;
        public int Count => rows.Length;
        public int[] ExampleShape => inner.ExampleShape;
        public int ClassCount => inner.ClassCount;
        public IReadOnlyList<string>? ClassNames => inner.ClassNames;
        public DatasetFactors? Factors => _factors;
        public int Label(int index) => inner.Label(rows[index]);

        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
        {
            var mapped = new int[indices.Length];
            for (int i = 0; i < mapped.Length; i++) mapped[i] = rows[indices[i]];
            inner.CopyExamples(mapped, destination);
        }
    }
}
