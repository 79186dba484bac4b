using VaeSharp.Engine.Optim;
using static VaeSharp.Engine.Tests.Optim.OptimTestData;

namespace VaeSharp.Engine.Tests.Optim;

// Adamax against a double-precision transcription of torch.optim.Adamax (1.13):
//   g ← g + λθ;  m ← β1 m + (1 − β1) g;  u ← max(β2 u, |g| + eps);  θ ← θ − lr/(1 − β1ᵗ) · m/u.
// Tolerance 1e-6 + 1e-6·|θ| after 6 steps of lr 0.1: float rounding is ~1e-7 a step; a missing bias correction moves θ
// by ≥ 1e-2, eps inside instead of outside the max by ≥ 1e-3 with eps = 1e-2.
public class AdamaxTests
{
    private const int Count = 37; // whole vectors plus a scalar remainder on 8- and 16-lane machines

    private static (double[] Theta, double[] M, double[] U) Reference(double[] theta, float[][] grads, double lr, double beta1, double beta2, double eps, double wd)
    {
        int n = theta.Length;
        var p = (double[])theta.Clone();
        var m = new double[n];
        var u = new double[n];
        for (int t = 1; t <= grads.Length; t++)
            for (int i = 0; i < n; i++)
            {
                double g = grads[t - 1][i] + wd * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                u[i] = Math.Max(beta2 * u[i], Math.Abs(g) + eps);
                p[i] -= lr / (1 - Math.Pow(beta1, t)) * m[i] / u[i];
            }
        return (p, m, u);
    }

    [Theory]
    [InlineData(0.1f, 1e-8f, 0f)]
    [InlineData(0.1f, 1e-2f, 0f)]
    [InlineData(0.05f, 1e-8f, 0.1f)]
    public void Adamax_MatchesPyTorchAlgorithm(float lr, float eps, float weightDecay)
    {
        var buffer = Buffer(Count);
        var theta0 = ToDouble(buffer.Values);
        var grads = Gradients(6, Count);
        var opt = new Adamax(buffer, lr, epsilon: eps, weightDecay: weightDecay);
        foreach (var g in grads)
        {
            g.CopyTo(opt.Parameters.Gradients);
            opt.Step();
        }
        var (theta, m, u) = Reference(theta0, grads, lr, 0.9, 0.999, eps, weightDecay);
        AssertClose(theta, opt.Parameters.Values, 1e-6, 1e-6, "θ");
        var state = opt.StateDict();
        AssertClose(m, state["exp_avg"], 1e-7, 1e-5, "m");
        AssertClose(u, state["exp_inf"], 1e-7, 1e-5, "u");
    }

    [Fact]
    public void Adamax_DefaultsAreTorchs_AndStateRoundTrips()
    {
        var opt = new Adamax(Buffer(Count));
        Assert.Equal((2e-3f, 0.9f, 0.999f, 1e-8f, 0f), (opt.LearningRate, opt.Beta1, opt.Beta2, opt.Epsilon, opt.WeightDecay));
        var grads = Gradients(3, Count);
        foreach (var g in grads) { g.CopyTo(opt.Parameters.Gradients); opt.Step(); }
        var copy = new Adamax(Buffer(Count));
        opt.Parameters.Values.CopyTo(copy.Parameters.Values);
        copy.LoadState(opt.StateDict());
        var next = Gradients(1, Count, seed: 9)[0];
        next.CopyTo(opt.Parameters.Gradients); opt.Step();
        next.CopyTo(copy.Parameters.Gradients); copy.Step();
        Assert.Equal(opt.Parameters.Values.ToArray(), copy.Parameters.Values.ToArray());
    }
}
