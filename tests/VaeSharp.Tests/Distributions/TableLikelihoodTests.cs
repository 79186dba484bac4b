using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Tests.Distributions;

public sealed class TableLikelihoodTests
{
    // A row: numeric, numeric, binary, categorical of 3, binary.
    private static readonly LikelihoodBlock[] Blocks =
    [
        new(LikelihoodBlockKind.Gaussian, 1), new(LikelihoodBlockKind.Gaussian, 1), new(LikelihoodBlockKind.Bernoulli, 1),
        new(LikelihoodBlockKind.Categorical, 3), new(LikelihoodBlockKind.Bernoulli, 1),
    ];

    private static readonly float[] Output = [0.3f, -1.2f, 0.8f, 1.0f, -0.5f, 2.0f, -0.7f, /* row 2 */ -0.4f, 0.9f, -2.0f, 0.0f, 0.3f, -0.1f, 1.5f];
    private static readonly float[] X = [1.1f, -0.2f, 1f, 0f, 0f, 1f, 0f, /* row 2 */ -0.9f, 1.7f, 0f, 0f, 1f, 0f, 1f];

    // −log p by hand in double: Gaussian ½(log 2π + log σ² + (x−μ)²/σ²), BCE, −log softmax at the one-hot's class.
    private static double Expected(int row, double std, Func<int, bool> observed)
    {
        double total = 0, logVar = 2 * Math.Log(std);
        var o = Output.AsSpan(row * 7, 7).ToArray();
        var x = X.AsSpan(row * 7, 7).ToArray();
        for (int j = 0; j < 2; j++)
            if (observed(j)) total += 0.5 * (Math.Log(2 * Math.PI) + logVar + (x[j] - o[j]) * (x[j] - o[j]) / Math.Exp(logVar));
        foreach (int j in new[] { 2, 6 })
            if (observed(j)) total += Math.Log(1 + Math.Exp(o[j])) - x[j] * o[j];
        if (observed(3))
        {
            double lse = Math.Log(Math.Exp(o[3]) + Math.Exp(o[4]) + Math.Exp(o[5]));
            int k = Array.IndexOf(x[3..6], 1f);
            total += lse - o[3 + k];
        }
        return total;
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.3)]
    public void NegLogLikelihood_MatchesTheFormulas(double std)
    {
        var likelihood = new TableLikelihood(Blocks, (float)std);
        var nll = likelihood.NegLogLikelihood(Tensor.FromArray(Output, 2, 7), Tensor.FromArray(X, 2, 7)).Data.ToArray();
        for (int r = 0; r < 2; r++) Assert.Equal(Expected(r, std, _ => true), nll[r], 4);
        Assert.Equal(nll.Sum(), likelihood.TotalNegLogLikelihood(Tensor.FromArray(Output, 2, 7), Tensor.FromArray(X, 2, 7)).Item(), 4);
    }

    [Fact]
    public void Mask_DropsTheTermsOfMissingCells()
    {
        var likelihood = new TableLikelihood(Blocks);
        // Row 1: the second numeric and the categorical missing; row 2: the first binary missing.
        float[] mask = [1, 0, 1, 0, 0, 0, 1, /* row 2 */ 1, 1, 0, 1, 1, 1, 1];
        var nll = likelihood.NegLogLikelihood(Tensor.FromArray(Output, 2, 7), Tensor.FromArray(X, 2, 7), Tensor.FromArray(mask, 2, 7)).Data.ToArray();
        Assert.Equal(Expected(0, 1, j => j is not (1 or 3)), nll[0], 4);
        Assert.Equal(Expected(1, 1, j => j != 2), nll[1], 4);
    }

    [Fact]
    public void Mean_IsTheIdentitySigmoidAndSoftmaxPerBlock()
    {
        var mean = new TableLikelihood(Blocks).Mean(Tensor.FromArray(Output, 2, 7)).Data.ToArray();
        Assert.Equal(0.3f, mean[0]);
        Assert.Equal(1 / (1 + Math.Exp(-0.8)), mean[2], 5);
        Assert.Equal(1.0, mean[3] + mean[4] + mean[5], 5);
        Assert.Equal(Math.Exp(2.0) / (Math.Exp(1.0) + Math.Exp(-0.5) + Math.Exp(2.0)), mean[5], 5);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences_ForTheOutputAndTheLearnedVariances()
    {
        var likelihood = new TableLikelihood(Blocks, 0.7f);
        float[] mask = [1, 0, 1, 1, 1, 1, 1, /* row 2 */ 1, 1, 1, 0, 0, 0, 1];
        var x = Tensor.FromArray(X, 2, 7);
        var m = Tensor.FromArray(mask, 2, 7);
        InputGradCheck.Assert(o => Ops.Sum(likelihood.NegLogLikelihood(o, x, m)), Tensor.FromArray((float[])Output.Clone(), 2, 7), stride: 1);
        var logVar = likelihood.NamedParameters().Single().Tensor;
        logVar.Grad = null;
        Ops.Sum(likelihood.NegLogLikelihood(Tensor.FromArray(Output, 2, 7), x, m)).Backward();
        for (int j = 0; j < 2; j++)
        {
            float orig = logVar.Data[j];
            double Eval(float v) { logVar.Data[j] = v; using var _ = GradMode.NoGrad(); return Ops.Sum(likelihood.NegLogLikelihood(Tensor.FromArray(Output, 2, 7), x, m)).Item(); }
            double numeric = (Eval(orig + 1e-2f) - Eval(orig - 1e-2f)) / 2e-2;
            logVar.Data[j] = orig;
            Assert.True(Math.Abs(numeric - logVar.Grad!.Data[j]) < 2e-2 + 2e-2 * Math.Abs(numeric), $"log_var {j}: {logVar.Grad!.Data[j]} vs {numeric}");
        }
    }

    [Fact]
    public void LearnedVariance_GetsItsGradient()
    {
        var likelihood = new TableLikelihood(Blocks, 0.7f);
        var (name, logVar) = Assert.Single(likelihood.NamedParameters());
        Assert.Equal("log_var", name);
        Assert.Equal([1, 2], logVar.Shape.ToArray());
        Ops.Sum(likelihood.NegLogLikelihood(Tensor.FromArray(Output, 2, 7), Tensor.FromArray(X, 2, 7))).Backward();
        // d/d logvar of ½(logvar + r² e^−logvar) = ½(1 − r²/σ²), summed over the rows.
        double Grad(int j) => Enumerable.Range(0, 2).Sum(r => 0.5 * (1 - Math.Pow(X[r * 7 + j] - Output[r * 7 + j], 2) / (0.7 * 0.7)));
        Assert.Equal(Grad(0), logVar.Grad!.Data[0], 3);
        Assert.Equal(Grad(1), logVar.Grad!.Data[1], 3);
    }

    [Fact]
    public void BernoulliAndGaussian_WithAMask_SumTheObservedValuesOnly()
    {
        var rng = new RandomGenerator(4);
        var output = Tensor.Uniform(rng, -1f, 1f, 3, 1, 2, 2);
        var x = Tensor.Uniform(rng, 0f, 1f, 3, 1, 2, 2);
        float[] maskValues = [1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0];
        var mask = Tensor.FromArray(maskValues, 3, 1, 2, 2);
        foreach (var likelihood in new Likelihood[] { new BernoulliLikelihood(), new GaussianLikelihood(0.5f, learned: false) })
        {
            var full = Ops.Flatten(likelihood is BernoulliLikelihood
                ? Ops.BinaryCrossEntropyWithLogits(output.Flatten(), x.Flatten(), Reduction.None)
                : Ops.GaussianNll(x.Flatten(), output.Flatten(), Tensor.Full(2f * MathF.Log(0.5f), 1), Reduction.None)).Data.ToArray();
            var masked = likelihood.NegLogLikelihood(output, x, mask).Data.ToArray();
            for (int i = 0; i < 3; i++)
                Assert.Equal(Enumerable.Range(0, 4).Sum(j => full[i * 4 + j] * maskValues[i * 4 + j]), masked[i], 4);
            Assert.Equal(masked.Sum(), likelihood.TotalNegLogLikelihood(output, x, mask).Item(), 4);
        }
    }

    [Fact]
    public void Sample_DrawsEachColumnFromItsOwnDistribution()
    {
        // 20,000 copies of row 1: the draws' moments and frequencies against μ and σ, σ(ℓ) and softmax(ℓ).
        const int n = 20_000;
        var likelihood = new TableLikelihood(Blocks, 0.5f);
        var output = new float[n * 7];
        for (int i = 0; i < n; i++) Output.AsSpan(0, 7).CopyTo(output.AsSpan(i * 7));
        var x = likelihood.Sample(Tensor.FromArray(output, n, 7), new RandomGenerator(11));
        double Mean(int j) => Enumerable.Range(0, n).Average(i => (double)x[i * 7 + j]);
        double Std(int j) { double m = Mean(j); return Math.Sqrt(Enumerable.Range(0, n).Average(i => (x[i * 7 + j] - m) * (x[i * 7 + j] - m))); }
        Assert.InRange(Mean(0), 0.3 - 0.015, 0.3 + 0.015);   // μ ± 4 σ/√n ≈ 0.014
        Assert.InRange(Std(0), 0.48, 0.52);
        Assert.InRange(Mean(1), -1.2 - 0.015, -1.2 + 0.015);
        Assert.InRange(Mean(2), 1 / (1 + Math.Exp(-0.8)) - 0.015, 1 / (1 + Math.Exp(-0.8)) + 0.015);
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(1f, x[i * 7 + 3] + x[i * 7 + 4] + x[i * 7 + 5]));   // one-hot
        double z = Math.Exp(1.0) + Math.Exp(-0.5) + Math.Exp(2.0);
        Assert.InRange(Mean(3), Math.Exp(1.0) / z - 0.015, Math.Exp(1.0) / z + 0.015);
        Assert.InRange(Mean(5), Math.Exp(2.0) / z - 0.015, Math.Exp(2.0) / z + 0.015);
        Assert.All(Enumerable.Range(0, n), i => Assert.True(x[i * 7 + 6] is 0f or 1f));
        // Deterministic for a generator.
        Assert.Equal(x, likelihood.Sample(Tensor.FromArray(output, n, 7), new RandomGenerator(11)));
    }
}
