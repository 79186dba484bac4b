using System.Globalization;
using ScottPlot;

namespace VaeSharp.Imaging;

// The charts of anomaly detection, in the style of Charts (ScottPlot, tab10, legend right of the plot): the score
// histogram (normal and anomalous examples apart when the truth is known, the threshold as a vertical line) and the
// ROC curve with its AUROC in the legend.

/// <summary>Score histograms and ROC curves (ScottPlot).</summary>
public static class AnomalyCharts
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();
    private static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" }
        .FirstOrDefault(name => Fonts.GetTypeface(name, bold: false, italic: false)?.FamilyName == name);

    /// <summary>A histogram of <paramref name="scores"/> in <paramref name="bins"/> equal bins; with <paramref name="anomalous"/>, normal
    /// and anomalous examples as two overlaid histograms; with <paramref name="threshold"/>, a vertical line there.</summary>
    /// <exception cref="ArgumentException">No finite scores, or the lengths differ.</exception>
    public static Chart ScoreHistogram(ReadOnlySpan<double> scores, ReadOnlySpan<bool> anomalous = default, double? threshold = null,
        string? title = null, string scoreLabel = "score", int bins = 60, int width = 960, int height = 600)
    {
        if (!anomalous.IsEmpty && anomalous.Length != scores.Length) throw new ArgumentException($"{scores.Length} scores but {anomalous.Length} labels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double s in scores) if (double.IsFinite(s)) { lo = Math.Min(lo, s); hi = Math.Max(hi, s); }
        if (lo > hi) throw new ArgumentException("A histogram needs at least one finite score.");
        if (hi == lo) hi = lo + 1;
        double binWidth = (hi - lo) / bins;
        var plot = NewPlot(title, scoreLabel, "examples");
        bool split = !anomalous.IsEmpty;
        for (int group = 0; group < (split ? 2 : 1); group++)
        {
            var counts = new double[bins];
            for (int i = 0; i < scores.Length; i++)
            {
                if (!double.IsFinite(scores[i]) || (split && anomalous[i] != (group == 1))) continue;
                counts[Math.Min(bins - 1, (int)((scores[i] - lo) / binWidth))]++;
            }
            var color = Palette.GetColor(group == 0 ? 0 : 3).WithAlpha(split ? 0.6 : 1.0);
            var bars = counts.Select((c, b) => new Bar { Position = lo + (b + 0.5) * binWidth, Value = c, Size = binWidth, FillColor = color, LineWidth = 0 }).ToList();
            plot.Add.Bars(bars);
            if (split) plot.Legend.ManualItems.Add(new LegendItem { LabelText = group == 0 ? "normal" : "anomalous", FillColor = color });
        }
        if (threshold is double t)
        {
            var line = plot.Add.VerticalLine(t, 2, Colors.Black, LinePattern.Dashed);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"threshold {t:G5}");
        }
        plot.Axes.Margins(bottom: 0);
        if (split || threshold is not null) plot.ShowLegend(Edge.Right);
        return new Chart(plot, width, height);
    }

    /// <summary>ROC curves, one per (name, false-positive rates, true-positive rates, AUROC), with the chance diagonal.</summary>
    public static Chart Roc(IReadOnlyList<(string Name, double[] Fpr, double[] Tpr, double Auroc)> curves, string? title = null, int width = 800, int height = 700)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("A ROC chart needs at least one curve.", nameof(curves));
        var plot = NewPlot(title, "false positive rate (normal examples flagged)", "true positive rate (anomalies flagged)");
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dotted;
        diagonal.Color = Colors.Gray;
        for (int i = 0; i < curves.Count; i++)
        {
            var (name, fpr, tpr, auroc) = curves[i];
            var curve = plot.Add.ScatterLine(fpr, tpr, Palette.GetColor(i));
            curve.LineWidth = 2;
            curve.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name} (AUROC {auroc:F4})");
        }
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.ShowLegend(Edge.Right);
        return new Chart(plot, width, height);
    }

    private static Plot NewPlot(string? title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        if (SansFont is not null)
        {
            plot.Font.Set(SansFont);
            plot.Legend.FontName = SansFont;
        }
        if (title is not null) plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}
