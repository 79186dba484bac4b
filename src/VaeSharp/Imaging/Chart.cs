using ScottPlot;
using SkiaSharp;

namespace VaeSharp.Imaging;

// A ScottPlot plot with the size it is drawn at, and the ways out: an RGB Image8 or a PNG written
// atomically through ImageCodec (not ScottPlot's own SavePng, which writes in place). The charts
// the product draws (Charts) return one; callers may restyle Plot before rendering.

/// <summary>A chart drawn with ScottPlot at a fixed size, rendered to an RGB <see cref="Image8"/> or a PNG file.</summary>
public sealed class Chart : IDisposable
{
    private bool _rendered;

    /// <summary>Wraps <paramref name="plot"/>, to be drawn at <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <param name="plot">The plot; the chart owns it from now on.</param>
    /// <param name="width">Image width in pixels, at least 100.</param>
    /// <param name="height">Image height in pixels, at least 100.</param>
    public Chart(Plot plot, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        Plot = plot;
        Width = width;
        Height = height;
    }

    /// <summary>The ScottPlot plot (axes, plottables, legend), to restyle before rendering.</summary>
    public Plot Plot { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Draws the chart into a new RGB image of <see cref="Width"/>×<see cref="Height"/>.</summary>
    public Image8 Render()
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {Width}×{Height} drawing surface.");
        Plot.Render(surface.Canvas, Width, Height);
        _rendered = true;
        using var pixmap = surface.PeekPixels();
        ReadOnlySpan<byte> rgba = pixmap.GetPixelSpan();
        var image = new Image8(Width, Height, 3);
        for (int i = 0, n = Width * Height; i < n; i++)
        {
            // The figure background is opaque, so premultiplied and straight colour agree.
            image.Pixels[3 * i] = rgba[4 * i];
            image.Pixels[3 * i + 1] = rgba[4 * i + 1];
            image.Pixels[3 * i + 2] = rgba[4 * i + 2];
        }
        return image;
    }

    /// <summary>Renders the chart and writes it as a PNG, atomically.</summary>
    /// <param name="path">The PNG file to create or replace; its folder must exist.</param>
    /// <returns>The image written.</returns>
    public Image8 SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var image = Render();
        ImageCodec.WritePng(path, image);
        return image;
    }

    /// <summary>Where the data point (<paramref name="x"/>, <paramref name="y"/>) lies in the image of the last
    /// <see cref="Render"/> (column, row; row 0 at the top).</summary>
    /// <exception cref="InvalidOperationException">The chart has not been rendered yet.</exception>
    public (int X, int Y) PixelOf(double x, double y)
    {
        if (!_rendered) throw new InvalidOperationException("Render the chart first: its layout is known only after a render.");
        var pixel = Plot.GetPixel(new Coordinates(x, y));
        return ((int)MathF.Round(pixel.X), (int)MathF.Round(pixel.Y));
    }

    /// <inheritdoc />
    public void Dispose() => Plot.Dispose();
}
