using VaeSharp.Data;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VaeSharp.Tests.Data;

// IdxFile.Read over mutated IDX files, plain and gzipped: truncations at every header field, every
// interesting value (0, 2^31, 2^32 − 1, ...) in the type, rank and each dimension, bit flips, byte
// overwrites, insertions, deletions, trailing bytes; the same mutations inside a gzip container, and
// mutations of the container itself (flags, CRC-32, ISIZE, deflate data, truncation). Read from a
// seekable stream, from a non-seekable one (one input in five) and with an expected rank (half of them).
// Every input loads — its data is then the product of its dimensions long and is the file's payload —
// or ends in a DataFormatException naming the source and the field.
public sealed class IdxFileFuzzTests(ITestOutputHelper output)
{
    private const int InputCount = 3000;
    private const ulong Seed = 15;
    private static readonly string[] Fields = ["magic number", "dimension", "file", "decompressed data", "gzip", "trailing", "truncated"];

    private static IEnumerable<FuzzInput> Inputs(ulong seed)
    {
        var rng = new RandomGenerator(seed);
        var mutator = new ByteMutator(rng);
        var plain = IdxFuzzSeeds.All;
        var gzipped = plain.Select(IdxFuzzSeeds.Gzip).ToList();
        int index = 0;
        foreach (var s in plain.Concat(gzipped))
        {
            foreach (var (m, b) in ByteMutator.BoundaryTruncations(s)) yield return new FuzzInput(index++, m, b);
            foreach (var (m, b) in ByteMutator.IntFieldSweep(s)) yield return new FuzzInput(index++, m, b);
        }
        // Every element type the format defines (and a few it does not), in every seed, plain and gzipped.
        foreach (var s in plain)
            for (byte type = 0x07; type <= 0x0F; type++)
            {
                var b = (byte[])s.Bytes.Clone();
                b[2] = type;
                yield return new FuzzInput(index++, $"{s.Name}: type := 0x{type:X2}", b);
                yield return new FuzzInput(index++, $"{s.Name}: type := 0x{type:X2}, then gzipped", IdxBytes.Gzip(b));
            }
        while (index < InputCount)
        {
            int pick = rng.NextInt(plain.Count);
            switch (rng.NextInt(10))
            {
                case < 4:
                {
                    var (m, b) = mutator.Mutate(plain[pick]);
                    yield return new FuzzInput(index++, m, b);
                    break;
                }
                case < 7:
                {
                    var (m, b) = mutator.Mutate(plain[pick]);
                    yield return new FuzzInput(index++, $"{m}, then gzipped", IdxBytes.Gzip(b));
                    break;
                }
                default:
                {
                    var (m, b) = mutator.Mutate(gzipped[pick]);
                    yield return new FuzzInput(index++, m, b);
                    break;
                }
            }
        }
    }

    private static string SourceOf(FuzzInput input) => $"fuzz/{input.Index}.idx";

    private static int? ExpectedRank(FuzzInput input) => (input.Index % 4) switch { 0 => 3, 1 => 1, _ => null };

    private static IdxFile Load(FuzzInput input)
    {
        using Stream stream = input.Index % 5 == 0 ? new NonSeekableStream(input.Bytes) : new MemoryStream(input.Bytes, writable: false);
        return IdxFile.Read(stream, SourceOf(input), ExpectedRank(input));
    }

    private static string? Consistent(FuzzInput input, IdxFile idx)
    {
        if (idx.Rank is < 1 or > IdxFile.MaxRank) return $"rank {idx.Rank}";
        if (ExpectedRank(input) is int r && idx.Rank != r) return $"rank {idx.Rank}, expected {r}";
        if (idx.Dimensions.Any(d => d < 1)) return $"dimensions {string.Join("×", idx.Dimensions)}";
        long count = idx.Dimensions.Aggregate(1L, (a, b) => a * b);
        if (idx.Data.Length != count) return $"{idx.Data.Length} data bytes for dimensions {string.Join("×", idx.Dimensions)}";
        byte[] content = IdxFuzzSeeds.Inflate(input.Bytes) ?? input.Bytes;
        if (!content.AsSpan(4 + 4 * idx.Rank).SequenceEqual(idx.Data)) return "the data is not the file's payload";
        return null;
    }

    // The data array and (non-seekable) a copy of the input; for gzip, the growing buffer (at most 1 MiB before data arrives,
    // then at most twice what did arrive) and the decompressor's own buffers.
    private static long AllocationBound(FuzzInput input)
    {
        long inflated = IdxFuzzSeeds.Inflate(input.Bytes)?.Length ?? 0;
        return 256 * 1024 + 4L * input.Bytes.Length + (inflated > 0 || input.Bytes is [0x1F, 0x8B, ..] ? (1 << 20) + 4 * inflated : 0);
    }

    [Fact]
    public void Fuzz_MutatedIdxFiles_LoadConsistently_OrFailWithTheTypedError()
    {
        var campaign = new FuzzCampaign<IdxFile>
        {
            Loader = "IdxFile.Read",
            Seed = Seed,
            Load = Load,
            Source = SourceOf,
            IsTypedError = e => e is DataFormatException,
            Check = Consistent,
            CheckMessage = (_, e) => Fields.Any(f => e.Problem.Contains(f, StringComparison.Ordinal)) ? null : "names no field",
            AllocationBound = AllocationBound,
            Budget = TimeSpan.FromSeconds(30),
        };
        var result = campaign.Run(Inputs(Seed));
        result.AssertClean(output, InputCount);
        Assert.True(result.Loaded > 50, "too few mutations keep a loadable file: the checks on loaded files test little");
    }

    [Theory]
    [InlineData(false, new[] { 65535, 65535, 65535 }, 8 * 1024)]        // 2^48 bytes: more than one array
    [InlineData(false, new[] { 0x7FFFFFC7 }, 8 * 1024)]                  // Array.MaxLength bytes, 16 present
    [InlineData(false, new[] { 0x40000000, 2, 2, 2 }, 8 * 1024)]         // 2^33
    [InlineData(true, new[] { 0x7FFFFFC7 }, (1 << 20) + 256 * 1024)]     // gzip: the buffer starts at 1 MiB at most
    [InlineData(true, new[] { 65535, 65535, 65535 }, 256 * 1024)]
    public void HugeDimensions_FailFast_WithoutAllocatingWhatTheyClaim(bool gzip, int[] dims, long bound)
    {
        byte[] file = IdxBytes.Idx(0x08, dims, new byte[16]);
        if (gzip) file = IdxBytes.Gzip(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream(file), "huge.idx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < bound, $"allocated {allocated} bytes for a header claiming {string.Join("×", dims)}");
        Assert.StartsWith("huge.idx: ", e.Message);
        Assert.Matches("dimension|truncated", e.Problem);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
