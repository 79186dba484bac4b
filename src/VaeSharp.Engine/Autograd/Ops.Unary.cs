using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Element-wise functions y = f(x). Each op computes f, then records the derivative beside it:
// gx += g · f'(x), written with y where that is cheaper (exp, sqrt, sigmoid, tanh).
public static partial class Ops
{
    /// <summary>e^x.</summary>
    public static Tensor Exp(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Exp(x.Data, y.Data);
        AutogradEngine.Record(y, static y => // d e^x = e^x
        {
            var gx = y.In0!.GradSpan();
            TensorPrimitives.MultiplyAdd(y.Grad!.Data, y.Data, gx, gx);
        }, x);
        return y;
    }

    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Log(x.Data, y.Data);
        AutogradEngine.Record(y, static y => // d log x = 1/x
        {
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++) gx[i] += g[i] / xv[i];
        }, x);
        return y;
    }

    /// <summary>Square root.</summary>
    public static Tensor Sqrt(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Sqrt(x.Data, y.Data);
        AutogradEngine.Record(y, static y => // d √x = 1/(2√x)
        {
            Span<float> gx = y.In0!.GradSpan(), yv = y.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++) gx[i] += 0.5f * g[i] / yv[i];
        }, x);
        return y;
    }

    /// <summary>x^p for a constant exponent.</summary>
    public static Tensor Pow(Tensor x, float p)
    {
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        if (p == 2f) TensorPrimitives.Multiply(xv, xv, yv);
        else TensorPrimitives.Pow(xv, p, yv);
        y.FloatArg = p;
        AutogradEngine.Record(y, static y => // d x^p = p·x^(p−1)
        {
            float p = y.FloatArg;
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++) gx[i] += g[i] * p * MathF.Pow(xv[i], p - 1f);
        }, x);
        return y;
    }

    /// <summary>x².</summary>
    public static Tensor Square(Tensor x) => Pow(x, 2f);

    /// <summary>|x| (gradient 0 at 0, as in PyTorch).</summary>
    public static Tensor Abs(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Abs(x.Data, y.Data);
        AutogradEngine.Record(y, static y =>
        {
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++) gx[i] += g[i] * MathF.Sign(xv[i]);
        }, x);
        return y;
    }

    /// <summary>min(max(x, min), max); the gradient passes where min ≤ x ≤ max.</summary>
    public static Tensor Clamp(Tensor x, float min, float max)
    {
        if (min > max) throw new ArgumentException($"Clamp: min {min} is greater than max {max}.");
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Clamp(x.Data, min, max, y.Data);
        y.Saved = new[] { min, max };
        AutogradEngine.Record(y, static y =>
        {
            var bounds = (float[])y.Saved!;
            ActivationKernels.ClampBackwardAdd(y.In0!.Data, bounds[0], bounds[1], y.Grad!.Data, y.In0!.GradSpan());
        }, x);
        return y;
    }

    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Max(x.Data, 0f, y.Data);
        AutogradEngine.Record(y, static y => ActivationKernels.ReluBackwardAdd(y.Data, y.Grad!.Data, y.In0!.GradSpan()), x);
        return y;
    }

    /// <summary>x for x &gt; 0, slope·x otherwise.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f)
    {
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        for (int i = 0; i < xv.Length; i++) yv[i] = xv[i] > 0f ? xv[i] : slope * xv[i];
        y.FloatArg = slope;
        AutogradEngine.Record(y, static y => ActivationKernels.LeakyReluBackwardAdd(y.In0!.Data, y.FloatArg, y.Grad!.Data, y.In0!.GradSpan()), x);
        return y;
    }

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f)
    {
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        for (int i = 0; i < xv.Length; i++) yv[i] = xv[i] > 0f ? xv[i] : alpha * (MathF.Exp(xv[i]) - 1f);
        y.FloatArg = alpha;
        AutogradEngine.Record(y, static y => // d/dx = 1 for x > 0, y + α otherwise
        {
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, yv = y.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++) gx[i] += xv[i] > 0f ? g[i] : g[i] * (yv[i] + y.FloatArg);
        }, x);
        return y;
    }

    /// <summary>GELU, the exact form x·Φ(x) (PyTorch's default).</summary>
    public static Tensor Gelu(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        for (int i = 0; i < xv.Length; i++) yv[i] = (float)(xv[i] * NormalCdf(xv[i]));
        AutogradEngine.Record(y, static y => // d/dx = Φ(x) + x·φ(x)
        {
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++)
            {
                double v = xv[i];
                gx[i] += g[i] * (float)(NormalCdf(v) + v * Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI));
            }
        }, x);
        return y;
    }

    internal static double NormalCdf(double x) => 0.5 * (1.0 + Erf(x / Math.Sqrt(2.0)));

    // erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), ample for float32.
    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }

    /// <summary>SiLU (swish): x·σ(x).</summary>
    public static Tensor Silu(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        for (int i = 0; i < xv.Length; i++) yv[i] = xv[i] * StableSigmoid(xv[i]);
        AutogradEngine.Record(y, static y => // d/dx = σ(x)·(1 + x·(1 − σ(x)))
        {
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++)
            {
                float s = StableSigmoid(xv[i]);
                gx[i] += g[i] * s * (1f + xv[i] * (1f - s));
            }
        }, x);
        return y;
    }

    /// <summary>log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|).</summary>
    public static Tensor Softplus(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        Span<float> xv = x.Data, yv = y.Data;
        for (int i = 0; i < xv.Length; i++) yv[i] = StableSoftplus(xv[i]);
        AutogradEngine.Record(y, static y => // d/dx = σ(x)
        {
            Span<float> gx = y.In0!.GradSpan(), xv = y.In0!.Data, g = y.Grad!.Data;
            for (int i = 0; i < gx.Length; i++) gx[i] += g[i] * StableSigmoid(xv[i]);
        }, x);
        return y;
    }

    internal static float StableSoftplus(float x) => MathF.Max(x, 0f) + (float)Math.Log(1.0 + Math.Exp(-Math.Abs(x)));

    internal static float StableSigmoid(float x)
    {
        if (x >= 0f) return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>σ(x) = 1 / (1 + e^−x).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Sigmoid(x.Data, y.Data);
        AutogradEngine.Record(y, static y => // dσ = σ(1 − σ)
            ActivationKernels.SmoothBackwardAdd(Activation.Sigmoid, y.Data, y.Grad!.Data, y.In0!.GradSpan()), x);
        return y;
    }

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Tanh(x.Data, y.Data);
        AutogradEngine.Record(y, static y => // d tanh = 1 − tanh²
            ActivationKernels.SmoothBackwardAdd(Activation.Tanh, y.Data, y.Grad!.Data, y.In0!.GradSpan()), x);
        return y;
    }

    /// <summary>Forward: the values of <paramref name="value"/>; backward: the gradient goes to <paramref name="input"/> unchanged.
    /// The straight-through estimator (VQ-VAE: z_q = z + sg(e − z)).</summary>
    public static Tensor StraightThrough(Tensor value, Tensor input)
    {
        if (!ShapeUtil.SameShape(value.Shape, input.Shape))
            throw new ArgumentException($"StraightThrough: value shape {ShapeUtil.Format(value.Shape)} differs from input shape {ShapeUtil.Format(input.Shape)}.");
        var y = Tensor.EmptyLike(input);
        value.Data.CopyTo(y.Data);
        AutogradEngine.Record(y, static y => Accumulate(y.In0!, y.Grad!.Data), input);
        return y;
    }

    /// <summary>cond ? a : b element-wise, with <paramref name="condition"/> a 0/1 mask of the same shape.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (!ShapeUtil.SameShape(condition.Shape, a.Shape) || !ShapeUtil.SameShape(a.Shape, b.Shape))
            throw new ArgumentException($"Where: condition {ShapeUtil.Format(condition.Shape)}, a {ShapeUtil.Format(a.Shape)} and b {ShapeUtil.Format(b.Shape)} must have one shape.");
        var y = Tensor.EmptyLike(a);
        Span<float> c = condition.Data, av = a.Data, bv = b.Data, yv = y.Data;
        for (int i = 0; i < yv.Length; i++) yv[i] = c[i] != 0f ? av[i] : bv[i];
        y.Saved = condition;
        AutogradEngine.Record(y, static y =>
        {
            var c = ((Tensor)y.Saved!).Data;
            var g = y.Grad!.Data;
            if (y.In0!.RequiresGrad) { var ga = y.In0.GradSpan(); for (int i = 0; i < g.Length; i++) if (c[i] != 0f) ga[i] += g[i]; }
            if (y.In1!.RequiresGrad) { var gb = y.In1.GradSpan(); for (int i = 0; i < g.Length; i++) if (c[i] == 0f) gb[i] += g[i]; }
        }, a, b);
        return y;
    }

    /// <summary>Inverted dropout: zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1−p).
    /// Identity when <paramref name="training"/> is false.</summary>
    public static Tensor Dropout(Tensor x, float p, Random.RandomGenerator rng, bool training = true)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        if (!training || p == 0f) return x;
        var mask = Tensor.EmptyLike(x);
        var m = mask.Data;
        float scale = 1f / (1f - p);
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextFloat() < p ? 0f : scale;
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Multiply(x.Data, m, y.Data);
        y.Saved = mask;
        AutogradEngine.Record(y, static y =>
        {
            var gx = y.In0!.GradSpan();
            TensorPrimitives.MultiplyAdd(y.Grad!.Data, ((Tensor)y.Saved!).Data, gx, gx);
        }, x);
        return y;
    }
}
