using VaeSharp.Engine.Optim;
using static VaeSharp.Engine.Tests.Optim.OptimTestData;

namespace VaeSharp.Engine.Tests.Optim;

// SGD against a scalar double-precision transcription of torch.optim.SGD's documented algorithm.
// Tolerance on θ: 1e-6 + 1e-6·|θ| after 6 steps (float rounding ~ 6e-8 per step; the cases differ
// from each other by ≥ 1e-2).
public class SgdTests
{
    private const int Count = 37;
    private const int Steps = 6;

    private static double[] Reference(double[] theta, float[][] grads, double lr, double momentum, double dampening, bool nesterov, double weightDecay)
    {
        var p = (double[])theta.Clone();
        var b = new double[p.Length];
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = grads[t - 1][i] + weightDecay * p[i];
                if (momentum != 0)
                {
                    b[i] = t == 1 ? g : momentum * b[i] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * b[i] : b[i];
                }
                p[i] -= lr * g;
            }
        }
        return p;
    }

    [Theory]
    [InlineData(0f, 0f, false, 0f)]
    [InlineData(0f, 0f, false, 0.1f)]
    [InlineData(0.9f, 0f, false, 0f)]
    [InlineData(0.9f, 0.5f, false, 0.1f)]
    [InlineData(0.9f, 0f, true, 0f)]
    [InlineData(0.8f, 0f, true, 0.2f)]
    public void Sgd_MatchesPyTorchAlgorithm(float momentum, float dampening, bool nesterov, float weightDecay)
    {
        const float lr = 0.1f;
        var buffer = Buffer(Count);
        var theta0 = ToDouble(buffer.Values);
        var grads = Gradients(Steps, Count);
        var opt = new Sgd(buffer, lr, momentum, dampening, nesterov, weightDecay);
        foreach (var g in grads)
        {
            g.CopyTo(buffer.Gradients);
            opt.Step();
        }
        AssertClose(Reference(theta0, grads, lr, momentum, dampening, nesterov, weightDecay), buffer.Values, 1e-6, 1e-6, "θ");
        Assert.Equal(momentum != 0f, opt.StateDict().ContainsKey("momentum_buffer"));
    }

    [Fact]
    public void Sgd_VectorAndScalarPaths_AgreeBitForBit()
    {
        const int n = 8 * 2 + 3;
        var buffer = Buffer(n);
        buffer.Values[..3].CopyTo(buffer.Values[^3..]);
        var grads = Gradients(Steps, n);
        foreach (var g in grads) g.AsSpan(0, 3).CopyTo(g.AsSpan(n - 3));
        var opt = new Sgd(buffer, 0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.1f);
        foreach (var g in grads)
        {
            g.CopyTo(buffer.Gradients);
            opt.Step();
        }
        Assert.Equal(buffer.Values[..3].ToArray(), buffer.Values[^3..].ToArray());
    }

    [Fact]
    public void Sgd_RejectsBadHyperParameters()
    {
        var b = Buffer(3);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(b, -0.1f)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(b, 0.1f, momentum: -0.9f)).ParamName);
        Assert.Equal("dampening", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(b, 0.1f, 0.9f, dampening: 1.5f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(b, 0.1f, weightDecay: float.NaN)).ParamName);
        Assert.Throws<ArgumentException>(() => new Sgd(b, 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(b, 0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
    }
}
