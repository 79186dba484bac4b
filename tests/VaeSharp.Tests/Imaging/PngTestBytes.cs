using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VaeSharp.Tests.Imaging;

// Test-side PNG toolkit, independent of VaeSharp.Imaging: a bitwise CRC-32 (no table), chunk and
// file builders for crafting bad files, and a strict structural checker for encoder output.
internal static class PngTestBytes
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
        }
        return ~crc;
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), BitwiseCrc(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] PngFile(params byte[][] chunks) => [.. Signature, .. chunks.SelectMany(c => c)];

    public static byte[] Ihdr(uint width, uint height, byte bitDepth = 8, byte colorType = 0, byte compression = 0, byte filter = 0, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), height);
        data[8] = bitDepth;
        data[9] = colorType;
        data[10] = compression;
        data[11] = filter;
        data[12] = interlace;
        return Chunk("IHDR", data);
    }

    public static byte[] Zlib(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal)) zlib.Write(raw);
        return output.ToArray();
    }

    public static byte[] Idat(byte[] filteredRows) => Chunk("IDAT", Zlib(filteredRows));

    public static byte[] Iend() => Chunk("IEND", []);

    // A valid 8-bit gray image (filter 0 rows) as a whole file, for mutating in tests.
    public static byte[] SmallGray(uint width = 3, uint height = 2) =>
        PngFile(Ihdr(width, height), Idat(new byte[height * (width + 1)]), Iend());

    /// <summary>
    /// Checks an encoder's output strictly and returns its inflated (still filtered) image data:
    /// signature; every chunk's length and recomputed CRC; IHDR first with the expected fields;
    /// IDATs consecutive; the zlib stream inflating to exactly height·(1 + width·channels) bytes
    /// with valid filter bytes; IEND last, empty, with nothing after it.
    /// </summary>
    public static byte[] StrictCheck(byte[] png, int width, int height, int channels)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(Signature), "signature");
        var chunks = new List<(string Type, byte[] Data)>();
        int at = 8;
        while (at < png.Length)
        {
            Assert.True(png.Length - at >= 12, $"chunk header at {at}");
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)));
            Assert.True(at + 12 + length <= png.Length, $"chunk at {at} fits in the file");
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            Assert.Equal(BitwiseCrc(png.AsSpan(at + 4, 4 + length)), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            chunks.Add((type, png.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);

        Assert.Equal("IHDR", chunks[0].Type);
        byte[] ihdr = chunks[0].Data;
        Assert.Equal(13, ihdr.Length);
        Assert.Equal((uint)width, BinaryPrimitives.ReadUInt32BigEndian(ihdr));
        Assert.Equal((uint)height, BinaryPrimitives.ReadUInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(8, ihdr[8]);
        Assert.Equal(channels switch { 1 => 0, 2 => 4, 3 => 2, 4 => 6, _ => -1 }, ihdr[9]);
        Assert.Equal([0, 0, 0], ihdr[10..13]);

        Assert.Equal(("IEND", 0), (chunks[^1].Type, chunks[^1].Data.Length));
        Assert.Equal(1, chunks.Count(c => c.Type == "IEND"));
        Assert.Equal(1, chunks.Count(c => c.Type == "IHDR"));
        int first = chunks.FindIndex(c => c.Type == "IDAT"), last = chunks.FindLastIndex(c => c.Type == "IDAT");
        Assert.True(first > 0, "has IDAT");
        Assert.All(chunks.Skip(first).Take(last - first + 1), c => Assert.Equal("IDAT", c.Type));

        byte[] compressed = chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        zlib.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int rowLength = 1 + width * channels;
        Assert.Equal(height * rowLength, raw.Length);
        for (int y = 0; y < height; y++) Assert.InRange(raw[y * rowLength], 0, 4);
        return raw;
    }
}
