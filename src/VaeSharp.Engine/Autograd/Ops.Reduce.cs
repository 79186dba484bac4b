using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Reductions over all elements or one axis. An axis reduction views x as (Outer, N, Inner):
//   x is (Outer, N, Inner), y is (Outer, Inner) (or (Outer, 1, Inner) with keepDim).
// Softmax, log-softmax and log-sum-exp subtract the maximum first, so large inputs do not overflow.
public static partial class Ops
{
    /// <summary>Sum of all elements (a scalar).</summary>
    public static Tensor Sum(Tensor x) => ReduceAll(x, 1f);

    /// <summary>Mean of all elements (a scalar).</summary>
    public static Tensor Mean(Tensor x) => ReduceAll(x, 1f / x.Size);

    private static Tensor ReduceAll(Tensor x, float scale)
    {
        var y = Tensor.Empty([]);
        y.Data[0] = TensorPrimitives.Sum(x.Data) * scale;
        y.FloatArg = scale;
        AutogradEngine.Record(y, static y =>
        {
            var gx = y.In0!.GradSpan();
            TensorPrimitives.Add(gx, y.Grad!.Data[0] * y.FloatArg, gx);
        }, x);
        return y;
    }

    /// <summary>Sum over <paramref name="axis"/>.</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDim = false) => ReduceAxis(x, axis, keepDim, mean: false);

    /// <summary>Mean over <paramref name="axis"/>.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDim = false) => ReduceAxis(x, axis, keepDim, mean: true);

    private static Tensor ReduceAxis(Tensor x, int axis, bool keepDim, bool mean)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var (outer, n, inner) = ShapeUtil.Split(x.Shape, axis);
        var y = Tensor.Empty(keepDim ? ShapeUtil.WithAxis(x.Shape, axis, 1) : ShapeUtil.WithoutAxis(x.Shape, axis));
        float scale = mean ? 1f / n : 1f;
        Span<float> xv = x.Data, yv = y.Data;
        for (int o = 0; o < outer; o++)
        {
            var yRow = yv.Slice(o * inner, inner);
            if (inner == 1) { yRow[0] = TensorPrimitives.Sum(xv.Slice(o * n, n)) * scale; continue; }
            yRow.Clear();
            for (int k = 0; k < n; k++) TensorPrimitives.Add(yRow, xv.Slice((o * n + k) * inner, inner), yRow);
            if (mean) TensorPrimitives.Multiply(yRow, scale, yRow);
        }
        y.FloatArg = scale;
        y.IntArg = axis;
        AutogradEngine.Record(y, static y =>
        {
            var x = y.In0!;
            var (outer, n, inner) = ShapeUtil.Split(x.Shape, y.IntArg);
            Span<float> gx = x.GradSpan(), g = y.Grad!.Data;
            for (int o = 0; o < outer; o++)
            {
                var gRow = g.Slice(o * inner, inner);
                for (int k = 0; k < n; k++)
                {
                    var dst = gx.Slice((o * n + k) * inner, inner);
                    TensorPrimitives.MultiplyAdd(gRow, y.FloatArg, dst, dst);
                }
            }
        }, x);
        return y;
    }

    /// <summary>Maximum over <paramref name="axis"/> and where it was (the first maximum on ties).
    /// The gradient goes to the arg-max element.</summary>
    public static (Tensor Values, int[] Indices) Max(Tensor x, int axis, bool keepDim = false)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var (outer, n, inner) = ShapeUtil.Split(x.Shape, axis);
        if (n == 0) throw new ArgumentException("Max over an empty axis.");
        var y = Tensor.Empty(keepDim ? ShapeUtil.WithAxis(x.Shape, axis, 1) : ShapeUtil.WithoutAxis(x.Shape, axis));
        var idx = new int[outer * inner];
        Span<float> xv = x.Data, yv = y.Data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0; float bestV = xv[o * n * inner + i];
                for (int k = 1; k < n; k++)
                {
                    float v = xv[(o * n + k) * inner + i];
                    if (v > bestV || float.IsNaN(v) && !float.IsNaN(bestV)) { bestV = v; best = k; }
                }
                yv[o * inner + i] = bestV;
                idx[o * inner + i] = best;
            }
        y.Saved = idx;
        y.IntArg = axis;
        AutogradEngine.Record(y, static y =>
        {
            var x = y.In0!;
            var idx = (int[])y.Saved!;
            var (outer, n, inner) = ShapeUtil.Split(x.Shape, y.IntArg);
            Span<float> gx = x.GradSpan(), g = y.Grad!.Data;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    gx[(o * n + idx[o * inner + i]) * inner + i] += g[o * inner + i];
        }, x);
        return (y, idx);
    }

    /// <summary>Index of the maximum over <paramref name="axis"/>, flattened over the other dimensions.</summary>
    public static int[] Argmax(Tensor x, int axis)
    {
        using (GradMode.NoGrad()) return Max(x, axis).Indices;
    }

    /// <summary>log Σ exp(x) over <paramref name="axis"/>, computed as m + log Σ exp(x − m).</summary>
    public static Tensor LogSumExp(Tensor x, int axis, bool keepDim = false)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var (outer, n, inner) = ShapeUtil.Split(x.Shape, axis);
        var y = Tensor.Empty(keepDim ? ShapeUtil.WithAxis(x.Shape, axis, 1) : ShapeUtil.WithoutAxis(x.Shape, axis));
        Span<float> xv = x.Data, yv = y.Data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                float m = float.NegativeInfinity;
                for (int k = 0; k < n; k++) m = MathF.Max(m, xv[(o * n + k) * inner + i]);
                if (float.IsNegativeInfinity(m)) { yv[o * inner + i] = m; continue; }
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.Exp(xv[(o * n + k) * inner + i] - m);
                yv[o * inner + i] = m + (float)Math.Log(s);
            }
        y.IntArg = axis;
        AutogradEngine.Record(y, static y => // d lse / dx_k = softmax_k
        {
            var x = y.In0!;
            var (outer, n, inner) = ShapeUtil.Split(x.Shape, y.IntArg);
            Span<float> gx = x.GradSpan(), xv = x.Data, yv = y.Data, g = y.Grad!.Data;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    for (int k = 0; k < n; k++)
                    {
                        int j = (o * n + k) * inner + i;
                        gx[j] += g[o * inner + i] * MathF.Exp(xv[j] - yv[o * inner + i]);
                    }
        }, x);
        return y;
    }

    /// <summary>Softmax over <paramref name="axis"/>.</summary>
    public static Tensor Softmax(Tensor x, int axis) => SoftmaxCore(x, axis, log: false);

    /// <summary>Log-softmax over <paramref name="axis"/>: x − logsumexp(x).</summary>
    public static Tensor LogSoftmax(Tensor x, int axis) => SoftmaxCore(x, axis, log: true);

    private static Tensor SoftmaxCore(Tensor x, int axis, bool log)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var (outer, n, inner) = ShapeUtil.Split(x.Shape, axis);
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                float m = float.NegativeInfinity;
                for (int k = 0; k < n; k++) m = MathF.Max(m, xv[(o * n + k) * inner + i]);
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.Exp(xv[(o * n + k) * inner + i] - m);
                // Work relative to m: x − m is exact enough even when x is large.
                float logS = (float)Math.Log(s), invS = (float)(1.0 / s);
                for (int k = 0; k < n; k++)
                {
                    int j = (o * n + k) * inner + i;
                    yv[j] = log ? xv[j] - m - logS : MathF.Exp(xv[j] - m) * invS;
                }
            }
        y.IntArg = axis;
        y.FloatArg = log ? 1f : 0f;
        AutogradEngine.Record(y, static y =>
        {
            // softmax:     gx = y · (g − Σ g·y)
            // log-softmax: gx = g − softmax · Σ g
            bool log = y.FloatArg != 0f;
            var x = y.In0!;
            var (outer, n, inner) = ShapeUtil.Split(x.Shape, y.IntArg);
            Span<float> gx = x.GradSpan(), yv = y.Data, g = y.Grad!.Data;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    float dot = 0;
                    for (int k = 0; k < n; k++) { int j = (o * n + k) * inner + i; dot += log ? g[j] : g[j] * yv[j]; }
                    for (int k = 0; k < n; k++)
                    {
                        int j = (o * n + k) * inner + i;
                        gx[j] += log ? g[j] - MathF.Exp(yv[j]) * dot : yv[j] * (g[j] - dot);
                    }
                }
        }, x);
        return y;
    }
}
