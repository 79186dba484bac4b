namespace VaeSharp.Imaging;

// An 8-bit image in memory: Height rows of Width pixels, each pixel Channels bytes, row-major and
// interleaved (index = (y·Width + x)·Channels + c). Channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
// The pixel array is the caller's: it is used as given, not copied.

/// <summary>An 8-bit image: row-major, interleaved pixels with 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) channels.</summary>
public sealed class Image8
{
    /// <summary>Creates an image; with no <paramref name="pixels"/>, a black (all-zero) one.</summary>
    /// <param name="width">Pixels per row, at least 1.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="channels">1 gray, 2 gray+alpha, 3 RGB or 4 RGBA.</param>
    /// <param name="pixels">Width·Height·Channels bytes, row-major and interleaved; used as given, not copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the channel count is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> has the wrong length.</exception>
    public Image8(int width, int height, int channels, byte[]? pixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is < 1 or > 4)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA).");
        Int128 length = (Int128)width * height * channels;
        if (length > Array.MaxLength)
            throw new ArgumentException($"A {width}×{height}×{channels} image has more bytes than one array can hold.");
        if (pixels is not null && pixels.Length != length)
            throw new ArgumentException($"A {width}×{height}×{channels} image needs {length} pixel bytes, got {pixels.Length}.", nameof(pixels));

        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels ?? new byte[(int)length];
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Bytes per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>The pixel bytes, row-major and interleaved: index = (y·Width + x)·Channels + c.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bytes per row (Width·Channels).</summary>
    public int Stride => Width * Channels;

    /// <summary>The value of channel <paramref name="channel"/> of the pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    /// <param name="x">Column, 0 at the left.</param>
    /// <param name="y">Row, 0 at the top.</param>
    /// <param name="channel">Channel index.</param>
    public byte this[int x, int y, int channel]
    {
        get => Pixels[Index(x, y, channel)];
        set => Pixels[Index(x, y, channel)] = value;
    }

    private int Index(int x, int y, int channel)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || (uint)channel >= (uint)Channels)
            throw new ArgumentOutOfRangeException(null, $"Pixel ({x}, {y}) channel {channel} is outside a {Width}×{Height}×{Channels} image.");
        return (y * Width + x) * Channels + channel;
    }
}
