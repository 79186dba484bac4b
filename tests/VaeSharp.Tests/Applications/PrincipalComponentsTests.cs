using VaeSharp.Applications;
using VaeSharp.Engine.Random;

namespace VaeSharp.Tests.Applications;

public sealed class PrincipalComponentsTests
{
    // Points with independent variances 9, 4, 1, 0.25 along the axes of a known rotation, so the oracle is the rotation.
    private static (float[,] Points, double[][] Axes) RotatedCloud(int n)
    {
        var rng = new RandomGenerator(5);
        double[] sd = [3, 2, 1, 0.5];
        // A rotation: the product of two plane rotations, (0,1) by 0.6 rad and (2,3) by −1.1 rad, then (1,2) by 0.3.
        var axes = new double[4][];
        for (int k = 0; k < 4; k++) { axes[k] = new double[4]; axes[k][k] = 1; }
        Rotate(axes, 0, 1, 0.6); Rotate(axes, 2, 3, -1.1); Rotate(axes, 1, 2, 0.3);
        var points = new float[n, 4];
        for (int i = 0; i < n; i++)
        {
            var coefficients = sd.Select(s => s * rng.NextNormal()).ToArray();
            for (int j = 0; j < 4; j++)
            {
                double x = 5;   // an offset the centring must remove
                for (int k = 0; k < 4; k++) x += coefficients[k] * axes[k][j];
                points[i, j] = (float)x;
            }
        }
        return (points, axes);
    }

    private static void Rotate(double[][] axes, int p, int q, double angle)
    {
        foreach (var a in axes)
        {
            double x = a[p], y = a[q];
            a[p] = Math.Cos(angle) * x - Math.Sin(angle) * y;
            a[q] = Math.Sin(angle) * x + Math.Cos(angle) * y;
        }
    }

    private static double[,] Covariance(float[,] points)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += points[i, j] / (double)n;
        var c = new double[d, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                for (int k = 0; k < d; k++) c[j, k] += (points[i, j] - mean[j]) * (points[i, k] - mean[k]) / n;
        return c;
    }

    [Fact]
    public void Components_AreOrthonormalEigenvectorsOfTheCovariance_ByDecreasingVariance()
    {
        var (points, _) = RotatedCloud(4000);
        var pca = PrincipalComponents.Compute(points);
        var c = Covariance(points);
        for (int k = 0; k < 4; k++)
        {
            for (int j = 0; j < 4; j++)
            {
                double cv = 0;
                for (int m = 0; m < 4; m++) cv += c[j, m] * pca.Components[k][m];
                Assert.Equal(pca.Variance[k] * pca.Components[k][j], cv, 1e-9);   // C v = λ v
            }
            for (int l = 0; l < 4; l++)
                Assert.Equal(k == l ? 1.0 : 0.0, pca.Components[k].Zip(pca.Components[l], (a, b) => a * b).Sum(), 1e-12);
            if (k > 0) Assert.True(pca.Variance[k] <= pca.Variance[k - 1]);
        }
        double trace = 0;
        for (int j = 0; j < 4; j++) trace += c[j, j];
        Assert.Equal(trace, pca.Variance.Sum(), 1e-9);
        Assert.Equal(1.0, pca.ExplainedRatio.Sum(), 1e-12);
    }

    [Fact]
    public void Components_RecoverTheAxesTheCloudWasDrawnAlong()
    {
        var (points, axes) = RotatedCloud(20000);
        var pca = PrincipalComponents.Compute(points);
        for (int k = 0; k < 4; k++)
            Assert.True(Math.Abs(pca.Components[k].Zip(axes[k], (a, b) => a * b).Sum()) > 0.995, $"component {k} is off its axis");
        Assert.Equal(9, pca.Variance[0], 0.4);
        Assert.Equal(0.25, pca.Variance[3], 0.02);
        Assert.All(pca.Mean, m => Assert.Equal(5, m, 0.1));
    }

    [Fact]
    public void TopComponent_AgreesWithPowerIteration()
    {
        var (points, _) = RotatedCloud(3000);
        var c = Covariance(points);
        var v = new double[] { 1, 1, 1, 1 };
        for (int it = 0; it < 500; it++)
        {
            var w = new double[4];
            for (int j = 0; j < 4; j++) for (int m = 0; m < 4; m++) w[j] += c[j, m] * v[m];
            double norm = Math.Sqrt(w.Sum(x => x * x));
            v = [.. w.Select(x => x / norm)];
        }
        var top = PrincipalComponents.Compute(points).Components[0];
        Assert.Equal(1.0, Math.Abs(top.Zip(v, (a, b) => a * b).Sum()), 1e-9);
    }

    [Fact]
    public void Project_CentresAndRotates_AndSignsAreFixed()
    {
        var points = new float[,] { { 1, 10 }, { 3, 10 }, { 5, 10 } };   // variance only along x
        var pca = PrincipalComponents.Compute(points);
        Assert.Equal([1.0, 0.0], pca.Components[0]);   // largest coordinate positive
        Assert.Equal(8.0 / 3, pca.Variance[0], 1e-12);
        Assert.Equal(0.0, pca.Variance[1]);
        var p = pca.Project([5f, 10f], 2);
        Assert.Equal(2.0, p[0], 1e-12);
        Assert.Equal(0.0, p[1], 1e-12);
        Assert.Throws<ArgumentException>(() => pca.Project([1f, 2f, 3f]));
    }

    [Fact]
    public void Compute_RefusesNonFiniteValues_NamingThePoint()
    {
        var points = new float[,] { { 1, 2 }, { float.NaN, 0 } };
        var e = Assert.Throws<ArgumentException>(() => PrincipalComponents.Compute(points));
        Assert.Contains("Point 1, dimension 0", e.Message);
    }
}
