using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Pooling and nearest-neighbour upsampling over the last two dimensions of NCHW images.
//   MaxPool2d, AvgPool2d:  x is (N, C, H, W), y is (N, C, ⌊H/k⌋, ⌊W/k⌋); windows are k×k with stride k,
//                          no padding, trailing rows/columns that do not fill a window are dropped (PyTorch's default)
//   UpsampleNearest2d:     x is (N, C, H, W), y is (N, C, s·H, s·W), y[.., i, j] = x[.., ⌊i/s⌋, ⌊j/s⌋]
// Max pooling sends the gradient to the first maximum of each window (the first NaN if there is one);
// backward finds it again from x and y instead of storing indices.
public static partial class Ops
{
    /// <summary>Maximum over non-overlapping <paramref name="kernelSize"/>×<paramref name="kernelSize"/> windows of (N, C, H, W) images.</summary>
    /// <param name="x">Input, (N, C, H, W).</param>
    /// <param name="kernelSize">Window size k ≥ 1, also the stride.</param>
    public static Tensor MaxPool2d(Tensor x, int kernelSize = 2)
    {
        var (oh, ow) = CheckPool("MaxPool2d", x, kernelSize);
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], oh, ow]);
        int k = kernelSize, h = x.Shape[2], w = x.Shape[3], planes = x.Shape[0] * x.Shape[1];
        ReadOnlySpan<float> xv = x.Data;
        var yv = y.Data;
        for (int pl = 0; pl < planes; pl++)
        {
            var src = xv.Slice(pl * h * w, h * w);
            var dst = yv.Slice(pl * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float best = src[i * k * w + j * k];
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            float value = src[(i * k + u) * w + j * k + v];
                            if (value > best || float.IsNaN(value) && !float.IsNaN(best)) best = value;
                        }
                    dst[i * ow + j] = best;
                }
        }
        y.IntArg = k;
        AutogradEngine.Record(y, static y =>
        {
            var x = y.In0!;
            int k = y.IntArg, h = x.Shape[2], w = x.Shape[3], oh = y.Shape[2], ow = y.Shape[3], planes = x.Shape[0] * x.Shape[1];
            ReadOnlySpan<float> xv = x.Data, yv = y.Data, g = y.Grad!.Data;
            var gx = x.GradSpan();
            for (int pl = 0; pl < planes; pl++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        int o = pl * oh * ow + i * ow + j;
                        gx[pl * h * w + FirstMatch(xv.Slice(pl * h * w, h * w), w, i * k, j * k, k, yv[o])] += g[o];
                    }
        }, x);
        return y;
    }

    // Offset within the plane of the first element of the k×k window at (row, col) equal to `value` (NaN matches NaN).
    private static int FirstMatch(ReadOnlySpan<float> plane, int w, int row, int col, int k, float value)
    {
        bool nan = float.IsNaN(value);
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++)
            {
                int at = (row + u) * w + col + v;
                if (plane[at] == value || nan && float.IsNaN(plane[at])) return at;
            }
        return row * w + col;
    }

    /// <summary>Mean over non-overlapping <paramref name="kernelSize"/>×<paramref name="kernelSize"/> windows of (N, C, H, W) images.</summary>
    /// <param name="x">Input, (N, C, H, W).</param>
    /// <param name="kernelSize">Window size k ≥ 1, also the stride.</param>
    public static Tensor AvgPool2d(Tensor x, int kernelSize = 2)
    {
        var (oh, ow) = CheckPool("AvgPool2d", x, kernelSize);
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], oh, ow]);
        int k = kernelSize, h = x.Shape[2], w = x.Shape[3], planes = x.Shape[0] * x.Shape[1];
        float scale = 1f / (k * k);
        ReadOnlySpan<float> xv = x.Data;
        var yv = y.Data;
        for (int pl = 0; pl < planes; pl++)
        {
            var src = xv.Slice(pl * h * w, h * w);
            var dst = yv.Slice(pl * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float sum = 0f;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++) sum += src[(i * k + u) * w + j * k + v];
                    dst[i * ow + j] = sum * scale;
                }
        }
        y.IntArg = k;
        AutogradEngine.Record(y, static y => // every pixel of a window gets g / k²
        {
            var x = y.In0!;
            int k = y.IntArg, h = x.Shape[2], w = x.Shape[3], oh = y.Shape[2], ow = y.Shape[3], planes = x.Shape[0] * x.Shape[1];
            float scale = 1f / (k * k);
            ReadOnlySpan<float> g = y.Grad!.Data;
            var gx = x.GradSpan();
            for (int pl = 0; pl < planes; pl++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        float share = g[pl * oh * ow + i * ow + j] * scale;
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++) gx[pl * h * w + (i * k + u) * w + j * k + v] += share;
                    }
        }, x);
        return y;
    }

    private static (int OutH, int OutW) CheckPool(string op, Tensor x, int kernelSize)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4) throw new ArgumentException($"{op}: input {ShapeUtil.Format(x.Shape)} must be (N, C, H, W).", nameof(x));
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, $"{op}: kernelSize must be at least 1.");
        if (x.Shape[2] < kernelSize || x.Shape[3] < kernelSize)
            throw new ArgumentException($"{op}: input {ShapeUtil.Format(x.Shape)} is smaller than the {kernelSize}x{kernelSize} window.", nameof(x));
        return (x.Shape[2] / kernelSize, x.Shape[3] / kernelSize);
    }

    /// <summary>Nearest-neighbour upsampling of (N, C, H, W) images by an integer <paramref name="scale"/>: (N, C, s·H, s·W).</summary>
    /// <param name="x">Input, (N, C, H, W).</param>
    /// <param name="scale">Integer factor s ≥ 1 in both directions.</param>
    public static Tensor UpsampleNearest2d(Tensor x, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4) throw new ArgumentException($"UpsampleNearest2d: input {ShapeUtil.Format(x.Shape)} must be (N, C, H, W).", nameof(x));
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "UpsampleNearest2d: scale must be at least 1.");
        int h = x.Shape[2], w = x.Shape[3], oh = h * scale, ow = w * scale, planes = x.Shape[0] * x.Shape[1];
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], oh, ow]);
        ReadOnlySpan<float> xv = x.Data;
        var yv = y.Data;
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < h; i++)
            {
                var src = xv.Slice((pl * h + i) * w, w);
                var first = yv.Slice((pl * oh + i * scale) * ow, ow);
                for (int j = 0; j < w; j++) first.Slice(j * scale, scale).Fill(src[j]);
                for (int r = 1; r < scale; r++) first.CopyTo(yv.Slice((pl * oh + i * scale + r) * ow, ow));
            }
        y.IntArg = scale;
        AutogradEngine.Record(y, static y => // each input pixel collects the s×s block it was copied to
        {
            var x = y.In0!;
            int s = y.IntArg, h = x.Shape[2], w = x.Shape[3], ow = y.Shape[3], planes = x.Shape[0] * x.Shape[1];
            ReadOnlySpan<float> g = y.Grad!.Data;
            var gx = x.GradSpan();
            for (int pl = 0; pl < planes; pl++)
                for (int i = 0; i < h; i++)
                {
                    var dst = gx.Slice((pl * h + i) * w, w);
                    for (int r = 0; r < s; r++)
                    {
                        var row = g.Slice(((pl * h + i) * s + r) * ow, ow);
                        for (int j = 0; j < w; j++)
                            for (int v = 0; v < s; v++) dst[j] += row[j * s + v];
                    }
                }
        }, x);
        return y;
    }
}
