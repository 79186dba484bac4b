using ScottPlot;

namespace VaeSharp.Imaging;

// A ScottPlot plottable for a categorical scatter: points drawn in data order, each with its class's
// marker, and one legend entry per class. ScottPlot's own Scatter or Markers plottable takes one
// colour, so one per class would draw class after class and the last class would cover the others
// where classes overlap; drawing in data order keeps the picture honest (matplotlib's scatter with
// c=labels does the same). Points with a NaN or infinite coordinate are neither drawn nor counted in
// the axis limits.
internal sealed class LabelledPoints : IPlottable
{
    private readonly double[] _x, _y;
    private readonly int[] _styleOf;
    private readonly MarkerStyle[] _styles;
    private readonly LegendItem[] _legend;

    /// <param name="x">Horizontal coordinates.</param>
    /// <param name="y">Vertical coordinates.</param>
    /// <param name="styleOf">The index into <paramref name="styles"/> of each point.</param>
    /// <param name="styles">One marker style per class.</param>
    /// <param name="legend">The legend entries (none for unlabelled points).</param>
    public LabelledPoints(double[] x, double[] y, int[] styleOf, MarkerStyle[] styles, LegendItem[] legend)
    {
        _x = x;
        _y = y;
        _styleOf = styleOf;
        _styles = styles;
        _legend = legend;
    }

    public bool IsVisible { get; set; } = true;

    public IAxes Axes { get; set; } = new Axes();

    public IEnumerable<LegendItem> LegendItems => _legend;

    public AxisLimits GetAxisLimits()
    {
        double left = double.PositiveInfinity, right = double.NegativeInfinity, bottom = double.PositiveInfinity, top = double.NegativeInfinity;
        for (int i = 0; i < _x.Length; i++)
        {
            if (!double.IsFinite(_x[i]) || !double.IsFinite(_y[i])) continue;
            left = Math.Min(left, _x[i]);
            right = Math.Max(right, _x[i]);
            bottom = Math.Min(bottom, _y[i]);
            top = Math.Max(top, _y[i]);
        }
        return left <= right ? new AxisLimits(left, right, bottom, top) : AxisLimits.NoLimits;
    }

    public void Render(RenderPack rp)
    {
        for (int i = 0; i < _x.Length; i++)
        {
            if (!double.IsFinite(_x[i]) || !double.IsFinite(_y[i])) continue;
            _styles[_styleOf[i]].Render(rp.Canvas, Axes.GetPixel(new Coordinates(_x[i], _y[i])), rp.Paint);
        }
    }
}
