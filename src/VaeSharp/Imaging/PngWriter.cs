using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using VaeSharp.Engine.IO;

namespace VaeSharp.Imaging;

// Encodes an Image8 as a non-interlaced 8-bit PNG: gray, gray+alpha, RGB or RGBA by channel count.
// Chunks: IHDR, IDAT (split every 64 KiB), IEND. Each row gets the filter whose output has the
// smallest sum of absolute values as signed bytes (the heuristic the PNG spec recommends,
// §12.8), then the whole is deflated with zlib. Files are written atomically (temp + rename).

/// <summary>Writes 8-bit PNG files (gray, gray+alpha, RGB, RGBA).</summary>
public static class PngWriter
{
    private const int MaxIdatLength = 1 << 16;

    /// <summary>Writes <paramref name="image"/> as a PNG to <paramref name="path"/>, atomically (temporary file, then rename).</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="image">The image.</param>
    public static void Write(string path, Image8 image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Encode(image);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes <paramref name="image"/> as a PNG to <paramref name="stream"/> at its current position.</summary>
    /// <param name="stream">A writable stream; it is not disposed.</param>
    /// <param name="image">The image.</param>
    public static void Write(Stream stream, Image8 image)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encode(image));
    }

    /// <summary>Encodes <paramref name="image"/> as a complete PNG file in memory.</summary>
    /// <param name="image">The image.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] Encode(Image8 image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        output.Write(PngFormat.Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;                                        // bit depth
        header[9] = PngFormat.ColorTypeFor(image.Channels);
        header[10] = 0;                                       // compression: deflate
        header[11] = 0;                                       // filter method: adaptive, five types
        header[12] = 0;                                       // no interlace
        WriteChunk(output, "IHDR", header);

        byte[] compressed = Deflate(Filter(image));
        for (int offset = 0; offset < compressed.Length; offset += MaxIdatLength)
            WriteChunk(output, "IDAT", compressed.AsSpan(offset, Math.Min(MaxIdatLength, compressed.Length - offset)));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    // Returns height rows of (1 filter byte + stride bytes).
    private static byte[] Filter(Image8 image)
    {
        int stride = image.Stride, bpp = image.Channels;
        long size = (long)image.Height * (stride + 1);
        if (size > Array.MaxLength) throw new ArgumentException("The image is too large to encode as one PNG.", nameof(image));
        var filtered = new byte[size];
        var zeros = new byte[stride];
        var candidate = new byte[stride];
        var best = new byte[stride];

        for (int y = 0; y < image.Height; y++)
        {
            ReadOnlySpan<byte> row = image.Pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> prior = y == 0 ? zeros : image.Pixels.AsSpan((y - 1) * stride, stride);
            long bestCost = long.MaxValue;
            byte bestType = 0;
            for (byte type = PngFormat.FilterNone; type <= PngFormat.FilterPaeth; type++)
            {
                ApplyFilter(type, row, prior, bpp, candidate);
                long cost = 0;
                foreach (byte b in candidate) cost += Math.Abs((int)(sbyte)b);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    bestType = type;
                    candidate.CopyTo(best, 0);
                }
            }
            int at = y * (stride + 1);
            filtered[at] = bestType;
            best.CopyTo(filtered, at + 1);
        }
        return filtered;
    }

    // Filt(x) = Orig(x) − predictor(a, b, c), mod 256; a = left, b = above, c = upper left (0 outside).
    private static void ApplyFilter(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        for (int i = 0; i < row.Length; i++)
        {
            byte a = i >= bpp ? row[i - bpp] : (byte)0;
            byte b = prior[i];
            byte c = i >= bpp ? prior[i - bpp] : (byte)0;
            int predictor = type switch
            {
                PngFormat.FilterSub => a,
                PngFormat.FilterUp => b,
                PngFormat.FilterAverage => (a + b) >> 1,
                PngFormat.FilterPaeth => PngFormat.Paeth(a, b, c),
                _ => 0,
            };
            output[i] = (byte)(row[i] - predictor);
        }
    }

    private static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(data);
        return compressed.ToArray();
    }

    // Length (big-endian) · type · data · CRC-32 of type and data.
    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        output.Write(word);
    }
}
