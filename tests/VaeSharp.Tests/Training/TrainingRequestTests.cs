using VaeSharp.Data;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Objectives;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

public class TrainingRequestTests
{
    private static readonly ByteImageDataset Data = TestData.TwoPrototypes(1000);

    [Fact]
    public void EmptyRequest_GivesThePyTorchExamplesDefaults()
    {
        var (config, options) = new TrainingRequest().Resolve(Data, "synthetic");
        var model = Assert.IsType<VaeConfig>(config.Model);
        Assert.Equal([400], model.Network.Hidden);
        Assert.Equal(20, model.LatentDim);
        Assert.Equal(1f, model.Beta);
        Assert.Equal((10, 128, 1e-3f, 1e-8f), (config.Training.Epochs, config.Training.BatchSize, config.Training.LearningRate, config.Training.AdamEpsilon));
        Assert.Equal(8, config.Training.Objective.KlWarmupSteps);   // one epoch of 1000 / 128 steps
        Assert.False(options.LatentPictures);
        Assert.Null(config.Preset);
    }

    [Fact]
    public void KlWarmupFraction_ResolvesToThatPartOfTheRunsSteps_AndExplicitStepsWin()
    {
        int stepsPerEpoch = (Data.Count + 15) / 16;
        KlWarmupOf(new TrainingRequest { Epochs = 10, BatchSize = 16, KlSchedule = KlScheduleKind.Linear, KlWarmupFraction = 0.25 }, (int)Math.Round(0.25 * 10 * stepsPerEpoch));
        KlWarmupOf(new TrainingRequest { Epochs = 10, BatchSize = 16, KlSchedule = KlScheduleKind.Linear, KlWarmupFraction = 0.25, KlWarmupSteps = 7 }, 7);
        KlWarmupOf(new TrainingRequest { Epochs = 10, BatchSize = 16, KlSchedule = KlScheduleKind.Linear }, stepsPerEpoch);            // the default: one epoch
        KlWarmupOf(new TrainingRequest { Epochs = 1, BatchSize = 16, KlSchedule = KlScheduleKind.Linear, KlWarmupFraction = 1e-9 }, 1);  // at least one step
        foreach (double bad in new[] { 0, -0.5, 1.5, double.NaN })
        {
            var e = Assert.Throws<ArgumentException>(() => new TrainingRequest { KlSchedule = KlScheduleKind.Linear, KlWarmupFraction = bad }.Resolve(Data, "synthetic"));
            Assert.Contains("kl_warmup_fraction", e.Message);
        }
        // A preset's fraction scales with the run's epochs; the request's own steps or fraction win over a preset's steps.
        var preset = new TrainingPreset("p", "test", new TrainingRequest { KlSchedule = KlScheduleKind.Linear, KlWarmupFraction = 0.5, BatchSize = 16 });
        Assert.Equal(stepsPerEpoch * 2, new TrainingRequest { Epochs = 4 }.Resolve(Data, "synthetic", preset).Config.Training.Objective.KlWarmupSteps);
        Assert.Equal(stepsPerEpoch * 4, new TrainingRequest { Epochs = 8 }.Resolve(Data, "synthetic", preset).Config.Training.Objective.KlWarmupSteps);
        Assert.Equal(3, new TrainingRequest { Epochs = 8, KlWarmupSteps = 3 }.Resolve(Data, "synthetic", preset).Config.Training.Objective.KlWarmupSteps);
        var stepsPreset = new TrainingPreset("s", "test", new TrainingRequest { KlSchedule = KlScheduleKind.Linear, KlWarmupSteps = 1000, BatchSize = 16 });
        Assert.Equal(stepsPerEpoch, new TrainingRequest { Epochs = 4, KlWarmupFraction = 0.25 }.Resolve(Data, "synthetic", stepsPreset).Config.Training.Objective.KlWarmupSteps);
    }

    private static void KlWarmupOf(TrainingRequest request, int expected) =>
        Assert.Equal(expected, request.Resolve(Data, "synthetic").Config.Training.Objective.KlWarmupSteps);

    [Fact]
    public void Preset_SetsDefaults_AndTheRequestsOwnValuesWin()
    {
        var (config, options) = new TrainingRequest { LatentDim = 3 }.Resolve(Data, "synthetic", TrainingPreset.IwaeMnist);
        Assert.Equal([200, 200], config.Model.Network.Hidden);
        Assert.Equal(HiddenActivation.Tanh, config.Model.Network.Activation);
        Assert.Equal(3, config.Model.LatentDim);
        Assert.Equal((Binarization.Dynamic, LrScheduleKind.Cosine, 1e-4f), (config.Training.Binarize, config.Training.LrSchedule, config.Training.AdamEpsilon));
        // The 60-minute study's schedule: batch 20, 1,900 epochs, KL warm-up over the first 10 % of the steps.
        Assert.Equal((20, 1900, KlScheduleKind.Linear), (config.Training.BatchSize, config.Training.Epochs, config.Training.Objective.KlSchedule));
        Assert.Equal((int)Math.Round(0.1 * 1900 * 50), config.Training.Objective.KlWarmupSteps);   // 1,000 examples at batch 20: 50 steps an epoch
        Assert.Equal("iwae-mnist", config.Preset);

        var (keras, kerasOptions) = new TrainingRequest { Activation = HiddenActivation.Relu }.Resolve(new ByteImageDataset("img", new byte[2 * 64], 2, [1, 8, 8]), "img", TrainingPreset.Keras2D);
        Assert.Equal((NetworkBody.Conv, 2, HiddenActivation.Relu), (keras.Model.Network.Body, keras.Model.LatentDim, keras.Model.Network.Activation));
        Assert.True(kerasOptions.LatentPictures);
        Assert.Same(TrainingPreset.Keras2D, TrainingPreset.Find("keras-2d"));
        Assert.Contains("keras-2d, iwae-mnist", Assert.Throws<ArgumentException>(() => TrainingPreset.Find("nope")).Message);
    }

    [Fact]
    public void ConvBody_DefaultsToA256WideDenseLayer_AndConditionalChoosesTheCvae()
    {
        var images = new ByteImageDataset("img", new byte[4 * 64], 4, [1, 8, 8], [0, 1, 2, 1], 3);
        var (config, _) = new TrainingRequest { Body = NetworkBody.Conv, Conditional = true }.Resolve(images, "img");
        var cvae = Assert.IsType<ConditionalVaeConfig>(config.Model);
        Assert.Equal([256], cvae.Network.Hidden);
        Assert.Equal(3, cvae.ClassCount);
        Assert.IsType<ConditionalVae>(ModelFamilies.Create(cvae));
    }

    [Fact]
    public void BadValues_NameTheField()
    {
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() => new TrainingRequest { Family = "cvae" }.Resolve(TestData.Noise(10), "noise")).Message);
        Assert.Contains("family 'vq'", Assert.Throws<ArgumentException>(() => new TrainingRequest { Family = "vq" }.Resolve(Data, "d")).Message);
        Assert.Contains("kl_ratio", Assert.Throws<ArgumentException>(() => new TrainingRequest { KlRatio = 2f }.Resolve(Data, "d")).Message);
        Assert.Contains("KL controls", Assert.Throws<ArgumentException>(() =>
            new TrainingRequest { Objective = ObjectiveKind.Iwae, FreeBits = 1f }.Resolve(Data, "d")).Message);
        Assert.Contains("max_minutes", Assert.Throws<ArgumentException>(() => new TrainingRequest { MaxMinutes = 0 }.Resolve(Data, "d")).Message);
    }
}
