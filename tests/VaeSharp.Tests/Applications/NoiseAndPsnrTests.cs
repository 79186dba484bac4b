using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Objectives;
using VaeSharp.Training;

namespace VaeSharp.Tests.Applications;

public sealed class NoiseAndPsnrTests
{
    [Fact]
    public void Psnr_Is10Log10OfOneOverTheMse()
    {
        // MSE = (0.1² + 0.1² + 0 + 0) / 4 = 0.005 → 10·log10(200) = 23.0103 dB.
        Assert.Equal(10 * Math.Log10(200), ImageQuality.Psnr([0f, 0.5f, 1f, 0.25f], [0.1f, 0.4f, 1f, 0.25f]), 4);
        Assert.Equal(20, ImageQuality.Psnr([0f, 0f], [0.1f, 0.1f]), 4);                 // MSE 0.01
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr([0.3f], [0.3f]));
        // The mean over images is of each image's PSNR.
        // Image 1: MSE 0.01 → 20 dB; image 2: MSE 0.01 / 3 → 10·log10(300) dB.
        Assert.Equal((20 + 10 * Math.Log10(300)) / 2, ImageQuality.MeanPsnr([0f, 0f, 0f, 0.5f, 1f, 0.25f], [0.1f, 0.1f, 0.1f, 0.4f, 1f, 0.25f], 2), 4);
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr([0f], [0f, 1f]));
    }

    [Fact]
    public void Noise_CorruptsAsNamed_AndStaysInTheUnitInterval()
    {
        var rng = new RandomGenerator(2);
        var grey = Enumerable.Repeat(0.5f, 20_000).ToArray();
        var sp = (float[])grey.Clone();
        NoiseSpec.Parse("salt-pepper:0.2").Apply(sp, rng);
        Assert.InRange(sp.Count(v => v == 0f), 1800, 2200);
        Assert.InRange(sp.Count(v => v == 1f), 1800, 2200);
        var mask = (float[])grey.Clone();
        NoiseSpec.Parse("mask:0.5").Apply(mask, rng);
        Assert.InRange(mask.Count(v => v == 0f), 9700, 10_300);
        Assert.All(mask, v => Assert.True(v is 0f or 0.5f));
        var g = (float[])grey.Clone();
        NoiseSpec.Parse("gaussian:0.1").Apply(g, rng);
        double sd = Math.Sqrt(g.Average(v => (v - 0.5) * (v - 0.5)));
        Assert.InRange(sd, 0.095, 0.105);
        var black = new float[1000];
        NoiseSpec.Parse("gaussian:1").Apply(black, rng);
        Assert.All(black, v => Assert.InRange(v, 0f, 1f));
        foreach (var bad in new[] { "gaussian:0", "salt-pepper:1", "mask", "blur:0.1", "mask:x" })
            Assert.Contains("expected gaussian:SIGMA", Assert.Throws<ArgumentException>(() => NoiseSpec.Parse(bad)).Message);
    }

    [Fact]
    public void Elbo_ScoresTheTarget_WhenTheBatchHasOne()
    {
        var model = new Vae(TestData.SmallVae());
        var clean = TestData.Uniform(6, seed: 1).X;
        var noisy = TestData.Uniform(6, seed: 2).X;
        using var _ = GradMode.NoGrad();
        var withTarget = Elbo.Compute(model, new Batch(noisy, Target: clean), LossContext.Plain(new RandomGenerator(3)), beta: 1f);
        // The same posterior sample, decoded and scored against the clean values by hand.
        var q = model.Encode(new Batch(noisy));
        var z = q.Sample(new RandomGenerator(3));
        double recon = model.Likelihood.NegLogLikelihood(model.Decode(z), clean).Data.ToArray().Average();
        Assert.Equal(recon, withTarget.Terms[0].Value.Item(), 3);
        var plain = Elbo.Compute(model, new Batch(noisy), LossContext.Plain(new RandomGenerator(3)), beta: 1f);
        Assert.NotEqual(plain.Terms[0].Value.Item(), withTarget.Terms[0].Value.Item());
    }

    [Fact]
    public void TrainNoise_IsDeterministic_AndChangesTraining()
    {
        var data = TestData.TwoPrototypes(64);
        float[] Train(string? noise)
        {
            var model = new Vae(TestData.SmallVae());
            var trainer = new Trainer(model, new TrainingOptions { Epochs = 2, BatchSize = 16, TrainNoise = noise });
            for (int e = 1; e <= 2; e++) trainer.TrainEpoch(e, data, null);
            return model.NamedParameters().SelectMany(p => p.Tensor.Data.ToArray()).ToArray();
        }
        Assert.Equal(Train("gaussian:0.2"), Train("gaussian:0.2"));
        Assert.NotEqual(Train(null), Train("gaussian:0.2"));
        Assert.Contains("train_noise 'x'", Assert.Throws<ArgumentException>(() => new TrainingOptions { TrainNoise = "x" }.Validate()).Message);
    }

    [Fact]
    public void TrainNoise_ResumedMidEpoch_CorruptsAsTheUninterruptedRun()
    {
        // The corruption of step t is drawn from the corruption stream forked by t, so it needs no state of its own.
        var data = TestData.TwoPrototypes(128);
        var options = new TrainingOptions { BatchSize = 32, Epochs = 2, TrainNoise = "salt-pepper:0.2" };
        var straight = new Trainer(new Vae(TestData.SmallVae()), options);
        for (int e = 1; e <= 2; e++) straight.TrainEpoch(e, data, null);

        var first = new Trainer(new Vae(TestData.SmallVae()), options);
        int steps = 0;
        Assert.Null(first.ContinueEpoch(1, data, null, stop: () => ++steps >= 3));
        var model = new Vae(TestData.SmallVae(seed: 99));
        foreach (var ((_, to), (_, from)) in model.StateDict().Zip(first.Model.StateDict())) from.Data.CopyTo(to.Data);
        var second = new Trainer(model, options);
        second.Optimizer.LoadState(first.Optimizer.StateDict());
        second.RestoreState(first.CaptureState(), data);
        for (int e = 1; e <= 2; e++) second.TrainEpoch(e, data, null);
        Assert.Equal(straight.Model.StateDict().SelectMany(p => p.Tensor.ToArray()), second.Model.StateDict().SelectMany(p => p.Tensor.ToArray()));
    }
}
