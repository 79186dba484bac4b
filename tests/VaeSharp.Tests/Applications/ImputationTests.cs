using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Training;

namespace VaeSharp.Tests.Applications;

public sealed class ImputationTests
{
    private static Batch Masked(IDataset data, int n, MaskSpec spec, ulong seed = 1)
    {
        var batch = BatchLoader.Load(data, [.. Enumerable.Range(0, n)]);
        var rng = new RandomGenerator(seed);
        int size = batch.X.Size / n;
        var mask = new float[batch.X.Size];
        for (int i = 0; i < n; i++) spec.Build(data.ExampleShape, rng).CopyTo(mask, i * size);
        return batch with { Mask = Tensor.FromArray(mask, batch.X.Shape.ToArray()) };
    }

    [Fact]
    public void EveryMethod_LeavesTheObservedValuesBitIdentical()
    {
        var data = TestData.TwoPrototypes(40);
        var model = new Vae(TestData.SmallVae());
        var batch = Masked(data, 40, MaskSpec.Parse("random:0.4"));
        var mean = Imputation.MeanOf(data);
        var pool = new float[40 * 16];
        data.CopyExamples([.. Enumerable.Range(0, 40)], pool);
        foreach (var method in Enum.GetValues<ImputationMethod>())
        {
            var result = Imputation.Impute(model, batch, method, mean, new RandomGenerator(5), iterations: 4, draws: 2, knnPool: (pool, 40, 3));
            var x = batch.X.Data;
            var m = batch.Mask!.Data;
            int filled = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (m[i] != 0f) Assert.Equal(BitConverter.SingleToInt32Bits(x[i]), BitConverter.SingleToInt32Bits(result[i]));
                else if (result[i] != x[i]) filled++;
                Assert.True(float.IsFinite(result[i]));
            }
            Assert.True(filled > 0, $"{method} changed no missing value");
        }
    }

    [Fact]
    public void OnMnistHalves_TheModelBeatsMeanImputation()
    {
        // A small MLP VAE trained for a few seconds on 6000 MNIST images; the bottom halves of 120 test digits hidden.
        var (train, test) = DatasetCatalog.Load("mnist");
        var trainSet = train.Take(6000);
        var model = new Vae(new VaeConfig { Network = new NetworkConfig { Hidden = [200] }, LatentDim = 10, Seed = 2 });
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 4, BatchSize = 100, LearningRate = 2e-3f });
        for (int e = 1; e <= 4; e++) trainer.TrainEpoch(e, trainSet, null);
        var batch = Masked(test, 120, MaskSpec.Parse("bottom-half"));
        var mean = Imputation.MeanOf(trainSet);
        (double Rmse, double Mae) Error(ImputationMethod method, int draws)
        {
            var r = Imputation.Impute(model, batch, method, mean, new RandomGenerator(9), iterations: 10, draws: draws);
            double se = 0, ae = 0;
            int hidden = 0;
            for (int i = 0; i < r.Length; i++)
                if (batch.Mask!.Data[i] == 0f) { double e = r[i] - batch.X.Data[i]; se += e * e; ae += Math.Abs(e); hidden++; }
            return (Math.Sqrt(se / hidden), ae / hidden);
        }
        var baseline = Error(ImputationMethod.Mean, 1);
        foreach (var method in new[] { ImputationMethod.OnePass, ImputationMethod.PseudoGibbs, ImputationMethod.MetropolisGibbs })
        {
            double mae = Error(method, 1).Mae;
            Assert.True(mae < 0.9 * baseline.Mae, $"{method}: MAE {mae} vs the mean's {baseline.Mae}");
        }
        var mwg = Error(ImputationMethod.MetropolisGibbs, 5);
        Assert.True(mwg.Rmse < baseline.Rmse, $"Metropolis-within-Gibbs, 5 draws: RMSE {mwg.Rmse} vs the mean's {baseline.Rmse}");
    }

    [Fact]
    public void LogObserved_WithEverythingObserved_IsTheLikelihood()
    {
        var rng = new RandomGenerator(4);
        var x = Tensor.Uniform(rng, 0f, 1f, 3, 1, 4, 4);
        var output = Tensor.Normal(rng, 0f, 1f, 3, 1, 4, 4);
        var all = Tensor.Ones(3, 1, 4, 4);
        foreach (var likelihood in new[] { LikelihoodKind.Bernoulli, LikelihoodKind.Gaussian })
        {
            var model = new Vae(TestData.SmallVae() with { Likelihood = likelihood, GaussianStd = 0.3f });
            using var _ = GradMode.NoGrad();
            var expected = model.Likelihood.NegLogLikelihood(output, x).Data.ToArray();
            var got = Imputation.LogObserved(model, output, x, all).Data.ToArray();
            for (int i = 0; i < 3; i++) Assert.Equal(-expected[i], got[i], 3);
            // Hiding values removes exactly their terms.
            var half = Tensor.FromArray([.. Enumerable.Range(0, 48).Select(i => i % 16 < 8 ? 1f : 0f)], 3, 1, 4, 4);
            var some = Imputation.LogObserved(model, output, x, half).Data.ToArray();
            for (int i = 0; i < 3; i++) Assert.True(some[i] > got[i] || likelihood == LikelihoodKind.Gaussian);
        }
    }

    [Fact]
    public void MaskSpec_BuildsTheNamedMasks_AndRefusesOthers()
    {
        var rng = new RandomGenerator(1);
        var bottom = MaskSpec.Parse("bottom-half").Build([1, 4, 4], rng);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], bottom);
        var rect = MaskSpec.Parse("rect:1,2,2,1").Build([2, 4, 4], rng);
        Assert.Equal(2 * 14, rect.Count(v => v == 1f));
        Assert.Equal(0f, rect[2 * 4 + 1]);
        Assert.Equal(0f, rect[16 + 2 * 4 + 2]);
        var random = MaskSpec.Parse("random:0.25").Build([1, 100, 100], rng);
        Assert.InRange(random.Count(v => v == 0f), 2300, 2700);
        string file = Path.Combine(Directory.CreateTempSubdirectory("vaesharp-mask-").FullName, "mask.png");
        var image = new Image8(4, 4, 1);
        image.Pixels[5] = 255;
        ImageCodec.WritePng(file, image);
        var fromFile = MaskSpec.Parse(file).Build([1, 4, 4], rng);
        Assert.Equal(15, fromFile.Count(v => v == 1f));
        Assert.Equal(0f, fromFile[5]);
        Assert.Contains("the mask is 4×4; the images are 28×28", Assert.Throws<ArgumentException>(() => MaskSpec.Parse(file).Build([1, 28, 28], rng)).Message);
        foreach (var bad in new[] { "random:1.5", "rect:1,2,3", "rect:0,0,0,2", "nonsense-file.png" })
            Assert.Contains("expected random:P", Assert.Throws<ArgumentException>(() => MaskSpec.Parse(bad)).Message);
        Assert.Contains("leaves the 4×4 image", Assert.Throws<ArgumentException>(() => MaskSpec.Parse("rect:3,3,2,2").Build([1, 4, 4], rng)).Message);
    }
}
