using SkiaSharp;

namespace VaeSharp.Imaging;

// Brings a decoded image to the channels and square size a data set needs: grey (ITU-R BT.601 luma of RGB; alpha
// dropped) or RGB (grey repeated), then the shorter side resized to S through Skia (linear filtering with mipmaps, so
// a large reduction averages instead of skipping pixels) and the centre S×S cropped. An image already S×S with the
// channels asked for is returned as it is, pixel for pixel.
internal static class ImageResize
{
    public static Image8 ToChannels(Image8 image, int channels)
    {
        if (image.Channels == channels) return image;
        int count = image.Width * image.Height, from = image.Channels;
        var source = image.Pixels;
        var pixels = new byte[count * channels];
        for (int i = 0; i < count; i++)
        {
            int s = i * from;
            if (channels == 1)
                pixels[i] = from <= 2 ? source[s] : (byte)Math.Clamp((int)MathF.Round(0.299f * source[s] + 0.587f * source[s + 1] + 0.114f * source[s + 2]), 0, 255);
            else
            {
                int d = i * 3;
                if (from <= 2) pixels[d] = pixels[d + 1] = pixels[d + 2] = source[s];
                else
                {
                    pixels[d] = source[s];
                    pixels[d + 1] = source[s + 1];
                    pixels[d + 2] = source[s + 2];
                }
            }
        }
        return new Image8(image.Width, image.Height, channels, pixels);
    }

    // image has 1 or 3 channels.
    public static Image8 ShorterSideAndCrop(Image8 image, int side)
    {
        if (image.Width == side && image.Height == side) return image;
        double scale = (double)side / Math.Min(image.Width, image.Height);
        int width = Math.Max(side, (int)Math.Round(image.Width * scale));
        int height = Math.Max(side, (int)Math.Round(image.Height * scale));
        bool grey = image.Channels == 1;
        var info = new SKImageInfo(image.Width, image.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        byte[] source = grey ? image.Pixels : ToRgba(image.Pixels);
        using var skImage = SKImage.FromPixelCopy(info, source) ?? throw new InvalidOperationException($"SkiaSharp refused a {image.Width}×{image.Height} image.");
        var scaledInfo = new SKImageInfo(width, height, info.ColorType, info.AlphaType);
        var scaled = new byte[scaledInfo.BytesSize];
        unsafe
        {
            fixed (byte* p = scaled)
            {
                using var pixmap = new SKPixmap(scaledInfo, (nint)p, scaledInfo.RowBytes);
                if (!skImage.ScalePixels(pixmap, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
                    throw new InvalidOperationException($"SkiaSharp could not resize a {image.Width}×{image.Height} image to {width}×{height}.");
            }
        }
        int bytesPerPixel = grey ? 1 : 4, channels = image.Channels;
        int left = (width - side) / 2, top = (height - side) / 2;
        var cropped = new byte[side * side * channels];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                int s = ((top + y) * width + left + x) * bytesPerPixel, d = (y * side + x) * channels;
                for (int c = 0; c < channels; c++) cropped[d + c] = scaled[s + c];
            }
        return new Image8(side, side, channels, cropped);
    }

    private static byte[] ToRgba(byte[] rgb)
    {
        int count = rgb.Length / 3;
        var rgba = new byte[count * 4];
        for (int i = 0; i < count; i++)
        {
            rgba[i * 4] = rgb[i * 3];
            rgba[i * 4 + 1] = rgb[i * 3 + 1];
            rgba[i * 4 + 2] = rgb[i * 3 + 2];
            rgba[i * 4 + 3] = 255;
        }
        return rgba;
    }
}
