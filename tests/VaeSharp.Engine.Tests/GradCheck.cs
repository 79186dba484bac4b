using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests;

/// <summary>
/// Checks an op's analytic gradient against central finite differences. The loss is L = Σ w ⊙ f(x)
/// with fixed random weights w, so every output element gets a distinct upstream gradient; the
/// numeric derivative (L(x + h) − L(x − h)) / 2h sums L in double precision.
/// Tolerance: |analytic − numeric| ≤ atol + rtol·|numeric| for each input element.
/// </summary>
public static class GradCheck
{
    public const double DefaultStep = 1e-2, DefaultRtol = 2e-2, DefaultAtol = 2e-3;

    /// <summary>One input drawn from N(0, 1) (or <paramref name="init"/>).</summary>
    public static void Assert(int[] shape, Func<Tensor, Tensor> f, Func<RandomGenerator, float>? init = null,
        double step = DefaultStep, double rtol = DefaultRtol, double atol = DefaultAtol, ulong seed = 1)
        => Assert([shape], xs => f(xs[0]), init, step, rtol, atol, seed);

    /// <summary>Several inputs; each one's gradient is checked.</summary>
    public static void Assert(int[][] shapes, Func<Tensor[], Tensor> f, Func<RandomGenerator, float>? init = null,
        double step = DefaultStep, double rtol = DefaultRtol, double atol = DefaultAtol, ulong seed = 1)
    {
        var rng = new RandomGenerator(seed);
        init ??= r => r.NextNormal();
        var inputs = shapes.Select(s =>
        {
            var t = Tensor.Zeros(s);
            var d = t.Data;
            for (int i = 0; i < d.Length; i++) d[i] = init(rng);
            t.RequiresGrad = true;
            return t;
        }).ToArray();

        var y = f(inputs);
        var weights = new float[y.Size];
        rng.FillNormal(weights);
        var w = Tensor.FromArray(weights, y.Shape.ToArray());
        Ops.Sum(Ops.Mul(y, w)).Backward();

        double Loss()
        {
            using var _ = GradMode.NoGrad();
            var v = f(inputs).Data;
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += (double)v[i] * weights[i];
            return s;
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            Xunit.Assert.True(x.Grad is not null, $"input {k} received no gradient");
            Xunit.Assert.Equal(x.Shape.ToArray(), x.Grad!.Shape.ToArray());
            var data = x.Data;
            for (int i = 0; i < data.Length; i++)
            {
                float orig = data[i];
                data[i] = (float)(orig + step);
                double plus = Loss();
                data[i] = (float)(orig - step);
                double minus = Loss();
                data[i] = orig;
                double numeric = (plus - minus) / (2 * step);
                double analytic = x.Grad.Data[i];
                double err = Math.Abs(analytic - numeric);
                if (err > atol + rtol * Math.Abs(numeric))
                    Xunit.Assert.Fail($"input {k} element {i}: analytic {analytic:G6} vs numeric {numeric:G6} (|diff| {err:G3})");
            }
        }
    }

    /// <summary>Uniform values away from zero (for ops with a kink or a pole at 0).</summary>
    public static float AwayFromZero(RandomGenerator r)
    {
        float v = 0.2f + 1.8f * r.NextFloat();
        return r.NextFloat() < 0.5f ? -v : v;
    }

    /// <summary>Positive values in [0.3, 2.3).</summary>
    public static float Positive(RandomGenerator r) => 0.3f + 2f * r.NextFloat();
}
