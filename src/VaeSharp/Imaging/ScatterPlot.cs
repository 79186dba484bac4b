using System.Globalization;

namespace VaeSharp.Imaging;

// A categorical scatter plot drawn into an RGB Image8 — the picture of a 2-D latent space coloured by
// class (Keras VAE example, plot_label_clusters), with no plotting package.
// Layout: white background; plot area framed in black with light grid lines at the ticks; "nice"
// ticks (1, 2, 5 × 10^k) labelled with the built-in 5×7 font; x label below, y label rotated on the
// left; optional title on top; a legend box to the right of the plot area (so it never hides points)
// listing each class present with its colour. Axis limits are the data extent plus 5 % on each side
// (matplotlib's default margins). Points are filled discs drawn in data order, opaque, in matplotlib's
// tab10 colours (class c gets tab10[c mod 10]); without labels all points are tab10 blue and there is
// no legend. Points with a NaN or infinite coordinate are skipped. Nothing is anti-aliased.

/// <summary>Draws a scatter plot of labelled 2-D points (axes, ticks, legend) into an RGB <see cref="Image8"/>.</summary>
public sealed class ScatterPlot
{
    private static readonly byte[] White = [255, 255, 255], Black = [0, 0, 0], Grid = [232, 232, 232], LegendEdge = [204, 204, 204];

    /// <summary>matplotlib's "tab10" categorical palette (RGB), the default colour cycle of its plots.</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> Tab10 { get; } =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ];

    /// <summary>The colour of class <paramref name="label"/>: tab10[label mod 10].</summary>
    public static (byte R, byte G, byte B) ColorOf(int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        return Tab10[label % Tab10.Count];
    }

    /// <summary>Image width in pixels (at least 200).</summary>
    public int Width { get; init; } = 960;

    /// <summary>Image height in pixels (at least 150).</summary>
    public int Height { get; init; } = 800;

    /// <summary>Title above the plot, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>Label of the horizontal axis.</summary>
    public string XLabel { get; init; } = "x";

    /// <summary>Label of the vertical axis (drawn rotated, reading upwards).</summary>
    public string YLabel { get; init; } = "y";

    /// <summary>Heading of the legend box, or null for none.</summary>
    public string? LegendTitle { get; init; }

    /// <summary>Legend text of each class by label; labels without a name are shown as their number.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Radius of a point's disc in pixels, 0 (one pixel) to 10; 2 gives a 5×5 disc.</summary>
    public int PointRadius { get; init; } = 2;

    /// <summary>Integer scale of the 5×7 font, 1 to 4.</summary>
    public int FontScale { get; init; } = 2;

    /// <summary>Draws points (<paramref name="x"/>[i], <paramref name="y"/>[i]) coloured by <paramref name="labels"/>[i].</summary>
    /// <param name="x">Horizontal coordinates.</param>
    /// <param name="y">Vertical coordinates (up is positive), as many as <paramref name="x"/>.</param>
    /// <param name="labels">Class of each point (≥ 0), as many as <paramref name="x"/>; empty for unlabelled points.</param>
    /// <returns>An RGB image of <see cref="Width"/>×<see cref="Height"/>.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a label is negative, or the image is too small for its labels.</exception>
    public Image8 Render(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<int> labels = default)
    {
        var frame = Layout(x, y, labels, out var xTicks, out var yTicks, out var classes);
        var image = new Image8(Width, Height, 3);
        Array.Fill(image.Pixels, (byte)255);
        int s = FontScale, textHeight = BitmapFont.MeasureHeight(s), gap = 3 * s, tick = 2 * s + 1;

        foreach (double t in xTicks) FillRect(image, frame.PixelX(t), frame.Top, frame.PixelX(t), frame.Bottom, Grid);
        foreach (double t in yTicks) FillRect(image, frame.Left, frame.PixelY(t), frame.Right, frame.PixelY(t), Grid);

        Span<byte> color = stackalloc byte[3];
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i]) || !float.IsFinite(y[i])) continue;
            SetColor(color, labels.IsEmpty ? 0 : labels[i]);
            FillDisc(image, frame.PixelX(x[i]), frame.PixelY(y[i]), PointRadius, color, frame);
        }

        // Frame just outside the plot area, ticks pointing out, tick labels, axis labels, title.
        FillRect(image, frame.Left - 1, frame.Top - 1, frame.Right + 1, frame.Top - 1, Black);
        FillRect(image, frame.Left - 1, frame.Bottom + 1, frame.Right + 1, frame.Bottom + 1, Black);
        FillRect(image, frame.Left - 1, frame.Top - 1, frame.Left - 1, frame.Bottom + 1, Black);
        FillRect(image, frame.Right + 1, frame.Top - 1, frame.Right + 1, frame.Bottom + 1, Black);
        foreach (double t in xTicks)
        {
            int px = frame.PixelX(t);
            FillRect(image, px, frame.Bottom + 2, px, frame.Bottom + 1 + tick, Black);
            string text = FormatTick(t, xTicks);
            BitmapFont.Draw(image, px - BitmapFont.MeasureWidth(text, s) / 2, frame.Bottom + 2 + tick + gap, text, Black, s);
        }
        foreach (double t in yTicks)
        {
            int py = frame.PixelY(t);
            FillRect(image, frame.Left - 1 - tick, py, frame.Left - 2, py, Black);
            string text = FormatTick(t, yTicks);
            BitmapFont.Draw(image, frame.Left - 2 - tick - gap - BitmapFont.MeasureWidth(text, s), py - textHeight / 2, text, Black, s);
        }
        int centerX = (frame.Left + frame.Right) / 2, centerY = (frame.Top + frame.Bottom) / 2;
        BitmapFont.Draw(image, centerX - BitmapFont.MeasureWidth(XLabel, s) / 2, frame.Bottom + 2 + tick + 3 * gap + textHeight, XLabel, Black, s);
        BitmapFont.Draw(image, gap, centerY - BitmapFont.MeasureWidth(YLabel, s) / 2, YLabel, Black, s, vertical: true);
        if (Title is not null) BitmapFont.Draw(image, centerX - BitmapFont.MeasureWidth(Title, s) / 2, 2 * gap, Title, Black, s);

        if (classes.Length > 0) DrawLegend(image, frame, classes);
        return image;
    }

    /// <summary>Renders the plot (see <see cref="Render"/>) and writes it as a PNG, atomically.</summary>
    /// <param name="path">The PNG file to create or replace; its folder must exist.</param>
    /// <param name="x">Horizontal coordinates.</param>
    /// <param name="y">Vertical coordinates.</param>
    /// <param name="labels">Class of each point, or empty.</param>
    public void SavePng(string path, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<int> labels = default) =>
        PngWriter.Write(path, Render(x, y, labels));

    /// <summary>Where the plot area lies in the image (inclusive pixel bounds) and which data ranges its edges show.</summary>
    internal readonly record struct Frame(int Left, int Top, int Right, int Bottom, double XMin, double XMax, double YMin, double YMax)
    {
        public int PixelX(double x) => Left + (int)Math.Round((x - XMin) / (XMax - XMin) * (Right - Left));

        public int PixelY(double y) => Bottom - (int)Math.Round((y - YMin) / (YMax - YMin) * (Bottom - Top));
    }

    /// <summary>Checks the input and the settings, and places the plot area, the ticks and the legend's classes.</summary>
    internal Frame Layout(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<int> labels,
        out double[] xTicks, out double[] yTicks, out int[] classes)
    {
        if (Width < 200 || Height < 150) throw new ArgumentException($"A {Width}×{Height} scatter plot is too small: it needs at least 200×150 pixels.");
        if (PointRadius is < 0 or > 10) throw new ArgumentException($"PointRadius {PointRadius}: expected 0 to 10.");
        if (FontScale is < 1 or > 4) throw new ArgumentException($"FontScale {FontScale}: expected 1 to 4.");
        ArgumentNullException.ThrowIfNull(XLabel);
        ArgumentNullException.ThrowIfNull(YLabel);
        if (y.Length != x.Length) throw new ArgumentException($"{x.Length} x coordinates but {y.Length} y coordinates.", nameof(y));
        if (!labels.IsEmpty && labels.Length != x.Length) throw new ArgumentException($"{labels.Length} labels for {x.Length} points.", nameof(labels));

        var present = new SortedSet<int>();
        foreach (int label in labels)
        {
            if (label < 0) throw new ArgumentException($"Label {label} is negative; classes are 0, 1, 2, ...", nameof(labels));
            present.Add(label);
        }
        classes = [.. present];

        var (xMin, xMax) = Extent(x, y, x);
        var (yMin, yMax) = Extent(x, y, y);
        xTicks = Ticks(xMin, xMax);
        yTicks = Ticks(yMin, yMax);

        int s = FontScale, textHeight = BitmapFont.MeasureHeight(s), gap = 3 * s, tick = 2 * s + 1;
        int yTickWidth = 0;
        foreach (double t in yTicks) yTickWidth = Math.Max(yTickWidth, BitmapFont.MeasureWidth(FormatTick(t, yTicks), s));
        int left = gap + textHeight + gap + yTickWidth + gap + tick + 1;
        int top = 2 * gap + (Title is null ? 0 : textHeight + 2 * gap);
        int bottom = tick + 1 + gap + textHeight + 2 * gap + textHeight + 2 * gap;
        int right = classes.Length > 0 ? 4 * gap + LegendWidth(classes) : 2 * gap + BitmapFont.MeasureWidth("-0.00", s);
        var frame = new Frame(left, top, Width - 1 - right, Height - 1 - bottom, xMin, xMax, yMin, yMax);
        if (frame.Right - frame.Left < 20 || frame.Bottom - frame.Top < 20)
            throw new ArgumentException($"A {Width}×{Height} scatter plot leaves no room for the points beside its labels and legend; make it larger.");
        return frame;
    }

    // The data extent of `values` over points whose coordinates are both finite, plus 5 % on each side;
    // a single value v gets v ± 0.5, no points at all get [−1, 1].
    private static (double Min, double Max) Extent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(x[i]) || !float.IsFinite(y[i])) continue;
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }
        if (min > max) return (-1, 1);
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max))) return (min - 0.5, max + 0.5);
        double margin = 0.05 * (max - min);
        return (min - margin, max + margin);
    }

    // Ticks at multiples of a step of 1, 2 or 5 × 10^k chosen for about six intervals (Heckbert, "Nice numbers
    // for graph labels", Graphics Gems 1990).
    internal static double[] Ticks(double min, double max)
    {
        double step = NiceStep((max - min) / 6);
        long first = (long)Math.Ceiling(min / step - 1e-9), last = (long)Math.Floor(max / step + 1e-9);
        var ticks = new double[Math.Max(0, last - first + 1)];
        for (int k = 0; k < ticks.Length; k++) ticks[k] = (first + k) * step;
        return ticks;
    }

    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / power;
        return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power;
    }

    // As many decimals as the step needs ("0.5", "-2", "0.02"); −0 prints as 0.
    internal static string FormatTick(double value, double[] ticks)
    {
        double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        if (Math.Abs(value) < step * 1e-6) value = 0;
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private string ClassName(int label) =>
        ClassNames is not null && label < ClassNames.Count ? ClassNames[label] : label.ToString(CultureInfo.InvariantCulture);

    private int LegendWidth(int[] classes)
    {
        int s = FontScale, textHeight = BitmapFont.MeasureHeight(s), gap = 3 * s;
        int textWidth = 0;
        foreach (int c in classes) textWidth = Math.Max(textWidth, BitmapFont.MeasureWidth(ClassName(c), s));
        int width = textHeight + gap + textWidth;
        if (LegendTitle is not null) width = Math.Max(width, BitmapFont.MeasureWidth(LegendTitle, s));
        return 2 * gap + width;
    }

    // A white box with a light grey edge, top-aligned with the plot area; one row per class: a disc of the
    // class colour and the class name.
    private void DrawLegend(Image8 image, Frame frame, int[] classes)
    {
        int s = FontScale, textHeight = BitmapFont.MeasureHeight(s), gap = 3 * s, row = textHeight + gap;
        int rows = classes.Length + (LegendTitle is null ? 0 : 1);
        int left = frame.Right + 1 + 2 * gap, top = frame.Top;
        int right = left + LegendWidth(classes) - 1, bottom = top + 2 * gap + rows * row - gap - 1;
        FillRect(image, left, top, right, bottom, LegendEdge);
        FillRect(image, left + 1, top + 1, right - 1, bottom - 1, White);
        int y = top + gap;
        if (LegendTitle is not null)
        {
            BitmapFont.Draw(image, left + gap, y, LegendTitle, Black, s);
            y += row;
        }
        var all = new Frame(0, 0, image.Width - 1, image.Height - 1, 0, 1, 0, 1);
        Span<byte> color = stackalloc byte[3];
        foreach (int c in classes)
        {
            SetColor(color, c);
            FillDisc(image, left + gap + textHeight / 2, y + textHeight / 2, textHeight / 2, color, all);
            BitmapFont.Draw(image, left + gap + textHeight + gap, y, ClassName(c), Black, s);
            y += row;
        }
    }

    private static void SetColor(Span<byte> color, int label)
    {
        var (r, g, b) = ColorOf(label);
        color[0] = r; color[1] = g; color[2] = b;
    }

    // Pixels with dx² + dy² ≤ r² + r: a round disc at small radii (r = 2 → 5×5 without its corners), clipped to `clip`.
    private static void FillDisc(Image8 image, int cx, int cy, int radius, ReadOnlySpan<byte> color, Frame clip)
    {
        int limit = radius * radius + radius;
        for (int y = Math.Max(cy - radius, clip.Top); y <= Math.Min(cy + radius, clip.Bottom); y++)
            for (int x = Math.Max(cx - radius, clip.Left); x <= Math.Min(cx + radius, clip.Right); x++)
            {
                int dx = x - cx, dy = y - cy;
                if (dx * dx + dy * dy <= limit) color.CopyTo(image.Pixels.AsSpan((y * image.Width + x) * 3, 3));
            }
    }

    // Fills the inclusive rectangle [x0, x1] × [y0, y1], clipped to the image.
    private static void FillRect(Image8 image, int x0, int y0, int x1, int y1, ReadOnlySpan<byte> color)
    {
        for (int y = Math.Max(y0, 0); y <= Math.Min(y1, image.Height - 1); y++)
            for (int x = Math.Max(x0, 0); x <= Math.Min(x1, image.Width - 1); x++)
                color.CopyTo(image.Pixels.AsSpan((y * image.Width + x) * 3, 3));
    }
}
