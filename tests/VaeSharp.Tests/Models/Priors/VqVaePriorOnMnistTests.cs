using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Models.Priors;
using VaeSharp.Networks;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models.Priors;

public class VqVaePriorOnMnistTests
{
    [Fact]
    [Trait("Category", "Slow")]   // about a minute on the shared 2-core host; .ci/run runs it like every other test
    public void ConditionalPrior_OfAVqVaeOnMnist_DrawsTheRequestedDigit()
    {
        // The two stages in small: a VQ-VAE (7 × 7 grid of K = 32 codes) trained 2 epochs on 12,000 MNIST digits, then a
        // class-conditional gated PixelCNN on their code grids, 3 epochs. 20 samples per class (temperature 1, through
        // the model's Generate, as vae sample draws them) are classified by a softmax regression trained here on the same
        // digits (the judge of ConditionalVae_OnMnist_DrawsTheRequestedDigit, ≈ 89 % on real test digits).
        // Unconditional samples would score ≈ 10 %. This budget gives ≈ 68 % (its reconstructions of real digits score
        // ≈ 85 %); the 80 % needs a longer-trained prior: docs/vqvae.md measures the vqvae-mnist run's. Require ≥ 50 %.
        var (train, test) = DatasetCatalog.Load("mnist");
        train = train.Take(12_000);
        var model = new VqVae(new VqVaeConfig
        {
            InputShape = [1, 28, 28], LatentDim = 8, CodebookSize = 32, ResidualBlocks = 1, ResidualChannels = 16, Seed = 3,
            Network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [16, 32], KernelSize = 4, Hidden = [] },
        });
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 2, BatchSize = 128 });
        for (int e = 1; e <= 2; e++) trainer.TrainEpoch(e, train, null);

        var grids = CodeGridEncoding.Encode(model, train, withLabels: true);
        var prior = new GatedPixelCnn(new GatedPixelCnnConfig { CodebookSize = 32, Height = 7, Width = 7, ClassCount = 10, Channels = 32, Layers = 4, FirstKernel = 5, Seed = 2 });
        var priorTrainer = new PriorTrainer(prior, new PriorTrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 3e-3f });
        var first = priorTrainer.TrainEpoch(grids);
        var last = first;
        for (int e = 2; e <= 3; e++) last = priorTrainer.TrainEpoch(grids);
        Assert.True(last.TrainNll < first.TrainNll, $"the prior's NLL did not fall: {first.TrainNll:F2} → {last.TrainNll:F2} nats per grid");
        model.CodePrior = prior;

        var classifier = DigitJudge.Train(train);
        double classifierAccuracy = DigitJudge.Accuracy(classifier, test);
        Assert.True(classifierAccuracy >= 0.85, $"the judge itself is only {classifierAccuracy:P0} accurate on real test digits");
        var (samples, labels) = Generation.SampleByLabel(model, 20, seed: 5);
        double rate = DigitJudge.Rate(classifier, Tensor.FromArray(samples, labels.Length, 784), labels);
        Assert.True(rate >= 0.5, $"only {rate:P0} of the label-conditioned samples are classified as their label");
    }
}
