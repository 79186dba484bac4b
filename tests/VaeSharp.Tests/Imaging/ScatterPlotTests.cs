using VaeSharp.Imaging;

namespace VaeSharp.Tests.Imaging;

public sealed class ScatterPlotTests
{
    private static (byte, byte, byte) Pixel(Image8 image, int x, int y) => (image[x, y, 0], image[x, y, 1], image[x, y, 2]);

    private static readonly float[] Xs = [0f, 10f, -4f, 2f, 7f];
    private static readonly float[] Ys = [0f, 5f, 8f, -3f, -1f];
    private static readonly int[] Labels = [0, 3, 9, 12, 3];

    [Fact]
    public void Render_HasTheRequestedSize_OnWhite()
    {
        var plot = new ScatterPlot { Width = 640, Height = 480 };
        var image = plot.Render(Xs, Ys, Labels);
        Assert.Equal((640, 480, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal((255, 255, 255), Pixel(image, 0, 0));
        Assert.Equal((255, 255, 255), Pixel(image, 639, 479));
        Assert.True(image.Pixels.Count(b => b == 255) > image.Pixels.Length / 2, "the background is not mostly white");
    }

    [Fact]
    public void Render_ThePixelOfEachPoint_HasItsClassColour()
    {
        var plot = new ScatterPlot { Width = 640, Height = 480 };
        var image = plot.Render(Xs, Ys, Labels);
        var frame = plot.Layout(Xs, Ys, Labels, out _, out _, out _);
        for (int i = 0; i < Xs.Length; i++)
        {
            int px = frame.PixelX(Xs[i]), py = frame.PixelY(Ys[i]);
            Assert.Equal(ScatterPlot.ColorOf(Labels[i]), Pixel(image, px, py));
            Assert.Equal(ScatterPlot.ColorOf(Labels[i]), Pixel(image, px + 2, py));   // radius 2: a 5-pixel-wide disc
        }
        Assert.Equal(ScatterPlot.Tab10[2], ScatterPlot.ColorOf(12));
        // Up is positive y; the extreme points lie inside the frame by the 5 % margin.
        Assert.True(frame.PixelY(8) < frame.PixelY(-3));
        Assert.InRange(frame.PixelX(-4), frame.Left + 1, frame.Left + (frame.Right - frame.Left) / 10);
    }

    [Fact]
    public void Legend_ShowsEachClassColour_RightOfThePlot_AndNoOther()
    {
        var plot = new ScatterPlot { Width = 640, Height = 480, LegendTitle = "digit" };
        var image = plot.Render(Xs, Ys, Labels);
        var frame = plot.Layout(Xs, Ys, Labels, out _, out _, out var classes);
        Assert.Equal([0, 3, 9, 12], classes);
        var colours = new HashSet<(byte, byte, byte)>();
        for (int y = 0; y < image.Height; y++)
            for (int x = frame.Right + 2; x < image.Width; x++) colours.Add(Pixel(image, x, y));
        foreach (int c in classes) Assert.Contains(ScatterPlot.ColorOf(c), colours);
        foreach (int c in new[] { 1, 4, 5, 6, 7, 8 }) Assert.DoesNotContain(ScatterPlot.Tab10[c], colours);
        Assert.Contains(((byte)0, (byte)0, (byte)0), colours);           // legend text
        Assert.Contains(((byte)204, (byte)204, (byte)204), colours);     // legend edge
    }

    [Fact]
    public void WithoutLabels_PointsAreBlue_AndThereIsNoLegend()
    {
        var plot = new ScatterPlot { Width = 400, Height = 300 };
        var image = plot.Render(Xs, Ys);
        var frame = plot.Layout(Xs, Ys, default, out _, out _, out var classes);
        Assert.Empty(classes);
        Assert.Equal(ScatterPlot.Tab10[0], Pixel(image, frame.PixelX(Xs[1]), frame.PixelY(Ys[1])));
        for (int y = frame.Top; y <= frame.Bottom; y++)
            for (int x = frame.Right + 2; x < image.Width; x++) Assert.NotEqual(ScatterPlot.Tab10[0], Pixel(image, x, y));
    }

    [Fact]
    public void NonFinitePoints_AreSkipped_AndDoNotStretchTheAxes()
    {
        var plot = new ScatterPlot { Width = 400, Height = 300 };
        float[] x = [0f, 1f, float.NaN, float.PositiveInfinity], y = [0f, 1f, 5f, 2f];
        var frame = plot.Layout(x, y, default, out _, out _, out _);
        Assert.Equal(-0.05, frame.XMin, 9);
        Assert.Equal(1.05, frame.YMax, 9);
        _ = plot.Render(x, y);
    }

    [Theory]
    [InlineData(-1.05, 1.05, new[] { -1.0, -0.5, 0.0, 0.5, 1.0 })]
    [InlineData(0.0, 10.0, new[] { 0.0, 2.0, 4.0, 6.0, 8.0, 10.0 })]
    [InlineData(-3.3, 2.7, new[] { -3.0, -2.0, -1.0, 0.0, 1.0, 2.0 })]
    public void Ticks_AreNiceMultiples(double min, double max, double[] expected)
    {
        var ticks = ScatterPlot.Ticks(min, max);
        Assert.Equal(expected.Length, ticks.Length);
        for (int i = 0; i < ticks.Length; i++) Assert.Equal(expected[i], ticks[i], 9);
    }

    [Fact]
    public void TickLabels_HaveTheDecimalsTheStepNeeds()
    {
        var half = ScatterPlot.Ticks(-1.05, 1.05);
        Assert.Equal(["-1.0", "-0.5", "0.0", "0.5", "1.0"], half.Select(t => ScatterPlot.FormatTick(t, half)));
        var two = ScatterPlot.Ticks(0, 10);
        Assert.Equal("4", ScatterPlot.FormatTick(two[2], two));
        Assert.Equal("0", ScatterPlot.FormatTick(-1e-17, two));
    }

    [Fact]
    public void BadInput_IsRejected()
    {
        var plot = new ScatterPlot();
        Assert.Throws<ArgumentException>(() => plot.Render([1f, 2f], [1f]));
        Assert.Throws<ArgumentException>(() => plot.Render([1f, 2f], [1f, 2f], [0]));
        Assert.Throws<ArgumentException>(() => plot.Render([1f], [1f], [-1]));
        Assert.Throws<ArgumentException>(() => new ScatterPlot { Width = 100 }.Render([1f], [1f]));
    }
}
