using VaeSharp.Data;
using static VaeSharp.Tests.Data.IdxBytes;

namespace VaeSharp.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteFile(string name, byte[] bytes)
    {
        string path = _temp.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private DataFormatException AssertRejected(string name, byte[] bytes, int? expectedRank, params string[] fragments)
    {
        string path = WriteFile(name, bytes);
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path, expectedRank));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Equal(path, e.FilePath);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
        return e;
    }

    [Fact]
    public void Read_Rank1_GivesDimsAndData()
    {
        byte[] labels = [5, 0, 4, 1, 9, 2];
        IdxFile idx = IdxFile.Read(WriteFile("labels", Idx(0x08, [6], labels)), expectedRank: 1);
        Assert.Equal([6], idx.Dimensions);
        Assert.Equal(1, idx.Rank);
        Assert.Equal(labels, idx.Data);
    }

    [Fact]
    public void Read_Rank3_GivesDimsAndData()
    {
        byte[] data = Sequence(2 * 3 * 4);
        IdxFile idx = IdxFile.Read(WriteFile("images", Idx(0x08, [2, 3, 4], data)));
        Assert.Equal([2, 3, 4], idx.Dimensions);
        Assert.Equal(data, idx.Data);
    }

    [Fact]
    public void Read_Rank4_IsAccepted() =>
        Assert.Equal([1, 2, 1, 2], IdxFile.Read(WriteFile("r4", Idx(0x08, [1, 2, 1, 2], Sequence(4)))).Dimensions);

    [Fact]
    public void Read_Gzip_IsDetectedByMagicNotName()
    {
        byte[] data = Sequence(3 * 5 * 5);
        byte[] idx = Idx(0x08, [3, 5, 5], data);
        Assert.Equal(data, IdxFile.Read(WriteFile("no-extension", Gzip(idx))).Data);
        Assert.Equal(data, IdxFile.Read(WriteFile("misnamed.gz", idx)).Data);
    }

    [Fact]
    public void Read_FromNonSeekableGzipStream_Works()
    {
        byte[] data = Sequence(10);
        using var stream = new GZipOnlyForwardStream(Gzip(Idx(0x08, [10], data)));
        Assert.Equal(data, IdxFile.Read(stream).Data);
    }

    [Fact]
    public void Read_WrongRankForImages_GivesTheDocumentedMessage()
    {
        // A labels file (rank 1) where images (rank 3) were expected.
        string path = WriteFile("train-images-idx3-ubyte", Idx(0x08, [4, 4], Sequence(16)));
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path, 3, "images"));
        Assert.Equal($"{path}: magic number 0x00000802, expected 0x00000803 (images, rank 3)", e.Message);
    }

    [Fact]
    public void Read_WrongRankWithoutDescription_SaysExpectedRank() =>
        AssertRejected("labels", Idx(0x08, [2, 2, 2], Sequence(8)), 1, "magic number 0x00000803, expected 0x00000801 (rank 1)");

    [Fact]
    public void Read_NotIdxMagic_IsRejected() =>
        AssertRejected("png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 1, 0], null, "magic number 0x89504E47", "not an IDX file (its first two bytes must be 0)");

    [Theory]
    [InlineData(0x0D, "element type 0x0D (32-bit float) is not supported; only 0x08 (unsigned byte) is")]
    [InlineData(0x09, "element type 0x09 (signed byte) is not supported")]
    [InlineData(0x0C, "element type 0x0C (32-bit integer) is not supported")]
    [InlineData(0x42, "element type 0x42 (unknown type) is not supported")]
    public void Read_OtherElementType_IsRejected(byte type, string expected) =>
        AssertRejected("floats", Idx(type, [2], new byte[8]), null, $"magic number 0x0000{type:X2}01", expected);

    [Fact]
    public void Read_OtherElementType_WithExpectation_MentionsBoth() =>
        AssertRejected("floats", Idx(0x0D, [1, 1, 1], new byte[4]), 3,
            "magic number 0x00000D03, expected 0x00000803 (rank 3): element type 0x0D (32-bit float) is not supported");

    [Fact]
    public void Read_RankZero_IsRejected() =>
        AssertRejected("r0", [0, 0, 0x08, 0], null, "magic number 0x00000800: rank 0 is not supported (1 to 4)");

    [Fact]
    public void Read_RankFive_IsRejected() =>
        AssertRejected("r5", Idx(0x08, [1, 1, 1, 1, 1], [7]), null, "rank 5 is not supported (1 to 4)");

    [Theory]
    [InlineData(new[] { 0 }, "dimension 0 is 0, expected a positive size")]
    [InlineData(new[] { 3, 0, 28 }, "dimension 1 is 0, expected a positive size")]
    [InlineData(new[] { 3, -1 }, "dimension 1 is 4294967295, more than the largest supported size")]
    public void Read_NonPositiveDimension_IsRejected(int[] dims, string expected) =>
        AssertRejected("zero", Idx(0x08, dims, []), null, expected);

    [Fact]
    public void Read_HugeDimensions_AreRejectedWithoutAllocating() =>
        AssertRejected("huge", Idx(0x08, [65536, 65536, 65536], []), null, "dimensions 65536×65536×65536 describe more bytes than one array can hold");

    [Theory]
    [InlineData(0, "file is 0 bytes long, too short for the 4-byte magic number")]
    [InlineData(3, "file is 3 bytes long, too short for the 4-byte magic number")]
    [InlineData(9, "file is 9 bytes long, too short for the 16-byte header of a rank-3 IDX file")]
    public void Read_TruncatedHeader_IsRejected(int length, string expected) =>
        AssertRejected("short", Idx(0x08, [2, 2, 2], Sequence(8))[..length], null, expected);

    [Fact]
    public void Read_TruncatedData_IsRejectedBeforeAllocating() =>
        AssertRejected("train-images-idx3-ubyte", Idx(0x08, [60000, 28, 28], Sequence(100)), 3,
            "file is truncated: dimensions 60000×28×28 need 47040000 data bytes after the 16-byte header, but only 100 are there");

    [Fact]
    public void Read_TrailingBytes_AreRejected() =>
        AssertRejected("labels", [.. Idx(0x08, [3], [1, 2, 3]), 0, 0], 1, "file has 2 trailing bytes after the 3 data bytes that dimensions 3 declare");

    [Fact]
    public void Read_GzipTruncatedData_IsRejected() =>
        AssertRejected("images.gz", Gzip(Idx(0x08, [5, 28, 28], Sequence(784))), null,
            "decompressed data is truncated: dimensions 5×28×28 need 3920 data bytes after the 16-byte header, but only 784 are there");

    [Fact]
    public void Read_GzipTrailingBytes_AreRejected() =>
        AssertRejected("labels.gz", Gzip([.. Idx(0x08, [3], [1, 2, 3]), 9]), null, "decompressed data has trailing bytes after the 3 data bytes");

    [Fact]
    public void Read_GzipShortHeader_IsRejected() =>
        AssertRejected("tiny.gz", Gzip([0, 0]), null, "decompressed data is 2 bytes long, too short for the 4-byte magic number");

    [Fact]
    public void Read_CorruptGzip_IsRejected()
    {
        byte[] gz = Gzip(Idx(0x08, [100], Sequence(100)));
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        AssertRejected("corrupt.gz", gz, null, "gzip data is corrupt");
    }

    [Fact]
    public void Read_GzipWithBadChecksum_IsRejected()
    {
        byte[] gz = Gzip(Idx(0x08, [100], Sequence(100)));
        gz[^8] ^= 0xFF; // CRC-32 in the gzip trailer
        AssertRejected("badcrc.gz", gz, null, "gzip data is corrupt");
    }

    // A stream over gzip bytes that cannot seek (as from a pipe).
    private sealed class GZipOnlyForwardStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
