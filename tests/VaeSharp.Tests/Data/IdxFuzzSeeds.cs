using System.IO.Compression;
using VaeSharp.Engine.Tests.Fuzzing;

namespace VaeSharp.Tests.Data;

// Valid IDX files to mutate, with their structure: magic (2 zero bytes, type, rank), one big-endian u32 per
// dimension, the data; and the gzip container's fields (magic, method, flags, mtime, OS, deflate data,
// CRC-32, ISIZE) for mutating compressed files below the IDX layer.
internal static class IdxFuzzSeeds
{
    public static FuzzSeed Plain(string name, int[] dims, byte[]? data = null)
    {
        int count = dims.Aggregate(1, (a, b) => a * b);
        byte[] bytes = IdxBytes.Idx(0x08, dims, data ?? IdxBytes.Sequence(count));
        var boundaries = new List<(int, string)> { (0, "magic"), (2, "type"), (3, "rank") };
        var ints = new List<IntField> { new("type", 2, 1, true), new("rank", 3, 1, true) };
        for (int i = 0; i < dims.Length; i++)
        {
            boundaries.Add((4 + 4 * i, $"dimension {i}"));
            ints.Add(new IntField($"dimension {i}", 4 + 4 * i, 4, BigEndian: true));
        }
        boundaries.Add((4 + 4 * dims.Length, "data"));
        return new FuzzSeed(name, bytes, boundaries, ints);
    }

    public static FuzzSeed Gzip(FuzzSeed plain)
    {
        byte[] gz = IdxBytes.Gzip(plain.Bytes);
        int n = gz.Length;
        return new FuzzSeed(plain.Name + ".gz", gz,
            [(0, "gzip magic"), (2, "gzip method"), (3, "gzip flags"), (4, "gzip mtime"), (9, "gzip OS"), (10, "deflate data"), (n - 8, "gzip CRC-32"), (n - 4, "gzip ISIZE")],
            [new IntField("gzip flags", 3, 1, true), new IntField("gzip CRC-32", n - 8, 4, false), new IntField("gzip ISIZE", n - 4, 4, false), new IntField("gzip method", 2, 1, true)]);
    }

    public static IReadOnlyList<FuzzSeed> All { get; } =
    [
        Plain("labels", [10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
        Plain("images", [2, 5, 4]),
        Plain("rank2", [3, 7]),
        Plain("rank4", [2, 2, 2, 3]),
    ];

    // What a gzip stream inflates to (up to a limit), for allocation bounds and consistency checks; null if it is not gzip.
    public static byte[]? Inflate(byte[] bytes, int limit = 64 << 20)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B) return null;
        using var output = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var buffer = new byte[81920];
            int n;
            while (output.Length < limit && (n = gzip.Read(buffer)) > 0) output.Write(buffer, 0, n);
        }
        catch (InvalidDataException)
        {
        }
        return output.ToArray();
    }
}
