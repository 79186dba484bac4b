using SkiaSharp;
using VaeSharp.Engine.IO;

namespace VaeSharp.Imaging;

// Image files through SkiaSharp's codecs (Skia's libpng, libjpeg-turbo, libwebp, ... — the native
// library that ScottPlot draws with). Writing: 8-bit PNG, gray (1 channel), RGB (3) or RGBA (4);
// gray+alpha (2) is written as RGBA, since Skia has no gray+alpha pixel format. Files are written
// atomically (temporary file + rename, AtomicFile). Reading: whatever Skia decodes (PNG of any bit
// depth, palette and interlaced PNGs, JPEG, GIF's first frame, BMP, WebP), as 8-bit pixels with
// the channels the file stores: 1 for gray, 2 for gray+alpha PNGs, 3 for opaque colour, 4 with
// alpha (unpremultiplied). No colour management: the stored values come back as they are. Anything
// Skia cannot decode completely — not an image, truncated, a CRC or zlib error — is an
// ImageFormatException naming the file and the decoder's verdict, never a partly decoded image.
// The size a header declares is checked before pixel memory is allocated: at most DefaultMaxPixels
// (2^26) pixels or the caller's limit, and for a PNG no more pixel data than the file's bytes can
// inflate to (deflate's 1032:1), so a tiny PNG cannot claim a huge image. Other formats have no such
// bound: below the pixel limit, their memory follows the header. Skia reads from native memory
// (SKMemoryStream), never through a managed stream callback.

/// <summary>Reads image files (PNG, JPEG, GIF, BMP, WebP) and writes PNG files, through SkiaSharp.</summary>
public static class ImageCodec
{
    /// <summary>The most pixels <see cref="Decode"/> accepts unless told otherwise: 2^26 (8192×8192; 256 MiB as RGBA).</summary>
    public const long DefaultMaxPixels = 1L << 26;

    // Deflate's largest expansion: a 258-byte match in 2 bits, 1032 bytes out per byte in (zlib's "technical details").
    private const long DeflateMaxRatio = 1032;

    /// <summary>Writes <paramref name="image"/> as a PNG to <paramref name="path"/>, atomically (temporary file, then rename).</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="image">The image.</param>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void WritePng(string path, Image8 image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] png = EncodePng(image);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>Writes <paramref name="image"/> as a PNG to <paramref name="stream"/> at its current position.</summary>
    /// <param name="stream">A writable stream; it is not disposed.</param>
    /// <param name="image">The image.</param>
    public static void WritePng(Stream stream, Image8 image)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(EncodePng(image));
    }

    /// <summary>Encodes <paramref name="image"/> as a complete PNG file in memory.</summary>
    /// <param name="image">The image: 1 channel is written as gray, 3 as RGB, 2 and 4 as RGBA.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] EncodePng(Image8 image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (info, pixels) = image.Channels == 1
            ? (new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque), image.Pixels)
            : (new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, image.Channels == 3 ? SKAlphaType.Opaque : SKAlphaType.Unpremul),
               ToRgba(image));
        using var skImage = SKImage.FromPixelCopy(info, pixels)
            ?? throw new InvalidOperationException($"SkiaSharp refused a {image.Width}×{image.Height} image.");
        using var data = skImage.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}×{image.Height}×{image.Channels} image as PNG.");
        return data.ToArray();
    }

    /// <summary>Reads the image file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The image, with the channels the file stores (1, 2, 3 or 4).</returns>
    /// <exception cref="ImageFormatException">The file is not an image Skia decodes, or is truncated or corrupt.</exception>
    /// <param name="maxPixels">The largest width × height accepted (see <see cref="Decode"/>).</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Image8 Read(string path, long maxPixels = DefaultMaxPixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path, maxPixels);
    }

    /// <summary>Reads an image from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;stream&gt;</c>.</param>
    /// <param name="maxPixels">The largest width × height accepted (see <see cref="Decode"/>).</param>
    /// <returns>The image.</returns>
    /// <exception cref="ImageFormatException">The content is not an image Skia decodes, or is truncated or corrupt.</exception>
    public static Image8 Read(Stream stream, string? sourceName = null, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.ToArray(), sourceName ?? "<stream>", maxPixels);
    }

    /// <summary>Decodes a whole image file held in memory. The size the header declares is checked before any pixel memory
    /// is allocated: at most <paramref name="maxPixels"/> pixels, and for a PNG no more pixel data than its bytes can
    /// inflate to (deflate expands at most 1032 times), so a small file cannot make the decoder allocate a large image.</summary>
    /// <param name="file">The file's bytes.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;bytes&gt;</c>.</param>
    /// <param name="maxPixels">The largest width × height accepted (default <see cref="DefaultMaxPixels"/>).</param>
    /// <returns>The image.</returns>
    /// <exception cref="ImageFormatException">The content is not an image Skia decodes, is truncated or corrupt, or
    /// declares more pixels than <paramref name="maxPixels"/> or than the file can hold.</exception>
    public static Image8 Decode(ReadOnlySpan<byte> file, string? sourceName = null, long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        string source = sourceName ?? "<bytes>";
        if (file.IsEmpty) throw new ImageFormatException(source, "the file is empty");
        byte[] bytes = file.ToArray();
        // A native memory stream: Skia's decoders then never call back into managed code, where a read or skip of more
        // than 2^31 bytes (a BMP's pixel offset, a chunk length) threw inside the callback and ended the process.
        using var data = SKData.CreateCopy(bytes);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var opened)
            ?? throw new ImageFormatException(source, opened == SKCodecResult.Unimplemented
                ? "not an image file (neither PNG, JPEG, GIF, BMP nor WebP)"
                : $"not a readable image: the decoder stops at its header ({Verdict(opened)})");
        var stored = codec.Info;
        long pixels = (long)stored.Width * stored.Height;
        string header = codec.EncodedFormat == SKEncodedImageFormat.Png ? "IHDR" : $"the {codec.EncodedFormat} header";
        if (pixels > maxPixels)
            throw new ImageFormatException(source, $"{header} declares {stored.Width}×{stored.Height} = {pixels} pixels, more than the {maxPixels} accepted");
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && PngPixelBits(bytes) is Int128 bits && bits / 8 > DeflateMaxRatio * bytes.Length)
            throw new ImageFormatException(source, $"IHDR declares {stored.Width}×{stored.Height} pixels ({bits / 8} bytes of pixel data), more than the file's {bytes.Length} bytes can hold compressed (deflate expands at most {DeflateMaxRatio}:1): truncated or corrupt");
        bool gray = stored.ColorType == SKColorType.Gray8;
        int channels = gray ? 1 : IsGrayAlphaPng(codec, bytes) ? 2 : stored.AlphaType == SKAlphaType.Opaque ? 3 : 4;
        int decodedChannels = gray ? 1 : 4;
        if (pixels * decodedChannels > Array.MaxLength)
            throw new ImageFormatException(source, $"a {stored.Width}×{stored.Height} image is too large to hold in memory");

        // A destination without a colour space: Skia then copies the stored values without colour conversion.
        var target = new SKImageInfo(stored.Width, stored.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888,
            gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var decoded = new byte[target.BytesSize];
        var result = codec.GetPixels(target, decoded);
        if (result != SKCodecResult.Success)
            throw new ImageFormatException(source, $"the {codec.EncodedFormat} data cannot be decoded completely ({Verdict(result)})");
        return new Image8(stored.Width, stored.Height, channels, channels == decodedChannels ? decoded : FromRgba(decoded, channels));
    }

    // Bits of pixel data a PNG's IHDR declares (width × height × bits per pixel, without the per-row filter bytes, so
    // no more than an interlaced or plain image's inflated data); null if IHDR is not where a PNG Skia accepted has it.
    private static Int128? PngPixelBits(byte[] file)
    {
        if (file.Length < 29) return null;
        Int128 width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(16));
        Int128 height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(20));
        int samples = file[25] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        return samples == 0 ? null : width * height * file[24] * samples;
    }

    // PNG colour type 4 (gray + alpha), read from IHDR, which a PNG Skia accepted has at bytes 16..28.
    private static bool IsGrayAlphaPng(SKCodec codec, byte[] file) =>
        codec.EncodedFormat == SKEncodedImageFormat.Png && file.Length > 25 && file[25] == 4;

    private static string Verdict(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file ends too early: truncated",
        SKCodecResult.ErrorInInput => "corrupt data: a bad checksum, compressed stream or row filter",
        SKCodecResult.InvalidInput => "invalid data",
        SKCodecResult.Unimplemented => "a format or feature the decoder does not support",
        _ => result.ToString(),
    };

    // Interleaved 2-, 3- or 4-channel pixels → RGBA (gray+alpha: g, g, g, a; RGB: alpha 255).
    private static byte[] ToRgba(Image8 image)
    {
        int count = image.Width * image.Height, channels = image.Channels;
        if (channels == 4) return image.Pixels;
        var rgba = new byte[count * 4];
        ReadOnlySpan<byte> source = image.Pixels;
        for (int i = 0; i < count; i++)
        {
            int s = i * channels, d = i * 4;
            if (channels == 2)
            {
                rgba[d] = rgba[d + 1] = rgba[d + 2] = source[s];
                rgba[d + 3] = source[s + 1];
            }
            else
            {
                rgba[d] = source[s];
                rgba[d + 1] = source[s + 1];
                rgba[d + 2] = source[s + 2];
                rgba[d + 3] = 255;
            }
        }
        return rgba;
    }

    // RGBA → gray+alpha (Skia decodes gray+alpha with r = g = b) or RGB.
    private static byte[] FromRgba(byte[] rgba, int channels)
    {
        int count = rgba.Length / 4;
        var pixels = new byte[count * channels];
        for (int i = 0; i < count; i++)
        {
            int s = i * 4, d = i * channels;
            if (channels == 2)
            {
                pixels[d] = rgba[s];
                pixels[d + 1] = rgba[s + 3];
            }
            else
            {
                pixels[d] = rgba[s];
                pixels[d + 1] = rgba[s + 1];
                pixels[d + 2] = rgba[s + 2];
            }
        }
        return pixels;
    }
}
