using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models;

public class ConditionalAndConvTests
{
    private static readonly NetworkConfig TinyConv = new() { Body = NetworkBody.Conv, Channels = [2, 3], Hidden = [4] };

    [Fact]
    public void ConvVae_LossGradient_MatchesFiniteDifferences()
    {
        var model = new Vae(new VaeConfig { InputShape = [1, 8, 8], Network = TinyConv, LatentDim = 2, Seed = 5 });
        Tensor F(Tensor x) => model.Loss(new(x), LossContext.Plain(new RandomGenerator(2))).Total;
        var x = Tensor.Uniform(new RandomGenerator(1), 0f, 1f, 2, 1, 8, 8);
        InputGradCheck.Assert(F, x, stride: 7);
        // And the parameters: each conv weight gets a gradient of its own shape.
        foreach (var (name, p) in model.NamedParameters())
            Assert.True(p.Grad is not null && p.Grad.Shape.SequenceEqual(p.Shape), name);
    }

    [Fact]
    public void ConditionalConvVae_LossGradient_MatchesFiniteDifferences()
    {
        var model = new ConditionalVae(new ConditionalVaeConfig { InputShape = [1, 8, 8], Network = TinyConv, LatentDim = 2, ClassCount = 3, Seed = 5 });
        Tensor F(Tensor x) => model.Loss(new(x, [2, 0]), LossContext.Plain(new RandomGenerator(2))).Total;
        InputGradCheck.Assert(F, Tensor.Uniform(new RandomGenerator(1), 0f, 1f, 2, 1, 8, 8), stride: 7);
        Assert.Equal(3 * 2 * 2 + 3, model.StateDict().First(e => e.Name == "encoder.0.weight").Tensor.Shape[1]);   // conv features + one-hot
        Assert.Equal(2 + 3, model.StateDict().First(e => e.Name == "decoder.0.weight").Tensor.Shape[1]);
    }

    [Fact]
    public void ConvVae_For64x64Inputs_HasMirroredShapes()
    {
        var model = new Vae(new VaeConfig
        {
            InputShape = [3, 64, 64], LatentDim = 4,
            Network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [8, 16, 16], Hidden = [32], BatchNorm = true },
        });
        var x = Tensor.Uniform(new RandomGenerator(1), 0f, 1f, 2, 3, 64, 64);
        var mu = model.Encode(new(x)).Mean;
        Assert.Equal([2, 4], mu.Shape.ToArray());
        Assert.Equal([2, 3, 64, 64], model.Decode(mu).Shape.ToArray());
        Assert.Contains(model.StateDict(), e => e.Name == "encoder_conv.1.running_mean");
    }

    [Fact]
    public void ConditionalVae_RejectsMissingOrOutOfRangeLabels()
    {
        var model = new ConditionalVae(TestData.SmallCvae());
        var x = Tensor.Zeros(2, 1, 4, 4);
        var context = LossContext.Plain(new RandomGenerator(1));
        Assert.Contains("label", Assert.Throws<ArgumentException>(() => model.Loss(new(x), context)).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => model.Loss(new(x, [0, 3]), context)).Message);
        Assert.Contains("2 labels for 3", Assert.Throws<ArgumentException>(() => model.Decode(Tensor.Zeros(3, 2), [0, 1])).Message);
        Assert.Equal([2, 1, 4, 4], model.Generate(2, new RandomGenerator(1), [1, 2]).Shape.ToArray());
        Assert.Contains("class_count", Assert.Throws<ArgumentException>(() => new ConditionalVae(TestData.SmallCvae() with { ClassCount = 0 })).Message);
    }

    [Fact]
    public void ConditionalVae_OnMnist_DrawsTheRequestedDigit()
    {
        // Train a conditional MLP VAE (z = 2, so the label must carry the class) briefly on real MNIST, draw 20 samples
        // per class, and classify them with a softmax regression trained here on the same images (≈ 90 % accurate on
        // real digits). Unconditional samples would score ≈ 10 %; require ≥ 80 %.
        var (train, test) = DatasetCatalog.Load("mnist");
        train = train.Take(12_000);
        var model = new ConditionalVae(new ConditionalVaeConfig { LatentDim = 2, ClassCount = 10, Seed = 3 });
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 3, BatchSize = 128 });
        for (int e = 1; e <= 3; e++) trainer.TrainEpoch(e, train, null);

        var classifier = DigitJudge.Train(train);
        double classifierAccuracy = DigitJudge.Accuracy(classifier, test);
        Assert.True(classifierAccuracy >= 0.85, $"the judge itself is only {classifierAccuracy:P0} accurate on real test digits");
        var (samples, labels) = Generation.SampleByLabel(model, 20, seed: 5);
        double rate = DigitJudge.Rate(classifier, Tensor.FromArray(samples, labels.Length, 784), labels);
        Assert.True(rate >= 0.8, $"only {rate:P0} of the conditional samples are nearest to their class mean");
    }
}
