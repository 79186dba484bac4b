using VaeSharp.Applications;
using VaeSharp.Engine.Random;

namespace VaeSharp.Tests.Applications;

public class GaussianMixtureTests
{
    // The known mixture: 0.3 N((−3, 0), [[1, 0.5], [0.5, 1]]) + 0.7 N((3, 1), [[0.5, 0], [0, 2]]).
    private static readonly GaussianMixture Known = new([0.3f, 0.7f], [-3f, 0f, 3f, 1f], [1f, 0.5f, 0.5f, 1f, 0.5f, 0f, 0f, 2f]);

    [Fact]
    public void Em_RecoversAKnownTwoComponentMixture()
    {
        var points = Known.Sample(new RandomGenerator(3), 6000);
        var fit = GaussianMixture.Fit(points, 6000, 2, 2, new RandomGenerator(4));
        Assert.True(fit.Converged, $"EM did not converge in {fit.Iterations} iterations");
        int a = fit.Means[0] < 0 ? 0 : 1, b = 1 - a;   // the component near (−3, 0)
        Assert.Equal(0.3, fit.Weights[a], 0.02);
        Assert.Equal(0.7, fit.Weights[b], 0.02);
        Assert.Equal(-3, fit.Means[a * 2], 0.1);
        Assert.Equal(0, fit.Means[a * 2 + 1], 0.1);
        Assert.Equal(3, fit.Means[b * 2], 0.1);
        Assert.Equal(1, fit.Means[b * 2 + 1], 0.1);
        float[] expectedA = [1f, 0.5f, 0.5f, 1f], expectedB = [0.5f, 0f, 0f, 2f];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expectedA[i], fit.Covariances[a * 4 + i], 0.12);
            Assert.Equal(expectedB[i], fit.Covariances[b * 4 + i], 0.12);
        }
        // The fitted density explains the data at least about as well as the true one.
        Assert.True(fit.TrainingLogLikelihood >= Known.MeanLogLikelihood(points, 6000) - 1e-6);
    }

    [Fact]
    public void Samples_HaveTheMixturesMoments()
    {
        var z = Known.Sample(new RandomGenerator(8), 50_000);
        double mx = 0, my = 0;
        for (int i = 0; i < 50_000; i++) { mx += z[2 * i]; my += z[2 * i + 1]; }
        Assert.Equal(0.3 * -3 + 0.7 * 3, mx / 50_000, 0.03);
        Assert.Equal(0.7 * 1, my / 50_000, 0.03);
    }

    [Fact]
    public void SaveAndLoad_GiveTheSameSamples()
    {
        var points = Known.Sample(new RandomGenerator(3), 500);
        var fit = GaussianMixture.Fit(points, 500, 2, 3, new RandomGenerator(4));
        string file = Path.Combine(Path.GetTempPath(), $"gmm-{Guid.NewGuid():N}.safetensors");
        try
        {
            fit.Save(file, new Dictionary<string, string> { ["note"] = "test" });
            var (loaded, metadata) = GaussianMixture.Load(file);
            Assert.Equal("test", metadata["note"]);
            Assert.Equal(fit.Iterations, loaded.Iterations);
            Assert.Equal(fit.Sample(new RandomGenerator(1), 100), loaded.Sample(new RandomGenerator(1), 100));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Fit_IsDeterministic()
    {
        var points = Known.Sample(new RandomGenerator(3), 800);
        var a = GaussianMixture.Fit(points, 800, 2, 4, new RandomGenerator(9));
        var b = GaussianMixture.Fit(points, 800, 2, 4, new RandomGenerator(9));
        Assert.Equal(a.Means, b.Means);
        Assert.Equal(a.Covariances, b.Covariances);
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit([1f, 2f], 1, 2, 2, new RandomGenerator(1)));
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit([1f, float.NaN, 2f, 3f], 2, 2, 1, new RandomGenerator(1)));
        Assert.Throws<ArgumentException>(() => new GaussianMixture([1f], [0f, 0f], [1f, 2f, 2f, 1f]));   // not positive definite
        Assert.Throws<ArgumentException>(() => new GaussianMixture([0.5f, 0.2f], [0f, 0f], [1f, 1f]));   // weights sum to 0.7
    }
}
