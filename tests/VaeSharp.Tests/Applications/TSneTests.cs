using VaeSharp.Applications;
using VaeSharp.Engine.Random;

namespace VaeSharp.Tests.Applications;

public sealed class TSneTests
{
    // Three well-separated Gaussian clusters in 10-D, labelled by cluster.
    private static (float[,] Points, int[] Labels) Clusters(int perCluster)
    {
        var rng = new RandomGenerator(21);
        int n = 3 * perCluster;
        var points = new float[n, 10];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 3;
            for (int u = 0; u < 10; u++) points[i, u] = (u == labels[i] ? 8f : 0f) + rng.NextNormal();
        }
        return (points, labels);
    }

    [Fact]
    public void Gradient_MatchesCentralFiniteDifferencesOfTheKl()
    {
        var (points, _) = Clusters(3);
        var p = TSne.JointProbabilities(points, perplexity: 3, threads: 1);
        var rng = new RandomGenerator(4);
        var y = new double[2 * 9];
        for (int k = 0; k < y.Length; k++) y[k] = rng.NextNormal();
        var gradient = new double[y.Length];
        TSne.Gradient(p, y, 1, gradient, 1);
        var scratch = new double[y.Length];
        for (int k = 0; k < y.Length; k++)
        {
            const double h = 1e-6;
            double keep = y[k];
            y[k] = keep + h; double up = TSne.Gradient(p, y, 1, scratch, 1);
            y[k] = keep - h; double down = TSne.Gradient(p, y, 1, scratch, 1);
            y[k] = keep;
            Assert.Equal((up - down) / (2 * h), gradient[k], 1e-6);
        }
    }

    [Fact]
    public void ConditionalRows_HaveThePerplexityAsked()
    {
        var (points, _) = Clusters(20);
        var conditional = TSne.Conditional(points, perplexity: 10, threads: 2);
        int n = points.GetLength(0);
        for (int i = 0; i < n; i++)
        {
            double entropy = 0, sum = 0;
            for (int j = 0; j < n; j++)
            {
                double v = conditional[i * n + j];
                sum += v;
                if (v > 0) entropy -= v * Math.Log(v);
            }
            Assert.Equal(1.0, sum, 1e-12);
            Assert.Equal(0.0, conditional[i * n + i]);
            Assert.Equal(Math.Log(10), entropy, 1e-6);
        }
        var joint = TSne.JointProbabilities(points, 10, 1);
        Assert.Equal(1.0, joint.Sum(), 1e-9);
        Assert.Equal(joint[3 * n + 7], joint[7 * n + 3]);
    }

    [Fact]
    public void Embedding_KeepsClustersApart_AndIsTheSameForAnyThreadCount()
    {
        var (points, labels) = Clusters(40);
        var one = TSne.Embed(points, perplexity: 15, iterations: 400, threads: 1);
        var two = TSne.Embed(points, perplexity: 15, iterations: 400, threads: 2);
        Assert.Equal(one, two);
        int n = labels.Length, agree = 0;
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double bestD = double.MaxValue;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double d = Math.Pow(one[2 * i] - one[2 * j], 2) + Math.Pow(one[2 * i + 1] - one[2 * j + 1], 2);
                if (d < bestD) { bestD = d; best = j; }
            }
            if (labels[best] == labels[i]) agree++;
        }
        Assert.True(agree >= n * 0.97, $"only {agree} of {n} points have a nearest neighbour of their own cluster");
        Assert.All(one, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Embed_RefusesTooManyPoints_AndABadPerplexity()
    {
        Assert.Throws<ArgumentException>(() => TSne.Embed(new float[TSne.MaxPoints + 1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TSne.Embed(new float[10, 2], perplexity: 10));
    }
}
