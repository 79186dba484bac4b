using VaeSharp.Engine.IO;

namespace VaeSharp.Imaging;

// A small animated-GIF encoder (GIF89a, CompuServe 1990): gray frames of one size, a global 256-gray palette, each
// frame LZW-compressed with 8-bit roots (clear code 256, end 257, codes growing from 9 to 12 bits, a clear code when
// the table is full), the NETSCAPE2.0 loop extension, and one delay for every frame. Tests decode its output with
// SkiaSharp's GIF decoder.

/// <summary>Writes gray frames as an animated GIF.</summary>
public static class GifWriter
{
    /// <summary>Encodes <paramref name="frames"/> (1-channel images of one size) as an animated GIF that loops forever,
    /// showing each for <paramref name="delayCentiseconds"/> hundredths of a second.</summary>
    /// <exception cref="ArgumentException">No frames, a frame not gray, or frames of different sizes.</exception>
    public static byte[] Encode(IReadOnlyList<Image8> frames, int delayCentiseconds = 10)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("A GIF needs at least one frame.");
        int width = frames[0].Width, height = frames[0].Height;
        if (width > ushort.MaxValue || height > ushort.MaxValue) throw new ArgumentException($"A GIF is at most 65535×65535; the frames are {width}×{height}.");
        foreach (var f in frames)
            if (f.Channels != 1 || f.Width != width || f.Height != height)
                throw new ArgumentException($"Every frame must be a gray {width}×{height} image; one is {f.Width}×{f.Height}×{f.Channels}.");
        ArgumentOutOfRangeException.ThrowIfNegative(delayCentiseconds);
        var s = new MemoryStream();
        s.Write("GIF89a"u8);
        WriteU16(s, width);
        WriteU16(s, height);
        s.WriteByte(0xF7);          // global colour table, 8 bits of colour resolution, 2^(7+1) = 256 entries
        s.WriteByte(0);             // background colour index
        s.WriteByte(0);             // no aspect ratio
        for (int g = 0; g < 256; g++) { s.WriteByte((byte)g); s.WriteByte((byte)g); s.WriteByte((byte)g); }
        s.Write([0x21, 0xFF, 11]);  // application extension: loop forever
        s.Write("NETSCAPE2.0"u8);
        s.Write([3, 1, 0, 0, 0]);
        foreach (var frame in frames)
        {
            s.Write([0x21, 0xF9, 4, 0x04]);   // graphic control: dispose "do not dispose", no transparency
            WriteU16(s, delayCentiseconds);
            s.Write([0, 0]);
            s.WriteByte(0x2C);                // image descriptor: whole canvas, no local table, not interlaced
            WriteU16(s, 0);
            WriteU16(s, 0);
            WriteU16(s, width);
            WriteU16(s, height);
            s.WriteByte(0);
            s.WriteByte(8);                   // LZW minimum code size
            WriteSubBlocks(s, Lzw(frame.Pixels));
        }
        s.WriteByte(0x3B);
        return s.ToArray();
    }

    /// <summary>Writes the GIF of <see cref="Encode"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, IReadOnlyList<Image8> frames, int delayCentiseconds = 10)
    {
        var bytes = Encode(frames, delayCentiseconds);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    // Variable-width LZW as GIF uses it, codes packed least significant bit first.
    private static byte[] Lzw(byte[] pixels)
    {
        const int clear = 256, end = 257, maxCodes = 4096;
        var output = new List<byte>();
        int bitBuffer = 0, bitCount = 0, width = 9, next = 258;
        var table = new Dictionary<int, int>();   // (prefix code << 8 | byte) → code
        void Emit(int code)
        {
            bitBuffer |= code << bitCount;
            bitCount += width;
            while (bitCount >= 8) { output.Add((byte)bitBuffer); bitBuffer >>= 8; bitCount -= 8; }
        }
        Emit(clear);
        if (pixels.Length == 0) { Emit(end); if (bitCount > 0) output.Add((byte)bitBuffer); return [.. output]; }
        int prefix = pixels[0];
        for (int i = 1; i < pixels.Length; i++)
        {
            int key = prefix << 8 | pixels[i];
            if (table.TryGetValue(key, out int code)) { prefix = code; continue; }
            Emit(prefix);
            if (next < maxCodes)
            {
                table[key] = next++;
                if (next > (1 << width) && width < 12) width++;
            }
            else
            {
                Emit(clear);
                table.Clear();
                next = 258;
                width = 9;
            }
            prefix = pixels[i];
        }
        Emit(prefix);
        Emit(end);
        if (bitCount > 0) output.Add((byte)bitBuffer);
        return [.. output];
    }

    private static void WriteSubBlocks(Stream s, byte[] data)
    {
        for (int at = 0; at < data.Length; at += 255)
        {
            int n = Math.Min(255, data.Length - at);
            s.WriteByte((byte)n);
            s.Write(data, at, n);
        }
        s.WriteByte(0);
    }

    private static void WriteU16(Stream s, int v)
    {
        s.WriteByte((byte)v);
        s.WriteByte((byte)(v >> 8));
    }
}
