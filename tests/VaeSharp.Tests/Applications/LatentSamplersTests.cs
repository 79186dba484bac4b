using VaeSharp.Applications;
using VaeSharp.Engine.Random;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Tests.Applications;

public sealed class LatentSamplersTests
{
    private static string RunWith(LatentVariableModel model)
    {
        string run = Path.Combine(Path.GetTempPath(), $"vaesharp-samplers-{Guid.NewGuid():N}");
        Directory.CreateDirectory(run);
        ModelIO.Save(model, Path.Combine(run, RunFolder.ModelFile));
        return run;
    }

    [Theory]
    [InlineData(SamplerKind.Gmm)]
    [InlineData(SamplerKind.Posterior)]
    public void Open_FitsOnce_ThenLoadsTheSameSampler(SamplerKind kind)
    {
        var model = new Vae(TestData.SmallVae(latent: 2));
        string run = RunWith(model);
        try
        {
            var data = TestData.TwoPrototypes(60);
            int loads = 0;
            var (first, fitted, file) = LatentSamplers.Open(run, model, kind, () => { loads++; return data; }, components: 2);
            Assert.True(fitted);
            Assert.True(File.Exists(file));
            var (second, fittedAgain, _) = LatentSamplers.Open(run, model, kind, () => { loads++; return data; }, components: 2);
            Assert.False(fittedAgain);
            Assert.Equal(1, loads);   // the data is read for the fit only
            Assert.Equal(first.Sample(new RandomGenerator(4), 50), second.Sample(new RandomGenerator(4), 50));
            Assert.Equal(kind, second.Kind);

            // A damaged file is fitted again.
            File.WriteAllBytes(file!, [0, 1]);
            Assert.True(LatentSamplers.Open(run, model, kind, () => data, components: 2).Fitted);

            // Another model in the same folder: the stored sampler no longer fits it and is refitted.
            ModelIO.Save(new Vae(TestData.SmallVae(latent: 2, seed: 99)), Path.Combine(run, RunFolder.ModelFile));
            Assert.True(LatentSamplers.Open(run, model, kind, () => data, components: 2).Fitted);
        }
        finally { Directory.Delete(run, recursive: true); }
    }

    [Fact]
    public void Posterior_DrawsAroundTheTrainingCodes()
    {
        // Two posteriors far apart with tiny variances: every draw lies near one of the two means.
        var sampler = new PosteriorSampler([-5f, 0f, 5f, 1f], [-10f, -10f, -10f, -10f], 2, 2);
        var z = sampler.Sample(new RandomGenerator(1), 200);
        for (int i = 0; i < 200; i++)
        {
            bool nearA = Math.Abs(z[2 * i] + 5) < 0.1 && Math.Abs(z[2 * i + 1]) < 0.1;
            bool nearB = Math.Abs(z[2 * i] - 5) < 0.1 && Math.Abs(z[2 * i + 1] - 1) < 0.1;
            Assert.True(nearA ^ nearB, $"draw {i} = ({z[2 * i]}, {z[2 * i + 1]})");
        }
        // By class: class 1 only ever draws the second posterior.
        var byClass = new PosteriorSampler([-5f, 0f, 5f, 1f], [-10f, -10f, -10f, -10f], 2, 2, labels: [0, 1], classCount: 2);
        var ones = byClass.Sample(new RandomGenerator(1), 20, Enumerable.Repeat(1, 20).ToArray());
        for (int i = 0; i < 20; i++) Assert.InRange(ones[2 * i], 4.9f, 5.1f);
        Assert.Throws<InvalidOperationException>(() => byClass.Sample(new RandomGenerator(1), 3));
    }

    [Fact]
    public void ConditionalModels_GetSamplersByClass()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2, latent: 2));
        string run = RunWith(model);
        try
        {
            var data = TestData.TwoPrototypes(60);
            foreach (var kind in new[] { SamplerKind.Gmm, SamplerKind.Posterior })
            {
                var (sampler, _, _) = LatentSamplers.Open(run, model, kind, () => data, components: 2);
                Assert.True(sampler.IsClassConditional);
                var (reloaded, fitted, _) = LatentSamplers.Open(run, model, kind, () => data, components: 2);
                Assert.False(fitted);
                int[] labels = [0, 1, 1, 0];
                Assert.Equal(sampler.Sample(new RandomGenerator(2), 4, labels), reloaded.Sample(new RandomGenerator(2), 4, labels));
                var images = Generation.Sample(model, 4, 3, reloaded, labels);
                Assert.Equal(4 * 16, images.Length);
            }
        }
        finally { Directory.Delete(run, recursive: true); }
    }

    [Fact]
    public void ThePriorSampler_GivesTheModelsOwnSamples()
    {
        var model = new Vae(TestData.SmallVae());
        Assert.Equal(Generation.Sample(model, 10, 5), Generation.Sample(model, 10, 5, new PriorSampler(model)));
        Assert.False(LatentSamplers.Open("unused", model, SamplerKind.Normal, () => throw new InvalidOperationException()).Fitted);
    }
}
