using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Zero padding of the last two axes with a size per side — the asymmetric padding that causal (masked)
// convolutions need (a PixelCNN's vertical stack pads above only, its horizontal stack left only), and, with
// the result narrowed, a shift by whole rows or columns.
//   x is (..., H, W), y is (..., top + H + bottom, left + W + right), y[..., top + i, left + j] = x[..., i, j]
//   backward: dx[..., i, j] += dy[..., top + i, left + j]  (the crop of dy)
public static partial class Ops
{
    /// <summary>
    /// <paramref name="x"/> (…, H, W) with zeros added to its last two axes: <paramref name="top"/> rows above,
    /// <paramref name="bottom"/> below, <paramref name="left"/> columns on the left and <paramref name="right"/> on the right
    /// (PyTorch's <c>F.pad(x, (left, right, top, bottom))</c>). The result is (…, top + H + bottom, left + W + right).
    /// </summary>
    /// <exception cref="ArgumentException">x has rank below 2, or an amount is negative.</exception>
    public static Tensor Pad2d(Tensor x, int top, int bottom, int left, int right)
    {
        if (x.Rank < 2) throw new ArgumentException($"Pad2d needs a tensor of rank ≥ 2; got {ShapeUtil.Format(x.Shape)}.", nameof(x));
        if (top < 0 || bottom < 0 || left < 0 || right < 0)
            throw new ArgumentException($"Pad2d: amounts must be ≥ 0; got top {top}, bottom {bottom}, left {left}, right {right}.");
        int h = x.Shape[^2], w = x.Shape[^1];
        int oh = top + h + bottom, ow = left + w + right;
        var shape = x.Shape.ToArray();
        shape[^2] = oh;
        shape[^1] = ow;
        var y = Tensor.ZerosInternal(shape);
        int planes = h * w == 0 ? 0 : x.Size / (h * w);
        Span<float> xv = x.Data, yv = y.Data;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < h; i++)
                xv.Slice((p * h + i) * w, w).CopyTo(yv.Slice((p * oh + top + i) * ow + left, w));
        y.Saved = new[] { top, left };
        AutogradEngine.Record(y, static y =>
        {
            var x = y.In0!;
            var at = (int[])y.Saved!;
            int h = x.Shape[^2], w = x.Shape[^1], oh = y.Shape[^2], ow = y.Shape[^1];
            int planes = h * w == 0 ? 0 : x.Size / (h * w);
            Span<float> gx = x.GradSpan(), g = y.Grad!.Data;
            for (int p = 0; p < planes; p++)
                for (int i = 0; i < h; i++)
                {
                    var dst = gx.Slice((p * h + i) * w, w);
                    TensorPrimitives.Add(dst, g.Slice((p * oh + at[0] + i) * ow + at[1], w), dst);
                }
        }, x);
        return y;
    }
}
