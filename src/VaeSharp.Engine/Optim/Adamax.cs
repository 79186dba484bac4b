using System.Numerics;
using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

// Adamax — Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Alg. 2 (Adam under the infinity norm) — as
// torch.optim.Adamax computes it: weight decay is L2 added to the gradient, then
//   m ← β1·m + (1 − β1)·g
//   u ← max(β2·u, |g| + eps)
//   θ ← θ − (lr / (1 − β1ᵗ)) · m / u
// State: "exp_avg" (m) and "exp_inf" (u), PyTorch's names. Each value's update depends on nothing else, so the
// vector and scalar paths (same IEEE operations in the same order) give the same bits.

/// <summary>Adamax (Kingma &amp; Ba 2015, Alg. 2), with PyTorch's defaults (lr 2e-3, β = (0.9, 0.999), ε = 1e-8).</summary>
public sealed class Adamax : MomentOptimizer
{
    /// <summary>Creates the optimiser over <paramref name="parameters"/>; state starts at zero.</summary>
    public Adamax(ParameterBuffer parameters, float learningRate = 2e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, "exp_inf")
    {
    }

    /// <inheritdoc />
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients)
    {
        float b1 = Beta1, oneMinusB1 = 1f - Beta1, b2 = Beta2, eps = Epsilon, wd = WeightDecay;
        float stepSize = (float)(LearningRate / (1.0 - Math.Pow(Beta1, StepCount)));
        Span<float> m = FirstMoment, u = SecondState;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<float>.Count;
            var vb1 = new Vector<float>(b1); var v1mb1 = new Vector<float>(oneMinusB1); var vb2 = new Vector<float>(b2);
            var veps = new Vector<float>(eps); var vwd = new Vector<float>(wd); var vstep = new Vector<float>(stepSize);
            for (; i + lanes <= values.Length; i += lanes)
            {
                var p = new Vector<float>(values[i..]);
                var g = new Vector<float>(gradients[i..]);
                if (wd != 0f) g += vwd * p;
                var mi = vb1 * new Vector<float>(m[i..]) + v1mb1 * g;
                var ui = Vector.Max(vb2 * new Vector<float>(u[i..]), Vector.Abs(g) + veps);
                (p - vstep * (mi / ui)).CopyTo(values[i..]);
                mi.CopyTo(m[i..]);
                ui.CopyTo(u[i..]);
            }
        }
        for (; i < values.Length; i++)
        {
            float p = values[i], g = gradients[i];
            if (wd != 0f) g += wd * p;
            float mi = b1 * m[i] + oneMinusB1 * g;
            float ui = MathF.Max(b2 * u[i], MathF.Abs(g) + eps);
            values[i] = p - stepSize * (mi / ui);
            m[i] = mi;
            u[i] = ui;
        }
    }
}
