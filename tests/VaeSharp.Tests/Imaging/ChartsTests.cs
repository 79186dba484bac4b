using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Tests.Imaging;

// The charts are checked in their pixels: each point, curve marker or bar must appear in its colour
// where the chart's own axes put its data coordinates (Chart.PixelOf), and nowhere it should not.
public sealed class ChartsTests
{
    private static (byte, byte, byte) Pixel(Image8 image, (int X, int Y) at) => (image[at.X, at.Y, 0], image[at.X, at.Y, 1], image[at.X, at.Y, 2]);

    private static readonly (byte, byte, byte) White = (255, 255, 255);

    // Colours seen in the image right of the plot area, where the legend is.
    private static HashSet<(byte, byte, byte)> LegendColours(Chart chart, Image8 image)
    {
        int right = (int)Math.Ceiling(chart.Plot.LastRender.DataRect.Right) + 2;
        var colours = new HashSet<(byte, byte, byte)>();
        for (int y = 0; y < image.Height; y++)
            for (int x = right; x < image.Width; x++) colours.Add(Pixel(image, (x, y)));
        return colours;
    }

    private static readonly float[] Xs = [0f, 10f, -4f, 2f, 7f];
    private static readonly float[] Ys = [0f, 5f, 8f, -3f, -1f];
    private static readonly int[] Labels = [0, 3, 9, 12, 3];

    [Fact]
    public void LatentScatter_HasTheRequestedSize_OnWhite()
    {
        using var chart = Charts.LatentScatter(Xs, Ys, Labels, width: 640, height: 480);
        var image = chart.Render();
        Assert.Equal((640, 480, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(White, Pixel(image, (0, 0)));
        Assert.Equal(White, Pixel(image, (639, 479)));
        Assert.True(image.Pixels.Count(b => b == 255) > image.Pixels.Length / 2, "the background is not mostly white");
    }

    [Fact]
    public void LatentScatter_EachPoint_AppearsInItsClassColour()
    {
        using var chart = Charts.LatentScatter(Xs, Ys, Labels, width: 640, height: 480);
        var image = chart.Render();
        for (int i = 0; i < Xs.Length; i++)
        {
            var at = chart.PixelOf(Xs[i], Ys[i]);
            Assert.Equal(Charts.ClassColor(Labels[i]), Pixel(image, at));
            Assert.Equal(Charts.ClassColor(Labels[i]), Pixel(image, (at.X + 1, at.Y + 1)));   // a disc, not a dot
        }
        Assert.Equal(Charts.ClassColor(2), Charts.ClassColor(12));                            // tab10 repeats after 10
        Assert.Equal(((byte)31, (byte)119, (byte)180), Charts.ClassColor(0));                 // matplotlib's tab:blue
        // Up is positive y, and the extreme points lie inside the plot area.
        var data = chart.Plot.LastRender.DataRect;
        Assert.True(chart.PixelOf(0, 8).Y < chart.PixelOf(0, -3).Y);
        Assert.InRange(chart.PixelOf(-4, 0).X, data.Left + 1, data.Left + data.Width / 5);
        Assert.InRange(chart.PixelOf(10, 0).X, data.Right - data.Width / 5, data.Right - 1);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    public void LatentScatter_DrawsInDataOrder_SoTheLaterPointIsOnTop(int first, int second)
    {
        using var chart = Charts.LatentScatter([0f, 0f, 1f, -1f], [0f, 0f, 1f, -1f], [first, second, 0, 0], width: 400, height: 300);
        var image = chart.Render();
        Assert.Equal(Charts.ClassColor(second), Pixel(image, chart.PixelOf(0, 0)));
    }

    [Fact]
    public void LatentScatter_Legend_NamesEachClassPresent_RightOfThePlot()
    {
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        using var chart = Charts.LatentScatter(Xs, Ys, Labels, names, width: 640, height: 480);
        var image = chart.Render();
        Assert.Equal(["T-shirt/top", "Dress", "Ankle boot", "12"], chart.Plot.Legend.GetItems().Select(item => item.LabelText));
        var colours = LegendColours(chart, image);
        foreach (int c in new[] { 0, 3, 9, 12 }) Assert.Contains(Charts.ClassColor(c), colours);
        // Absent classes have no entry (tab10's grey, class 7, is left out: anti-aliased text has that shade too).
        foreach (int c in new[] { 1, 4, 5, 6, 8 }) Assert.DoesNotContain(Charts.ClassColor(c), colours);
    }

    [Fact]
    public void LatentScatter_WithoutLabels_IsBlue_WithNoLegend()
    {
        using var chart = Charts.LatentScatter(Xs, Ys, width: 400, height: 300);
        var image = chart.Render();
        Assert.Empty(chart.Plot.Legend.GetItems());
        Assert.Equal(Charts.ClassColor(0), Pixel(image, chart.PixelOf(Xs[1], Ys[1])));
        Assert.DoesNotContain(Charts.ClassColor(0), LegendColours(chart, image));
    }

    [Fact]
    public void LatentScatter_SkipsNonFinitePoints_WithoutStretchingTheAxes()
    {
        using var chart = Charts.LatentScatter([0f, 1f, float.NaN, float.PositiveInfinity], [0f, 1f, 5f, 2f], width: 400, height: 300);
        chart.Render();
        var limits = chart.Plot.Axes.GetLimits();
        Assert.InRange(limits.Right, 1, 1.5);
        Assert.InRange(limits.Top, 1, 1.5);
    }

    [Fact]
    public void LatentScatter_BadInput_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Charts.LatentScatter([1f, 2f], [1f]));
        Assert.Throws<ArgumentException>(() => Charts.LatentScatter([1f, 2f], [1f, 2f], [0]));
        Assert.Throws<ArgumentException>(() => Charts.LatentScatter([1f], [1f], [-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Charts.LatentScatter([1f], [1f], width: 50));
        using var chart = Charts.LatentScatter([1f], [1f]);
        Assert.Throws<InvalidOperationException>(() => chart.PixelOf(1, 1));   // no layout before the first render
    }

    [Fact]
    public void SavePng_WritesTheRenderedPixels_AtTheRequestedSize()
    {
        using var folder = new Data.TempFolder();
        string path = folder.Combine("scatter.png");
        using var chart = Charts.LatentScatter(Xs, Ys, Labels, width: 500, height: 350);
        var written = chart.SavePng(path);
        var read = ImageCodec.Read(path);
        Assert.Equal((500, 350, 3), (read.Width, read.Height, read.Channels));
        Assert.Equal(written.Pixels, read.Pixels);
        Assert.Equal(chart.Render().Pixels, read.Pixels);   // rendering is repeatable
    }

    // Four well-separated curves that never cross: train loss, test loss, reconstruction, KL.
    private static EpochReport Epoch(int epoch, double loss, double test, double reconstruction, double kl, bool withTest = true) =>
        new(epoch, loss, [new TermValue("reconstruction", reconstruction), new TermValue("kl", kl)],
            withTest ? new LossSummary(test, [new TermValue("reconstruction", test - kl), new TermValue("kl", kl)], 100) : null,
            Seconds: 1, ExamplesPerSecond: 1000, LearningRate: 1e-3f);

    private static readonly EpochReport[] ThreeEpochs =
    [
        Epoch(1, 300, 260, 230, 20),
        Epoch(2, 250, 215, 185, 25),
        Epoch(3, 200, 170, 140, 30),
    ];

    [Fact]
    public void Loss_DrawsEachCurveThroughItsValues_InItsColour()
    {
        using var chart = Charts.Loss(ThreeEpochs, "a run", width: 800, height: 500);
        var image = chart.Render();
        Assert.Equal((800, 500, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(["Loss", "Test Loss", "Reconstruction Loss", "KL Loss"], chart.Plot.Legend.GetItems().Select(item => item.LabelText));
        foreach (var e in ThreeEpochs)
        {
            Assert.Equal(Charts.ClassColor(0), Pixel(image, chart.PixelOf(e.Epoch, e.Loss)));
            Assert.Equal(Charts.ClassColor(1), Pixel(image, chart.PixelOf(e.Epoch, e.TestLoss)));
            Assert.Equal(Charts.ClassColor(2), Pixel(image, chart.PixelOf(e.Epoch, e["reconstruction"])));
            Assert.Equal(Charts.ClassColor(3), Pixel(image, chart.PixelOf(e.Epoch, e["kl"])));
        }
        // Nothing is drawn halfway between the loss and the test-loss curves.
        Assert.Equal(White, Pixel(image, chart.PixelOf(1.5, 280)));
    }

    [Fact]
    public void Loss_WithoutATestSet_HasNoTestCurve()
    {
        using var chart = Charts.Loss([Epoch(1, 300, 0, 280, 20, withTest: false), Epoch(2, 250, 0, 225, 25, withTest: false)]);
        chart.Render();
        Assert.Equal(["Loss", "Reconstruction Loss", "KL Loss"], chart.Plot.Legend.GetItems().Select(item => item.LabelText));
    }

    [Fact]
    public void Loss_OfOneEpoch_ShowsItsPoints()
    {
        using var chart = Charts.Loss([ThreeEpochs[0]]);
        var image = chart.Render();
        Assert.Equal(Charts.ClassColor(0), Pixel(image, chart.PixelOf(1, 300)));
        Assert.Equal(Charts.ClassColor(3), Pixel(image, chart.PixelOf(1, 20)));
        Assert.Throws<ArgumentException>(() => Charts.Loss([]));
    }

    [Fact]
    public void KlPerDimension_DrawsABarPerDimension_FromZero_GreyWhenInactive()
    {
        var stats = new LatentStatistics(Activity: [0.5, 0.001, 0.3, 0.2], KlPerDimension: [2.0, 0.6, 1.0, 1.5], Threshold: 0.01);
        using var chart = Charts.KlPerDimension(stats, width: 700, height: 450);
        var image = chart.Render();
        Assert.Equal((700, 450, 3), (image.Width, image.Height, image.Channels));
        var inactive = Pixel(image, chart.PixelOf(1, 0.3));
        Assert.NotEqual(White, inactive);
        for (int u = 0; u < 4; u++)
        {
            double kl = stats.KlPerDimension[u];
            var inside = Pixel(image, chart.PixelOf(u, kl / 2));
            Assert.Equal(u == 1 ? inactive : Charts.ClassColor(0), inside);
            Assert.Equal(inside, Pixel(image, chart.PixelOf(u + 0.3, kl * 0.95)));      // 0.8 wide, up to its value
            Assert.NotEqual(inside, Pixel(image, chart.PixelOf(u, kl + 0.1)));           // and no higher
            Assert.NotEqual(inside, Pixel(image, chart.PixelOf(u + 0.5, kl / 2)));       // a gap between bars
        }
        Assert.InRange(chart.PixelOf(0, 0).Y, chart.Plot.LastRender.DataRect.Bottom - 2, chart.Plot.LastRender.DataRect.Bottom + 1);
        Assert.Contains("3 of 4 active", chart.Plot.Axes.Title.Label.Text);
        Assert.Equal(["active (Cov_x E[z_u] > 0.01)", "inactive"], chart.Plot.Legend.GetItems().Select(item => item.LabelText));
    }

    [Fact]
    public void Curves_DrawEachSeriesThroughItsPoints_InTab10Order_LeavingOutNonFinitePoints()
    {
        CurveSeries a = new("a", [1, 2, 4, 8], [120, 110, 100, 95]), b = new("b", [1, 3, double.NaN, 9], [130, 105, 90, double.PositiveInfinity]);
        using var chart = Charts.Curves([a, b], "training minutes", "test_loss", "two runs", width: 800, height: 500);
        var image = chart.Render();
        Assert.Equal((800, 500, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(["a", "b"], chart.Plot.Legend.GetItems().Select(item => item.LabelText));
        for (int i = 0; i < a.X.Length; i++) Assert.Equal(Charts.ClassColor(0), Pixel(image, chart.PixelOf(a.X[i], a.Y[i])));
        Assert.Equal(Charts.ClassColor(1), Pixel(image, chart.PixelOf(1, 130)));
        Assert.Equal(Charts.ClassColor(1), Pixel(image, chart.PixelOf(3, 105)));
        var empty = Pixel(image, chart.PixelOf(6, 125));                                         // where no curve runs
        Assert.NotEqual(Charts.ClassColor(0), empty);
        Assert.NotEqual(Charts.ClassColor(1), empty);
        Assert.InRange(chart.Plot.Axes.GetLimits().Right, 8, 9);                                // b's point at x = 9 has y = ∞: left out
    }

    [Fact]
    public void Curves_OnALogAxis_PlaceDecadesEvenly_AndYMaxCutsTheTop()
    {
        CurveSeries s = new("run", [0, 0.1, 1, 10, 100], [400, 150, 110, 100, 95]);
        using var chart = Charts.Curves([s], "minutes", "nats", logX: true, yMax: 130);
        var image = chart.Render();
        // x is drawn at log10(x): 0.1, 1, 10 and 100 one decade apart; x = 0 has no place on a log axis and is left out.
        var (x1, _) = chart.PixelOf(-1, 100);
        var (x2, _) = chart.PixelOf(0, 100);
        var (x3, _) = chart.PixelOf(1, 100);
        Assert.InRange(Math.Abs((x2 - x1) - (x3 - x2)), 0, 1);
        Assert.Equal(Charts.ClassColor(0), Pixel(image, chart.PixelOf(0, 110)));
        Assert.Equal(Charts.ClassColor(0), Pixel(image, chart.PixelOf(2, 95)));
        var limits = chart.Plot.Axes.GetLimits();
        Assert.Equal(130, limits.Top, 6);
        Assert.InRange(limits.Bottom, 90, 95);
        Assert.InRange(limits.Left, -1.5, -0.9);
        var ticks = chart.Plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor && t.Position >= limits.Left && t.Position <= limits.Right).Select(t => t.Label);
        Assert.Superset(new HashSet<string> { "0.1", "1", "10", "100" }, ticks.ToHashSet());
    }

    [Fact]
    public void Curves_RefuseNoCurves_RaggedCurves_AndNothingToDraw()
    {
        Assert.Throws<ArgumentException>(() => Charts.Curves([], "x", "y"));
        var ragged = Assert.Throws<ArgumentException>(() => Charts.Curves([new CurveSeries("r", [1, 2], [1])], "x", "y"));
        Assert.Contains("'r' has 2 x and 1 y values", ragged.Message);
        Assert.Throws<ArgumentException>(() => Charts.Curves([new CurveSeries("n", [1, 2], [double.NaN, double.NaN])], "x", "y"));
        var above = Assert.Throws<ArgumentException>(() => Charts.Curves([new CurveSeries("h", [1, 2], [200, 300])], "x", "y", yMax: 100));
        Assert.Contains("y = 100", above.Message);
    }
}
