using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Autograd;

// Forward values against hand-computed ones, and the ops whose gradient is not a derivative.
public class OpValueTests
{
    private static void Near(double expected, double actual, double tol = 1e-5) =>
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Fact]
    public void BceWithLogits_MatchesHandComputedValues()
    {
        // t·(−log σ(x)) + (1 − t)·(−log(1 − σ(x))) for x = 0, 2, −3 and t = 1, 0, 0.25
        var x = Tensor.FromArray([0f, 2f, -3f], 3);
        var t = Tensor.FromArray([1f, 0f, 0.25f], 3);
        double Expected(double xv, double tv) { double s = 1 / (1 + Math.Exp(-xv)); return -(tv * Math.Log(s) + (1 - tv) * Math.Log(1 - s)); }
        var terms = Ops.BinaryCrossEntropyWithLogits(x, t, Reduction.None).Data;
        Near(Expected(0, 1), terms[0]);
        Near(Expected(2, 0), terms[1]);
        Near(Expected(-3, 0.25), terms[2]);
        Near(Expected(0, 1) + Expected(2, 0) + Expected(-3, 0.25), Ops.BinaryCrossEntropyWithLogits(x, t).Item());
    }

    [Fact]
    public void BceWithLogits_IsExactForLargeLogits()
    {
        // |x| > 80: σ(x) rounds to 0 or 1 in float, yet the loss stays exact: ℓ(100, 0) = 100, ℓ(−100, 1) = 100, ℓ(100, 1) ≈ 0.
        var x = Tensor.FromArray([100f, -100f, 100f, -90f], 4);
        x.RequiresGrad = true;
        var t = Tensor.FromArray([0f, 1f, 1f, 0f], 4);
        var loss = Ops.BinaryCrossEntropyWithLogits(x, t, Reduction.None);
        Near(100, loss.Data[0]); Near(100, loss.Data[1]); Near(0, loss.Data[2]); Near(0, loss.Data[3]);
        Ops.Sum(loss).Backward();
        var g = x.Grad!.Data;
        Near(1, g[0]); Near(-1, g[1]); Near(0, g[2]); Near(0, g[3]);
    }

    [Fact]
    public void KlStandardNormal_MatchesKnownGaussians()
    {
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − log σ²): for (μ=1, σ²=1) → 0.5; (μ=0, σ²=e) → ½(e − 2); (0, 1) → 0.
        var mu = Tensor.FromArray([1f, 0f, 0f], 3);
        var logVar = Tensor.FromArray([0f, 1f, 0f], 3);
        var kl = Ops.KlStandardNormal(mu, logVar, Reduction.None).Data;
        Near(0.5, kl[0]); Near(0.5 * (Math.E - 2), kl[1]); Near(0, kl[2]);
    }

    [Fact]
    public void GaussianNll_MatchesDensity()
    {
        // −log N(1; 0, 4) = ½ log(2π·4) + 1/8
        var nll = Ops.GaussianNll(Tensor.FromArray([1f], 1), Tensor.FromArray([0f], 1), Tensor.FromArray([MathF.Log(4f)], 1));
        Near(0.5 * Math.Log(2 * Math.PI * 4) + 1.0 / 8, nll.Item());
    }

    [Fact]
    public void Softmax_RowsSumToOne_AndSurviveLargeInputs()
    {
        var y = Ops.Softmax(Tensor.FromArray([1000f, 1001f, 1002f, -5f, 0f, 5f], 2, 3), 1).Data;
        Near(1, y[0] + y[1] + y[2]); Near(1, y[3] + y[4] + y[5]);
        Near(Math.Exp(2) / (1 + Math.E + Math.Exp(2)), y[2]);
        Near(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), Ops.LogSumExp(Tensor.FromArray([1f, 2f, 3f], 1, 3), 1).Item());
    }

    [Fact]
    public void Broadcasting_FollowsNumPyRules()
    {
        var a = Tensor.FromArray([1, 2, 3], 3, 1);
        var b = Tensor.FromArray([10, 20], 1, 2);
        var c = a + b;
        Assert.Equal([3, 2], c.Shape.ToArray());
        Assert.Equal([11f, 21, 12, 22, 13, 23], c.ToArray());
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
    }

    [Fact]
    public void StraightThrough_ForwardsValue_AndPassesGradientUnchanged()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 3);
        x.RequiresGrad = true;
        var y = Ops.StraightThrough(Tensor.FromArray([7f, 8f, 9f], 3), x);
        Assert.Equal([7f, 8f, 9f], y.ToArray());
        Ops.Sum(y * Tensor.FromArray([1f, 2f, 3f], 3)).Backward();
        Assert.Equal([1f, 2f, 3f], x.Grad!.ToArray());
    }

    [Fact]
    public void MaxAndArgmax_PickFirstMaximum()
    {
        var x = Tensor.FromArray([1, 5, 5, 2, -1, 0], 2, 3);
        var (values, idx) = Ops.Max(x, 1);
        Assert.Equal([5f, 2f], values.ToArray());
        Assert.Equal([1, 0], idx);
        Assert.Equal([1, 0, 0], Ops.Argmax(x, 0));
    }

    [Fact]
    public void Dropout_IsIdentityInEval_AndKeepsMeanInTraining()
    {
        var x = Tensor.Ones(100_000);
        Assert.Same(x, Ops.Dropout(x, 0.5f, new Random.RandomGenerator(1), training: false));
        var y = Ops.Dropout(x, 0.25f, new Random.RandomGenerator(1)).Data;
        double mean = 0; int zeros = 0;
        foreach (var v in y) { mean += v; if (v == 0) zeros++; }
        Near(1.0, mean / y.Length, 0.02);
        Near(0.25, zeros / (double)y.Length, 0.02);
    }
}
