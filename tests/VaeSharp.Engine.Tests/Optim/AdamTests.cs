using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Tensors;
using Xunit.Abstractions;
using static VaeSharp.Engine.Tests.Optim.OptimTestData;

namespace VaeSharp.Engine.Tests.Optim;

// Adam and AdamW against a scalar double-precision transcription of torch.optim.Adam / AdamW's
// documented algorithm (same float hyper-parameters and gradients). Tolerance on θ:
// 1e-6 + 1e-6·|θ| after 6 steps of lr 0.1 — float rounding of θ ~ 6e-8 per step; a misplaced eps
// or bias correction moves θ by ≥ 1e-3 in these cases.
public class AdamTests(ITestOutputHelper output)
{
    private const int Count = 37; // four Vector256 lanes of 8 plus a scalar remainder of 5
    private const int Steps = 6;

    // θ, m, v after `steps` steps of PyTorch's Adam (decoupled = false) or AdamW (decoupled = true).
    private static (double[] Theta, double[] M, double[] V) Reference(double[] theta, float[][] grads, double lr,
        double beta1, double beta2, double eps, double weightDecay, bool decoupled)
    {
        int n = theta.Length;
        var p = (double[])theta.Clone();
        var m = new double[n];
        var v = new double[n];
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < n; i++)
            {
                double g = grads[t - 1][i];
                if (decoupled) p[i] *= 1 - lr * weightDecay;  // AdamW: θ ← θ(1 − γλ)
                else g += weightDecay * p[i];                  // Adam:  g ← g + λθ
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double stepSize = lr / (1 - Math.Pow(beta1, t));
                double denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(beta2, t)) + eps;
                p[i] -= stepSize * m[i] / denom;
            }
        }
        return (p, m, v);
    }

    private static void AssertMatchesReference(Optimizer opt, float[][] grads, double[] theta0, (double[] Theta, double[] M, double[] V) reference)
    {
        foreach (var g in grads)
        {
            g.CopyTo(opt.Parameters.Gradients);
            opt.Step();
        }
        Assert.Equal(grads.Length, opt.StepCount);
        AssertClose(reference.Theta, opt.Parameters.Values, 1e-6, 1e-6, "θ");
        var state = opt.StateDict();
        AssertClose(reference.M, state["exp_avg"], 1e-7, 1e-5, "m");
        AssertClose(reference.V, state["exp_avg_sq"], 1e-9, 1e-5, "v");
        Assert.NotEqual(theta0, ToDouble(opt.Parameters.Values));
    }

    [Theory]
    [InlineData(0.1f, 1e-8f, 0f, 1f)]      // defaults
    [InlineData(0.1f, 1e-8f, 0.1f, 1f)]    // L2 weight decay
    [InlineData(0.05f, 1e-3f, 0f, 1e-3f)]  // eps comparable to √v̂: checks where eps enters
    public void Adam_MatchesPyTorchAlgorithm(float lr, float eps, float weightDecay, float gradScale)
    {
        var buffer = Buffer(Count);
        var theta0 = ToDouble(buffer.Values);
        var grads = Gradients(Steps, Count, gradScale);
        var opt = new Adam(buffer, lr, epsilon: eps, weightDecay: weightDecay);
        AssertMatchesReference(opt, grads, theta0, Reference(theta0, grads, lr, 0.9f, 0.999f, eps, weightDecay, decoupled: false));
    }

    [Theory]
    [InlineData(0.1f, 0.01f)]
    [InlineData(0.1f, 0.5f)]
    public void AdamW_MatchesPyTorchAlgorithm(float lr, float weightDecay)
    {
        var buffer = Buffer(Count);
        var theta0 = ToDouble(buffer.Values);
        var grads = Gradients(Steps, Count);
        var opt = new AdamW(buffer, lr, beta1: 0.8f, beta2: 0.99f, weightDecay: weightDecay);
        AssertMatchesReference(opt, grads, theta0, Reference(theta0, grads, lr, 0.8f, 0.99f, 1e-8f, weightDecay, decoupled: true));
    }

    [Fact]
    public void AdamW_DefaultsAreTorchs()
    {
        var opt = new AdamW(Buffer(3));
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f), (opt.LearningRate, opt.Beta1, opt.Beta2, opt.Epsilon, opt.WeightDecay));
        var adam = new Adam(Buffer(3));
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
    }

    [Fact]
    public void Adam_MinimisesAnIllConditionedQuadratic()
    {
        // f(x) = Σ aᵢ (xᵢ − cᵢ)², curvatures 1 to 100, gradients through the engine's autograd.
        const int n = 10;
        var a = Tensor.FromArray([1, 2, 5, 10, 20, 30, 50, 70, 90, 100], n);
        var c = Tensor.FromArray([3, -2, 1, 0.5f, -1, 2, -3, 0, 1.5f, -0.5f], n);
        var x = Tensor.Zeros(n);
        x.RequiresGrad = true;
        var buffer = ParameterBuffer.Pack([("x", x)]);
        var opt = new Adam(buffer, learningRate: 0.1f);
        float Loss()
        {
            using var scope = TensorScope.Begin();
            var loss = Ops.Sum(a * Ops.Square(x - c));
            opt.ZeroGrad();
            loss.Backward();
            return loss.Item();
        }
        float initial = Loss();
        for (int step = 0; step < 1000; step++)
        {
            Loss();
            opt.Step();
        }
        float final = Loss();
        output.WriteLine($"quadratic: loss {initial} → {final} after 1000 steps; max |x − c| = {Enumerable.Range(0, n).Max(i => Math.Abs(x.Data[i] - c.Data[i]))}");
        Assert.True(final < 1e-6f * initial, $"loss {initial} → {final}");
        for (int i = 0; i < n; i++) Assert.Equal(c.Data[i], x.Data[i], 1e-3f);
    }

    [Fact]
    public void Adam_VectorAndScalarPaths_AgreeBitForBit()
    {
        // The last 5 values repeat the first 5 (same θ, same g): vector lanes and the scalar remainder
        // must give identical bits. Then the whole buffer through the scalar path alone.
        const int n = 8 * 4 + 5;
        var buffer = Buffer(n);
        buffer.Values[..5].CopyTo(buffer.Values[^5..]);
        var grads = Gradients(Steps, n);
        foreach (var g in grads) g.AsSpan(0, 5).CopyTo(g.AsSpan(n - 5));
        var scalarTheta = buffer.Values.ToArray();
        var scalarM = new float[n];
        var scalarV = new float[n];
        var opt = new AdamW(buffer, 0.1f, weightDecay: 0.1f);
        for (int t = 1; t <= Steps; t++)
        {
            grads[t - 1].CopyTo(buffer.Gradients);
            opt.Step();
            var c = new AdamKernel.Coefficients(0.1f, 0.9f, 0.999f, 1e-8f, 0f, 0.1f, t);
            AdamKernel.UpdateScalar(scalarTheta, grads[t - 1], scalarM, scalarV, c, 0);
        }
        Assert.Equal(buffer.Values[..5].ToArray(), buffer.Values[^5..].ToArray());
        Assert.Equal(scalarTheta, buffer.Values.ToArray());
        Assert.Equal(scalarM, opt.StateDict()["exp_avg"]);
    }

    [Fact]
    public void Adam_RejectsBadHyperParameters()
    {
        var b = Buffer(3);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(b, -1e-3f)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(b, beta1: 1f)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(b, beta2: -0.1f)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(b, epsilon: float.NaN)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(b, weightDecay: -0.01f)).ParamName);
        var opt = new Adam(b);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = float.PositiveInfinity);
        Assert.Equal("LearningRate", ex.ParamName);
        Assert.Contains("≥ 0", ex.Message);
    }
}
