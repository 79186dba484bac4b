using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VaeSharp.Imaging;

// Decodes 8-bit, non-interlaced PNG files: gray, gray+alpha, RGB, RGBA; all five row filters;
// any number of (consecutive) IDAT chunks. It checks the signature, every chunk's length and
// CRC, the IHDR fields, the chunk order (IHDR first, IEND last, nothing after it), and that the
// zlib data inflates to exactly height·(1 + width·channels) bytes. Ancillary chunks are skipped
// (after their CRC check). Refused with "not supported": bit depths other than 8, palette
// images, interlacing, unknown critical chunks. Every failure is a PngFormatException naming
// the file and the problem. Memory grows with the data actually inflated, never with a size the
// header merely claims.

/// <summary>Reads 8-bit PNG files (gray, gray+alpha, RGB, RGBA; non-interlaced).</summary>
public static class PngReader
{
    private readonly record struct Header(int Width, int Height, int Channels);

    /// <summary>Reads the PNG file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The image, with 1, 2, 3 or 4 channels as stored.</returns>
    /// <exception cref="PngFormatException">The file is not a PNG, is corrupt, or uses an unsupported feature.</exception>
    public static Image8 Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a PNG from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;stream&gt;</c>.</param>
    /// <returns>The image.</returns>
    /// <exception cref="PngFormatException">The content is not a PNG, is corrupt, or uses an unsupported feature.</exception>
    public static Image8 Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.ToArray(), sourceName ?? "<stream>");
    }

    /// <summary>Decodes a whole PNG file held in memory.</summary>
    /// <param name="png">The file's bytes.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;bytes&gt;</c>.</param>
    /// <returns>The image.</returns>
    /// <exception cref="PngFormatException">The content is not a PNG, is corrupt, or uses an unsupported feature.</exception>
    public static Image8 Decode(ReadOnlySpan<byte> png, string? sourceName = null)
    {
        string source = sourceName ?? "<bytes>";
        ReadOnlySpan<byte> signature = PngFormat.Signature;
        if (png.Length < signature.Length || !png[..signature.Length].SequenceEqual(signature))
            throw Fail(source, $"not a PNG file: it starts with {Hex(png[..Math.Min(png.Length, signature.Length)])}, expected {Hex(signature)}");

        Header? header = null;
        using var idat = new MemoryStream();
        bool idatSeen = false, idatEnded = false, iendSeen = false;
        int position = signature.Length;

        while (position < png.Length)
        {
            int chunkStart = position;
            if (png.Length - position < 8)
                throw Fail(source, $"file truncated: {png.Length - position} bytes at offset {position} are too few for a chunk header");
            uint declared = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            ReadOnlySpan<byte> typeBytes = png.Slice(position + 4, 4);
            string type = ChunkType(typeBytes, chunkStart, source);
            if (declared > int.MaxValue)
                throw Fail(source, $"chunk '{type}' at offset {chunkStart} declares length {declared}, more than the PNG limit of 2^31−1");
            int length = (int)declared;
            if ((long)png.Length - position - 12 < length)
                throw Fail(source, $"file truncated: chunk '{type}' at offset {chunkStart} declares {length} data bytes plus a CRC, but only {png.Length - position - 8} bytes remain");

            ReadOnlySpan<byte> data = png.Slice(position + 8, length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(position + 8 + length)..]);
            uint computed = Crc32.Append(Crc32.Compute(typeBytes), data);
            if (stored != computed)
                throw Fail(source, $"CRC mismatch in chunk '{type}' at offset {chunkStart}: stored 0x{stored:X8}, computed 0x{computed:X8} (file corrupt)");
            position += 12 + length;

            if (header is null && type != "IHDR")
                throw Fail(source, $"first chunk is '{type}', expected 'IHDR'");
            if (idatSeen && type != "IDAT") idatEnded = true;

            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw Fail(source, $"second IHDR chunk at offset {chunkStart}");
                    header = ParseHeader(data, source);
                    break;
                case "IDAT":
                    if (idatEnded) throw Fail(source, $"IDAT chunk at offset {chunkStart} after other chunks followed the IDAT sequence; IDAT chunks must be consecutive");
                    idatSeen = true;
                    idat.Write(data);
                    break;
                case "IEND":
                    if (length != 0) throw Fail(source, $"IEND chunk has {length} data bytes, expected 0");
                    if (position != png.Length) throw Fail(source, $"{png.Length - position} bytes after the IEND chunk");
                    iendSeen = true;
                    break;
                case "PLTE":
                    // A suggested palette is allowed (and ignored) in truecolour images; never in gray ones.
                    if (header!.Value.Channels <= 2) throw Fail(source, "PLTE chunk in a grayscale image");
                    break;
                default:
                    if (char.IsAsciiLetterUpper(type[0]))
                        throw Fail(source, $"critical chunk '{type}' at offset {chunkStart} is not supported");
                    break; // ancillary: safe to skip
            }
        }

        if (header is null) throw Fail(source, "file truncated: no IHDR chunk");
        if (!iendSeen) throw Fail(source, "file truncated: no IEND chunk at the end");
        if (!idatSeen) throw Fail(source, "no IDAT chunk: the file has no image data");

        Header h = header.Value;
        int stride = h.Width * h.Channels;
        byte[] filtered = Inflate(idat, (long)h.Height * (stride + 1), source);
        return Unfilter(filtered, h, source);
    }

    private static Header ParseHeader(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length != 13) throw Fail(source, $"IHDR has {data.Length} bytes, expected 13");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        byte bitDepth = data[8], colorType = data[9], compression = data[10], filter = data[11], interlace = data[12];

        if (width == 0 || width > int.MaxValue) throw Fail(source, $"IHDR width {width} is invalid (must be 1 to 2^31−1)");
        if (height == 0 || height > int.MaxValue) throw Fail(source, $"IHDR height {height} is invalid (must be 1 to 2^31−1)");
        if (colorType == 3) throw Fail(source, "palette images (colour type 3) are not supported; use gray, gray+alpha, RGB or RGBA");
        int channels = PngFormat.ChannelsFor(colorType);
        if (channels == 0) throw Fail(source, $"IHDR colour type {colorType} is invalid (valid: 0, 2, 3, 4, 6)");
        if (bitDepth != 8) throw Fail(source, $"bit depth {bitDepth} is not supported; only 8-bit images are");
        if (compression != 0) throw Fail(source, $"IHDR compression method {compression} is invalid (only 0, deflate, is defined)");
        if (filter != 0) throw Fail(source, $"IHDR filter method {filter} is invalid (only 0 is defined)");
        if (interlace == 1) throw Fail(source, "interlaced (Adam7) images are not supported");
        if (interlace != 0) throw Fail(source, $"IHDR interlace method {interlace} is invalid (0 or 1)");
        if ((long)width * height > Array.MaxLength / channels)
            throw Fail(source, $"a {width}×{height} image with {channels} channels is too large to hold in memory");
        return new Header((int)width, (int)height, channels);
    }

    // Inflates the concatenated IDAT data; it must give exactly `expected` bytes.
    private static byte[] Inflate(MemoryStream compressed, long expected, string source)
    {
        compressed.Position = 0;
        using var inflated = new MemoryStream();
        var buffer = new byte[1 << 16];
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                if (inflated.Length + read > expected)
                    throw Fail(source, $"IDAT data inflates to more than the {expected} bytes that the IHDR size implies");
                inflated.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw Fail(source, $"IDAT data is not a valid zlib stream: {e.Message}", e);
        }
        if (inflated.Length != expected)
            throw Fail(source, $"IDAT data inflates to {inflated.Length} bytes, expected {expected} (height × (1 + width × channels))");
        return inflated.ToArray();
    }

    // Recon(x) = Filt(x) + predictor(a, b, c), mod 256 (PNG spec §9.2).
    private static Image8 Unfilter(byte[] filtered, Header h, string source)
    {
        int stride = h.Width * h.Channels, bpp = h.Channels;
        var pixels = new byte[(long)stride * h.Height];
        for (int y = 0; y < h.Height; y++)
        {
            int input = y * (stride + 1);
            byte type = filtered[input];
            ReadOnlySpan<byte> line = filtered.AsSpan(input + 1, stride);
            Span<byte> row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> prior = y == 0 ? default : pixels.AsSpan((y - 1) * stride, stride);
            switch (type)
            {
                case PngFormat.FilterNone:
                    line.CopyTo(row);
                    break;
                case PngFormat.FilterSub:
                    for (int i = 0; i < stride; i++) row[i] = (byte)(line[i] + (i >= bpp ? row[i - bpp] : 0));
                    break;
                case PngFormat.FilterUp:
                    for (int i = 0; i < stride; i++) row[i] = (byte)(line[i] + (y > 0 ? prior[i] : 0));
                    break;
                case PngFormat.FilterAverage:
                    for (int i = 0; i < stride; i++)
                    {
                        int a = i >= bpp ? row[i - bpp] : 0, b = y > 0 ? prior[i] : 0;
                        row[i] = (byte)(line[i] + ((a + b) >> 1));
                    }
                    break;
                case PngFormat.FilterPaeth:
                    for (int i = 0; i < stride; i++)
                    {
                        byte a = i >= bpp ? row[i - bpp] : (byte)0;
                        byte b = y > 0 ? prior[i] : (byte)0;
                        byte c = y > 0 && i >= bpp ? prior[i - bpp] : (byte)0;
                        row[i] = (byte)(line[i] + PngFormat.Paeth(a, b, c));
                    }
                    break;
                default:
                    throw Fail(source, $"row {y} has filter type {type}; valid types are 0 to 4");
            }
        }
        return new Image8(h.Width, h.Height, h.Channels, pixels);
    }

    private static string ChunkType(ReadOnlySpan<byte> typeBytes, int offset, string source)
    {
        foreach (byte b in typeBytes)
        {
            if (!char.IsAsciiLetter((char)b))
                throw Fail(source, $"chunk at offset {offset} has an invalid type {Hex(typeBytes)} (must be four ASCII letters; file corrupt)");
        }
        return Encoding.ASCII.GetString(typeBytes);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "(nothing)" : BitConverter.ToString(bytes.ToArray()).Replace('-', ' ');

    private static PngFormatException Fail(string source, string problem, Exception? inner = null) => new(source, problem, inner);
}
