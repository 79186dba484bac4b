using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Tests.Distributions;

public class DiagonalGaussianTests
{
    private static DiagonalGaussian Gaussian(ulong seed, int n = 3, int d = 4)
    {
        var rng = new RandomGenerator(seed);
        return new DiagonalGaussian(Tensor.Normal(rng, 0f, 1f, n, d), Tensor.Uniform(rng, -1.5f, 1f, n, d));
    }

    // log N(z; μ, σ²) summed over the row, in double precision.
    private static double[] LogDensity(DiagonalGaussian q, Tensor z)
    {
        int n = q.Count, d = q.Dim;
        var result = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                int a = i * d + j;
                double lv = q.LogVar.Data[a], diff = z.Data[a] - q.Mean.Data[a];
                result[i] += -0.5 * (diff * diff / Math.Exp(lv) + lv + Math.Log(2 * Math.PI));
            }
        return result;
    }

    [Fact]
    public void LogProb_MatchesTheDensityComputedByHand()
    {
        var q = Gaussian(1);
        var z = Tensor.Normal(new RandomGenerator(2), 0f, 2f, 3, 4);
        var expected = LogDensity(q, z);
        var actual = q.LogProb(z).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void SampleWithLogProb_GivesTheSameDensityAsLogProbOfTheSample()
    {
        var q = Gaussian(3);
        var (z, logQ) = q.SampleWithLogProb(new RandomGenerator(4));
        Assert.Equal(q.Sample(new RandomGenerator(4)).ToArray(), z.ToArray());   // the same ε
        var direct = LogDensity(q, z);
        var fromNoise = logQ.ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(direct[i], fromNoise[i], 4);
    }

    [Fact]
    public void KlToStandardNormal_EqualsKlToAGaussianWithZeroMeanAndUnitVariance()
    {
        var q = Gaussian(5);
        var standard = new DiagonalGaussian(Tensor.Zeros(3, 4), Tensor.Zeros(3, 4));
        Assert.Equal(q.KlToStandardNormal().Item(), q.KlTo(standard).Item(), 4);
        Assert.Equal(q.KlToStandardNormal().Item(), StandardNormal.Instance.Kl(q, Reduction.Sum).Item());
    }

    [Fact]
    public void KlTo_MatchesTheClosedFormByHand_AndIsZeroForItself()
    {
        var q = Gaussian(6);
        var p = Gaussian(7);
        double expected = 0;
        for (int a = 0; a < 12; a++)
        {
            double lq = q.LogVar.Data[a], lp = p.LogVar.Data[a], diff = q.Mean.Data[a] - p.Mean.Data[a];
            expected += 0.5 * (lp - lq + (Math.Exp(lq) + diff * diff) / Math.Exp(lp) - 1);
        }
        Assert.Equal(expected, q.KlTo(p).Item(), 3);
        Assert.Equal(0f, q.KlTo(q).Item(), 5);
        Assert.Equal([3, 4], q.KlTo(p, Reduction.None).Shape.ToArray());
    }

    [Fact]
    public void KlTo_GradientsMatchFiniteDifferences()
    {
        var p = Gaussian(8);
        var logVar = Tensor.Uniform(new RandomGenerator(9), -1f, 1f, 3, 4);
        InputGradCheck.Assert(mean => new DiagonalGaussian(mean, logVar).KlTo(p), Tensor.Normal(new RandomGenerator(10), 0f, 1f, 3, 4), stride: 1);
        var mu = Tensor.Normal(new RandomGenerator(11), 0f, 1f, 3, 4);
        InputGradCheck.Assert(lv => new DiagonalGaussian(mu, lv).KlTo(p), logVar, stride: 1);
        InputGradCheck.Assert(lv => new DiagonalGaussian(mu, lv).LogProb(p.Mean).Sum(), Tensor.Uniform(new RandomGenerator(12), -1f, 1f, 3, 4), stride: 1);
    }

    [Fact]
    public void SelectRows_RepeatsRowsInOrder()
    {
        var q = Gaussian(13);
        var r = (DiagonalGaussian)q.SelectRows([2, 0, 2]);
        Assert.Equal(q.Mean.ToArray().AsSpan(8, 4).ToArray(), r.Mean.ToArray().AsSpan(0, 4).ToArray());
        Assert.Equal(q.LogVar.ToArray().AsSpan(0, 4).ToArray(), r.LogVar.ToArray().AsSpan(4, 4).ToArray());
    }

    [Fact]
    public void StandardNormal_LogProbAndSamples()
    {
        var z = Tensor.FromArray([0f, 0f, 1f, -2f], 2, 2);
        var logP = StandardNormal.Instance.LogProb(z).ToArray();
        Assert.Equal(-Math.Log(2 * Math.PI), logP[0], 5);
        Assert.Equal(-0.5 * 5 - Math.Log(2 * Math.PI), logP[1], 5);
        var draws = StandardNormal.Instance.Sample(new RandomGenerator(1), 20_000, 2).ToArray();
        Assert.InRange(draws.Average(), -0.03, 0.03);
        Assert.InRange(draws.Select(v => (double)v * v).Average(), 0.97, 1.03);
    }
}
