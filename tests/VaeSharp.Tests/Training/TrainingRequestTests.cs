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
    public void Preset_SetsDefaults_AndTheRequestsOwnValuesWin()
    {
        var (config, options) = new TrainingRequest { LatentDim = 3 }.Resolve(Data, "synthetic", TrainingPreset.IwaeMnist);
        Assert.Equal([200, 200], config.Model.Network.Hidden);
        Assert.Equal(HiddenActivation.Tanh, config.Model.Network.Activation);
        Assert.Equal(3, config.Model.LatentDim);
        Assert.Equal((Binarization.Dynamic, LrScheduleKind.Iwae, 1e-4f), (config.Training.Binarize, config.Training.LrSchedule, config.Training.AdamEpsilon));
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
