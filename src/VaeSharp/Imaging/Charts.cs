using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Imaging;

// The charts VaeSharp draws, all with ScottPlot: the latent scatter (posterior means coloured by
// class, the Keras example's plot_label_clusters), the loss curves of a run (loss.png), and the KL
// of each latent dimension as bars. Each returns a Chart to render or save; none writes a file.
// Colours are matplotlib's tab10 (ScottPlot's Category10): class c, or the c-th curve, gets
// tab10[c mod 10]. Legends sit right of the plot area, so they never hide data. Text uses DejaVu
// Sans where the machine has it (Debian's fonts-dejavu-core), else ScottPlot's default font.

/// <summary>The charts VaeSharp draws — latent scatter, loss curves, KL per latent dimension — built with ScottPlot.</summary>
public static class Charts
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();
    private static readonly Color Inactive = Color.FromHex("#bbbbbb");
    private static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" }
        .FirstOrDefault(name => Fonts.GetTypeface(name, bold: false, italic: false)?.FamilyName == name);

    /// <summary>The colour of class (or curve) <paramref name="index"/>: matplotlib's tab10[index mod 10], as RGB.</summary>
    public static (byte R, byte G, byte B) ClassColor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var c = Palette.GetColor(index);
        return (c.R, c.G, c.B);
    }

    /// <summary>A scatter plot of points (<paramref name="x"/>[i], <paramref name="y"/>[i]), coloured by <paramref name="labels"/>[i],
    /// drawn in data order, with a legend of the classes present (by name where <paramref name="classNames"/> has one).</summary>
    /// <param name="x">Horizontal coordinates.</param>
    /// <param name="y">Vertical coordinates, as many as <paramref name="x"/>.</param>
    /// <param name="labels">Class of each point (≥ 0), as many as <paramref name="x"/>; empty for unlabelled points (all tab10 blue, no legend).</param>
    /// <param name="classNames">The legend text of each class by label (e.g. Fashion-MNIST's "T-shirt/top" for 0); labels past its end show as numbers.</param>
    /// <param name="title">Title above the plot, or null.</param>
    /// <param name="xLabel">Label of the horizontal axis.</param>
    /// <param name="yLabel">Label of the vertical axis.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentException">The lengths differ or a label is negative.</exception>
    public static Chart LatentScatter(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<int> labels = default,
        IReadOnlyList<string>? classNames = null, string? title = null, string xLabel = "x", string yLabel = "y", int width = 960, int height = 800)
    {
        if (y.Length != x.Length) throw new ArgumentException($"{x.Length} x coordinates but {y.Length} y coordinates.", nameof(y));
        if (!labels.IsEmpty && labels.Length != x.Length) throw new ArgumentException($"{labels.Length} labels for {x.Length} points.", nameof(labels));
        var present = new SortedSet<int>();
        foreach (int label in labels)
        {
            if (label < 0) throw new ArgumentException($"Label {label} is negative; classes are 0, 1, 2, ...", nameof(labels));
            present.Add(label);
        }
        int[] classes = present.Count > 0 ? [.. present] : [0];

        // Style k draws class classes[k]; each point refers to its class's style.
        var styleIndex = new Dictionary<int, int>();
        for (int k = 0; k < classes.Length; k++) styleIndex[classes[k]] = k;
        var styleOf = new int[x.Length];
        for (int i = 0; i < labels.Length; i++) styleOf[i] = styleIndex[labels[i]];
        var styles = classes.Select(c => new MarkerStyle(MarkerShape.FilledCircle, 6, Palette.GetColor(c))).ToArray();
        var legend = labels.IsEmpty ? [] : classes.Select((c, k) => new LegendItem
        {
            LabelText = classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture),
            MarkerStyle = new MarkerStyle(MarkerShape.FilledCircle, 10, Palette.GetColor(c)),
        }).ToArray();

        var plot = NewPlot(title, xLabel, yLabel);
        plot.PlottableList.Add(new LabelledPoints(ToDoubles(x), ToDoubles(y), styleOf, styles, legend));
        if (legend.Length > 0) plot.ShowLegend(Edge.Right);
        return new Chart(plot, width, height);
    }

    /// <summary>The loss curves of a run, one point per epoch: the training loss, the test loss (dashed) and each training
    /// loss term, labelled as the per-epoch line labels them ("Loss", "Test Loss", "Reconstruction Loss", "KL Loss", ...).</summary>
    /// <param name="epochs">The epochs so far, in order; at least one.</param>
    /// <param name="title">Title above the plot, or null.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentException">There are no epochs.</exception>
    public static Chart Loss(IReadOnlyList<EpochReport> epochs, string? title = null, int width = 960, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0) throw new ArgumentException("A loss chart needs at least one epoch.", nameof(epochs));
        var plot = NewPlot(title, "epoch", "nats per example");
        double[] xs = [.. epochs.Select(e => (double)e.Epoch)];
        int curve = 0;
        AddCurve(plot, xs, [.. epochs.Select(e => e.Loss)], "Loss", curve++, LinePattern.Solid);
        if (epochs.Any(e => e.Test is not null))
            AddCurve(plot, xs, [.. epochs.Select(e => e.TestLoss)], "Test Loss", curve++, LinePattern.Dashed);
        foreach (var term in epochs[0].Terms)
        {
            double[] values = [.. epochs.Select(e => e.Terms.FirstOrDefault(t => t.Name == term.Name) is { Name: not null } t ? t.Value : double.NaN)];
            AddCurve(plot, xs, values, LossTermLabels.Label(term.Name), curve++, LinePattern.Solid);
        }
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(xs[0] - 0.5, xs[^1] + 0.5);
        plot.ShowLegend(Edge.Right);
        return new Chart(plot, width, height);
    }

    /// <summary>Named curves on shared axes — e.g. the test loss of several runs against training minutes — in tab10 order, with a
    /// legend. Points whose x or y is not finite (or whose x is ≤ 0 on a logarithmic axis) are left out; curves of more than
    /// 40 points are drawn without markers.</summary>
    /// <param name="series">The curves, at least one, each with as many x as y values.</param>
    /// <param name="xLabel">Label of the horizontal axis.</param>
    /// <param name="yLabel">Label of the vertical axis.</param>
    /// <param name="title">Title above the plot, or null.</param>
    /// <param name="logX">A logarithmic horizontal axis (ticks at the powers of ten).</param>
    /// <param name="yMax">The top of the vertical axis (to cut off a run's first epochs), or null to fit all points.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentException">There are no curves, a curve's lengths differ, or no curve has a point to draw.</exception>
    public static Chart Curves(IReadOnlyList<CurveSeries> series, string xLabel, string yLabel, string? title = null, bool logX = false,
        double? yMax = null, int width = 960, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("A curve chart needs at least one curve.", nameof(series));
        var plot = NewPlot(title, xLabel, yLabel);
        double yMin = double.PositiveInfinity;
        for (int c = 0; c < series.Count; c++)
        {
            var s = series[c];
            if (s.X.Length != s.Y.Length)
                throw new ArgumentException($"Curve '{s.Label}' has {s.X.Length} x and {s.Y.Length} y values; expected as many of each.", nameof(series));
            var xs = new List<double>(s.X.Length);
            var ys = new List<double>(s.X.Length);
            for (int i = 0; i < s.X.Length; i++)
            {
                double x = s.X[i], y = s.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y) || (logX && x <= 0)) continue;
                xs.Add(logX ? Math.Log10(x) : x);
                ys.Add(y);
                if (yMax is null || y <= yMax) yMin = Math.Min(yMin, y);
            }
            if (xs.Count == 0) continue;
            var curve = AddCurve(plot, [.. xs], [.. ys], s.Label, c, LinePattern.Solid);
            if (xs.Count > 40) curve.MarkerSize = 0;
        }
        if (double.IsPositiveInfinity(yMin)) throw new ArgumentException("None of the curves has a finite point to draw" + (yMax is null ? "." : $" at or below y = {yMax}."), nameof(series));
        if (logX)
            plot.Axes.Bottom.TickGenerator = new NumericAutomatic
            {
                IntegerTicksOnly = true, MinorTickGenerator = new LogMinorTickGenerator(),
                LabelFormatter = v => Math.Pow(10, v).ToString("G4", CultureInfo.InvariantCulture),
            };
        plot.Axes.AutoScale();
        if (yMax is double top)
        {
            double pad = Math.Max(1e-9, (top - yMin) * 0.03);
            plot.Axes.SetLimitsY(yMin - pad, top);
        }
        plot.ShowLegend(Edge.Right);
        return new Chart(plot, width, height);
    }

    /// <summary>The average KL(q(z_u | x) ‖ p(z_u)) of each latent dimension u as a bar, active dimensions (activity above the
    /// threshold) in tab10 blue and inactive ones in grey — where posterior collapse shows.</summary>
    /// <param name="statistics">The latent statistics of a data set (<see cref="LatentStatistics.Compute"/>).</param>
    /// <param name="title">Title above the plot; null gives "KL per latent dimension (A of L active)".</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static Chart KlPerDimension(LatentStatistics statistics, string? title = null, int width = 960, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        int dims = statistics.KlPerDimension.Length;
        if (dims == 0) throw new ArgumentException("The statistics have no latent dimensions.", nameof(statistics));
        var active = Palette.GetColor(0);
        title ??= $"KL per latent dimension ({statistics.ActiveUnits} of {dims} active)";
        var plot = NewPlot(title, "latent dimension u", "KL(q(z_u | x) ‖ p(z_u)), nats");
        var bars = statistics.KlPerDimension.Select((kl, u) => new Bar
        {
            Position = u,
            Value = kl,
            Size = 0.8,
            FillColor = statistics.Activity[u] > statistics.Threshold ? active : Inactive,
            LineWidth = 0,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = string.Create(CultureInfo.InvariantCulture, $"active (Cov_x E[z_u] > {statistics.Threshold})"),
            FillColor = active,
        });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "inactive", FillColor = Inactive });
        plot.Axes.Bottom.TickGenerator = dims <= 40
            ? new NumericManual([.. Enumerable.Range(0, dims).Select(u => (double)u)], [.. Enumerable.Range(0, dims).Select(u => u.ToString(CultureInfo.InvariantCulture))])
            : new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(left: 0.02, right: 0.02, bottom: 0, top: 0.1);
        plot.ShowLegend(Edge.Right);
        return new Chart(plot, width, height);
    }

    private static Plot NewPlot(string? title, string xLabel, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        var plot = new Plot();
        if (SansFont is not null)
        {
            plot.Font.Set(SansFont);
            plot.Legend.FontName = SansFont;   // Font.Set leaves the legend at the font it had when the plot was made
        }
        if (title is not null) plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static ScottPlot.Plottables.Scatter AddCurve(Plot plot, double[] xs, double[] ys, string label, int index, LinePattern pattern)
    {
        var scatter = plot.Add.Scatter(xs, ys, Palette.GetColor(index));
        scatter.LegendText = label;
        scatter.LinePattern = pattern;
        scatter.LineWidth = 2;
        scatter.MarkerShape = MarkerShape.FilledCircle;
        scatter.MarkerSize = 7;
        return scatter;
    }

    private static double[] ToDoubles(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}

/// <summary>One named curve of <see cref="Charts.Curves"/>: points (X[i], Y[i]) in drawing order.</summary>
/// <param name="Label">The legend text.</param>
/// <param name="X">Horizontal coordinates.</param>
/// <param name="Y">Vertical coordinates, as many as <paramref name="X"/>.</param>
public sealed record CurveSeries(string Label, double[] X, double[] Y);
