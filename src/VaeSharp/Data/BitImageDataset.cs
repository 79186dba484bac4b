namespace VaeSharp.Data;

/// <summary>
/// Binary images stored one bit per pixel (row-major, least significant bit first, each image starting on a byte)
/// and served as floats 0 or 1, with optional ground-truth factors: dSprites' 737,280 images of 64×64 take 360 MiB
/// this way instead of 2.8 GiB as bytes.
/// </summary>
public sealed class BitImageDataset : IDataset
{
    private readonly byte[] _bits;
    private readonly int[]? _rows;      // a view's example indices into _bits, or null for all of them in order
    private readonly int _pixels, _bytesPerImage;

    /// <summary>Wraps <paramref name="bits"/> holding <paramref name="count"/> images of shape <paramref name="exampleShape"/>.</summary>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    public BitImageDataset(string name, byte[] bits, int count, int[] exampleShape, DatasetFactors? factors = null)
        : this(name, bits, count, exampleShape, factors, rows: null)
    {
    }

    private BitImageDataset(string name, byte[] bits, int count, int[] exampleShape, DatasetFactors? factors, int[]? rows)
    {
        ArgumentNullException.ThrowIfNull(bits);
        _pixels = exampleShape.Aggregate(1, (a, b) => a * b);
        _bytesPerImage = (_pixels + 7) / 8;
        long stored = rows is null ? count : bits.Length / Math.Max(1, _bytesPerImage);
        if (rows is null && bits.Length != (long)count * _bytesPerImage)
            throw new ArgumentException($"{name}: {bits.Length} bytes do not hold {count} bit-packed images of {_pixels} pixels.");
        if (factors is not null && factors.Count != count)
            throw new ArgumentException($"{name}: factors for {factors.Count} examples, expected {count}.");
        if (rows is not null && rows.Any(r => r < 0 || r >= stored)) throw new ArgumentException($"{name}: a row index is out of range.");
        Name = name;
        _bits = bits;
        _rows = rows;
        Count = count;
        ExampleShape = (int[])exampleShape.Clone();
        Factors = factors;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int[] ExampleShape { get; }

    /// <inheritdoc />
    public int ClassCount => 0;

    /// <inheritdoc />
    public DatasetFactors? Factors { get; }

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            int row = _rows is null ? indices[i] : _rows[indices[i]];
            var src = _bits.AsSpan(row * _bytesPerImage, _bytesPerImage);
            var dst = destination.Slice(i * _pixels, _pixels);
            for (int j = 0; j < _pixels; j++) dst[j] = (src[j >> 3] >> (j & 7)) & 1;
        }
    }

    /// <inheritdoc />
    public int Label(int index) => throw new InvalidOperationException($"{Name} has no labels.");

    /// <summary>The examples at <paramref name="indices"/>, in that order, as a view sharing this set's storage.</summary>
    public BitImageDataset Select(int[] indices)
    {
        var rows = _rows is null ? (int[])indices.Clone() : indices.Select(i => _rows[i]).ToArray();
        return new BitImageDataset(Name, _bits, indices.Length, ExampleShape, Factors?.Select(indices), rows);
    }

    /// <summary>The first <paramref name="count"/> examples (for quick runs and tests).</summary>
    public BitImageDataset Take(int count) => Select([.. Enumerable.Range(0, Math.Clamp(count, 0, Count))]);
}
