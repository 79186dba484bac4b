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
// Memory follows the size the header declares, up to one array (2 GB); larger images are refused.

/// <summary>Reads image files (PNG, JPEG, GIF, BMP, WebP) and writes PNG files, through SkiaSharp.</summary>
public static class ImageCodec
{
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
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Image8 Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads an image from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;stream&gt;</c>.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ImageFormatException">The content is not an image Skia decodes, or is truncated or corrupt.</exception>
    public static Image8 Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.ToArray(), sourceName ?? "<stream>");
    }

    /// <summary>Decodes a whole image file held in memory.</summary>
    /// <param name="file">The file's bytes.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;bytes&gt;</c>.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ImageFormatException">The content is not an image Skia decodes, or is truncated or corrupt.</exception>
    public static Image8 Decode(ReadOnlySpan<byte> file, string? sourceName = null)
    {
        string source = sourceName ?? "<bytes>";
        if (file.IsEmpty) throw new ImageFormatException(source, "the file is empty");
        byte[] bytes = file.ToArray();
        using var codec = SKCodec.Create(new MemoryStream(bytes), out var opened)
            ?? throw new ImageFormatException(source, opened == SKCodecResult.Unimplemented
                ? "not an image file (neither PNG, JPEG, GIF, BMP nor WebP)"
                : $"not a readable image: the decoder stops at its header ({Verdict(opened)})");
        var stored = codec.Info;
        bool gray = stored.ColorType == SKColorType.Gray8;
        int channels = gray ? 1 : IsGrayAlphaPng(codec, bytes) ? 2 : stored.AlphaType == SKAlphaType.Opaque ? 3 : 4;
        int decodedChannels = gray ? 1 : 4;
        if ((long)stored.Width * stored.Height * decodedChannels > Array.MaxLength)
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
