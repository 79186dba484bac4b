using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models;

public class ConditionalAndConvTests
{
    [Fact]
    public void ConvVae_LossGradient_MatchesFiniteDifferences()
    {
        var model = new Vae(new VaeConfig { Architecture = "conv", InputShape = [1, 8, 8], Channels = [2, 3], Hidden = [4], LatentDim = 2, Seed = 5 });
        Tensor F(Tensor x) { model.Noise = new RandomGenerator(2); return model.Loss(x).Total; }
        var x = Tensor.Uniform(new RandomGenerator(1), 0f, 1f, 2, 1, 8, 8);
        InputGradCheck.Assert(F, x, stride: 7);
        // And the parameters: each conv weight gets a gradient of its own shape.
        foreach (var (name, p) in model.NamedParameters())
            Assert.True(p.Grad is not null && p.Grad.Shape.SequenceEqual(p.Shape), name);
    }

    [Fact]
    public void ConvVae_For64x64Inputs_HasMirroredShapes()
    {
        var model = new Vae(new VaeConfig { Architecture = "conv", InputShape = [3, 64, 64], Channels = [8, 16, 16], Hidden = [32], LatentDim = 4, BatchNorm = true });
        var x = Tensor.Uniform(new RandomGenerator(1), 0f, 1f, 2, 3, 64, 64);
        var (mu, _) = model.Encode(x);
        Assert.Equal([2, 4], mu.Shape.ToArray());
        Assert.Equal([2, 3, 64, 64], model.Decode(mu).Shape.ToArray());
        Assert.Contains(model.StateDict(), e => e.Name == "encoder_conv.1.running_mean");
    }

    [Fact]
    public void ConditionalVae_RejectsMissingOrOutOfRangeLabels()
    {
        var model = new Vae(new VaeConfig { InputShape = [1, 4, 4], Hidden = [8], LatentDim = 2, ClassCount = 3 });
        var x = Tensor.Zeros(2, 1, 4, 4);
        Assert.Contains("label", Assert.Throws<ArgumentException>(() => model.Loss(x)).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => model.Loss(x, [0, 3])).Message);
        Assert.Equal([2, 1, 4, 4], model.Sample(2, [1, 2]).Shape.ToArray());
    }

    [Fact]
    public void ConditionalVae_OnMnist_DrawsTheRequestedDigit()
    {
        // Train a conditional MLP VAE (z = 2, so the label must carry the class) briefly on real MNIST, draw 20 samples
        // per class, and classify them with a softmax regression trained here on the same images (≈ 90 % accurate on
        // real digits). Unconditional samples would score ≈ 10 %; require ≥ 80 %.
        var (train, test) = DatasetCatalog.Load("mnist");
        train = train.Take(12_000);
        var model = new Vae(new VaeConfig { Hidden = [400], LatentDim = 2, ClassCount = 10, Seed = 3 });
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 3, BatchSize = 128 });
        for (int e = 1; e <= 3; e++) trainer.TrainEpoch(e, train, null);

        var classifier = TrainDigitClassifier(train);
        var testX = Tensor.Zeros(1000, 784);
        test.CopyExamples(Enumerable.Range(0, 1000).ToArray(), testX.Data);
        int[] testPredicted;
        using (GradMode.NoGrad()) testPredicted = Ops.Argmax(classifier.Forward(testX), 1);
        double classifierAccuracy = testPredicted.Where((c, i) => test.Label(i) == c).Count() / 1000.0;
        Assert.True(classifierAccuracy >= 0.85, $"the judge itself is only {classifierAccuracy:P0} accurate on real test digits");
        var (samples, labels) = Generation.SampleByLabel(model, 20, seed: 5);
        int[] predicted;
        using (GradMode.NoGrad()) predicted = Ops.Argmax(classifier.Forward(Tensor.FromArray(samples, labels.Length, 784)), 1);
        int correct = labels.Where((c, i) => predicted[i] == c).Count();
        double rate = correct / (double)labels.Length;
        Assert.True(rate >= 0.8, $"only {rate:P0} of the conditional samples are nearest to their class mean");
    }

    // Multinomial logistic regression on pixels: Linear(784, 10) + log-softmax, Adam, 3 epochs.
    private static Engine.Nn.Linear TrainDigitClassifier(ByteImageDataset train)
    {
        var layer = new Engine.Nn.Linear(784, 10, new RandomGenerator(1));
        var adam = new Engine.Optim.Adam(layer.Parameters(), 1e-2f);
        var order = Enumerable.Range(0, train.Count).ToArray();
        for (int epoch = 0; epoch < 3; epoch++)
            for (int start = 0; start + 100 <= train.Count; start += 100)
            {
                var ids = order.AsSpan(start, 100);
                var x = Tensor.Zeros(100, 784);
                train.CopyExamples(ids, x.Data);
                var target = new int[100];
                for (int i = 0; i < 100; i++) target[i] = train.Label(ids[i]);
                var logp = Ops.LogSoftmax(layer.Forward(x), 1);
                var loss = -Ops.Mean(Ops.Gather(logp, 1, target, [100, 1]));
                adam.ZeroGrad();
                loss.Backward();
                adam.Step();
            }
        return layer;
    }
}
