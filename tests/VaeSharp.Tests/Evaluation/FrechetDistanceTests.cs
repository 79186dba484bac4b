using VaeSharp.Engine.Random;
using VaeSharp.Evaluation;

namespace VaeSharp.Tests.Evaluation;

public class FrechetDistanceTests
{
    // n draws of N(mean, L Lᵀ), row-major.
    private static float[] Draw(int n, double[] mean, double[,] l, ulong seed)
    {
        int d = mean.Length;
        var rng = new RandomGenerator(seed);
        var x = new float[n * d];
        var eps = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) eps[j] = rng.NextNormal();
            for (int r = 0; r < d; r++)
            {
                double v = mean[r];
                for (int c = 0; c < d; c++) v += l[r, c] * eps[c];
                x[i * d + r] = (float)v;
            }
        }
        return x;
    }

    private static double[,] RandomSpd(int d, ulong seed)
    {
        var rng = new RandomGenerator(seed);
        var a = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) a[i, j] = rng.NextNormal();
        var s = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double v = i == j ? 0.5 : 0;
                for (int m = 0; m < d; m++) v += a[i, m] * a[j, m];
                s[i, j] = v;
            }
        return s;
    }

    [Fact]
    public void Fid_OfASetWithItself_IsZero()
    {
        var l = new double[,] { { 1, 0, 0, 0 }, { 0.5, 2, 0, 0 }, { -1, 0.3, 0.7, 0 }, { 0.2, 0.2, 0.2, 0.1 } };
        var features = Draw(2000, [1, -2, 0.5, 3], l, seed: 5);
        var moments = FeatureMoments.Compute(features, 2000, 4);
        Assert.InRange(FrechetDistance.Compute(moments, moments), 0, 1e-9);
        // Two separately computed moment sets of the same features, too.
        Assert.InRange(FrechetDistance.Compute(moments, FeatureMoments.Compute(features, 2000, 4)), 0, 1e-9);
    }

    [Fact]
    public void Fid_OfTwoKnown2DGaussians_MatchesTheClosedForm()
    {
        // For 2×2 M with eigenvalues λ₁, λ₂ ≥ 0: Tr √M = √λ₁ + √λ₂ = √(Tr M + 2 √det M), and Σ₁Σ₂ has Σ₁^½Σ₂Σ₁^½'s eigenvalues.
        var c1 = new double[,] { { 2.0, 0.6 }, { 0.6, 1.0 } };
        var c2 = new double[,] { { 0.5, -0.3 }, { -0.3, 3.0 } };   // does not commute with c1
        double[] m1 = [0.5, -1], m2 = [2, 1];
        double trProduct = c1[0, 0] * c2[0, 0] + c1[0, 1] * c2[1, 0] + c1[1, 0] * c2[0, 1] + c1[1, 1] * c2[1, 1];
        double det1 = c1[0, 0] * c1[1, 1] - c1[0, 1] * c1[1, 0], det2 = c2[0, 0] * c2[1, 1] - c2[0, 1] * c2[1, 0];
        double traceSqrt = Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));
        double expected = (1.5 * 1.5 + 2 * 2) + (2 + 1 + 0.5 + 3) - 2 * traceSqrt;
        Assert.Equal(expected, FrechetDistance.Compute(m1, c1, m2, c2), 12);
        Assert.Equal(traceSqrt, FrechetDistance.TraceSqrtProduct(c1, c2), 12);
    }

    [Fact]
    public void Fid_OfAScaledCovariance_MatchesTheClosedForm_InTenDimensions()
    {
        // Σ₂ = cΣ₁ ⇒ (Σ₁Σ₂)^½ = √c Σ₁, so d² = ‖Δμ‖² + Tr Σ₁ (1 + c − 2√c).
        var s = RandomSpd(10, seed: 11);
        const double c = 2.5;
        var scaled = new double[10, 10];
        for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) scaled[i, j] = c * s[i, j];
        var m1 = new double[10];
        var m2 = Enumerable.Range(0, 10).Select(i => 0.1 * i).ToArray();
        double trace = Enumerable.Range(0, 10).Sum(i => s[i, i]);
        double expected = m2.Sum(v => v * v) + trace * (1 + c - 2 * Math.Sqrt(c));
        Assert.Equal(expected, FrechetDistance.Compute(m1, s, m2, scaled), 9);
    }

    [Fact]
    public void Fid_OfSampleMoments_ApproachesTheClosedForm()
    {
        // Diagonal Gaussians: d² = ‖Δμ‖² + Σᵢ (σ₁ᵢ − σ₂ᵢ)².
        double[] sd1 = [1, 2, 0.5], sd2 = [1.5, 1, 0.5];
        var l1 = new double[3, 3];
        var l2 = new double[3, 3];
        for (int i = 0; i < 3; i++) { l1[i, i] = sd1[i]; l2[i, i] = sd2[i]; }
        double[] m1 = [0, 0, 0], m2 = [1, 0, -1];
        double expected = 2 + 0.25 + 1 + 0;
        var a = FeatureMoments.Compute(Draw(40_000, m1, l1, 1), 40_000, 3);
        var b = FeatureMoments.Compute(Draw(40_000, m2, l2, 2), 40_000, 3);
        Assert.InRange(FrechetDistance.Compute(a, b), expected * 0.97, expected * 1.03);
    }

    [Fact]
    public void Fid_OfSingularCovariances_IsFinite()
    {
        // Every feature vector on a line: the covariance has rank 1, the eigenvalues below 0 from rounding count as 0.
        var x = new float[200 * 3];
        for (int i = 0; i < 200; i++) { x[i * 3] = i * 0.01f; x[i * 3 + 1] = i * 0.02f; x[i * 3 + 2] = -i * 0.01f; }
        var m = FeatureMoments.Compute(x, 200, 3);
        double d = FrechetDistance.Compute(m, m);
        Assert.True(double.IsFinite(d));
        Assert.InRange(d, 0, 1e-9);
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute([0, 0], new double[2, 2], [0], new double[1, 1]));
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute([0, 0], new double[,] { { 1, 2 }, { 0, 1 } }, [0, 0], new double[2, 2]));
        Assert.Throws<ArgumentException>(() => FeatureMoments.Compute([1f, 2f], 1, 2));
        Assert.Throws<ArgumentException>(() => FeatureMoments.Compute([1f, float.NaN, 2f, 3f], 2, 2));
    }
}
