using VaeSharp.Data;
using VaeSharp.Engine;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models;

public class VaeTests
{
    private static VaeConfig Small(string likelihood = "bernoulli", float beta = 1f) =>
        new() { InputShape = [1, 4, 4], Hidden = [8], LatentDim = 3, Likelihood = likelihood, Beta = beta, Seed = 7 };

    private static Tensor Batch(int n, ulong seed = 3)
    {
        var x = Tensor.Uniform(new RandomGenerator(seed), 0f, 1f, n, 1, 4, 4);
        return x;
    }

    [Fact]
    public void StateDict_HasTheDocumentedNames()
    {
        var names = new Vae(new VaeConfig()).StateDict().Select(e => $"{e.Name}:{string.Join('x', e.Tensor.Shape.ToArray())}");
        Assert.Equal(["encoder.0.weight:400x784", "encoder.0.bias:400", "fc_mu.weight:20x400", "fc_mu.bias:20",
            "fc_logvar.weight:20x400", "fc_logvar.bias:20", "decoder.0.weight:400x20", "decoder.0.bias:400",
            "decoder.1.weight:784x400", "decoder.1.bias:784"], names);
    }

    [Theory]
    [InlineData("bernoulli", 1f)]
    [InlineData("gaussian", 4f)]
    [InlineData("gaussian-learned", 0.5f)]
    public void Loss_EqualsReconstructionPlusBetaKl_ComputedByHand(string likelihood, float beta)
    {
        var model = new Vae(Small(likelihood, beta));
        var x = Batch(5);
        model.Noise = new RandomGenerator(11);
        var loss = model.Loss(x);

        // The same computation spelled out: encode, draw ε from the same stream, decode, sum the terms.
        model.Noise = new RandomGenerator(11);
        var (mu, logVar) = model.Encode(x);
        var eps = Tensor.RandnLike(model.Noise, mu);
        double recon = 0, kl = 0;
        var z = new float[mu.Size];
        for (int i = 0; i < z.Length; i++) z[i] = mu.Data[i] + MathF.Exp(0.5f * logVar.Data[i]) * eps.Data[i];
        var output = model.Decode(Tensor.FromArray(z, 5, 3)).Data;
        double logVarX = likelihood == "bernoulli" ? 0 : 2 * Math.Log(0.1);
        for (int i = 0; i < output.Length; i++)
        {
            double o = output[i], t = x.Data[i];
            recon += likelihood == "bernoulli"
                ? Math.Max(o, 0) - o * t + Math.Log(1 + Math.Exp(-Math.Abs(o)))
                : 0.5 * (Math.Log(2 * Math.PI) + logVarX + (t - o) * (t - o) / Math.Exp(logVarX));
        }
        for (int i = 0; i < mu.Size; i++) kl += -0.5 * (1 + logVar.Data[i] - mu.Data[i] * mu.Data[i] - Math.Exp(logVar.Data[i]));
        recon /= 5; kl /= 5;
        Assert.Equal(recon, loss.Reconstruction.Item(), 2);
        Assert.Equal(kl, loss.Kl.Item(), 4);
        Assert.Equal(recon + beta * kl, loss.Total.Item(), 2);
    }

    [Fact]
    public void LossGradient_WithRespectToInput_MatchesFiniteDifferences()
    {
        var model = new Vae(Small());
        // Fixed noise inside f, so the loss is a deterministic function of x.
        Tensor F(Tensor x) { model.Noise = new RandomGenerator(5); return model.Loss(x).Total; }
        InputGradCheck.Assert(F, Batch(2), stride: 3);
    }

    [Fact]
    public void Sample_HasTheExampleShape_AndValuesInUnitInterval()
    {
        var s = new Vae(Small()).Sample(6);
        Assert.Equal([6, 1, 4, 4], s.Shape.ToArray());
        Assert.All(s.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    private static ByteImageDataset Synthetic(int n)
    {
        // Two prototype images plus noise: easy to learn, so the loss must fall.
        var rng = new RandomGenerator(2);
        var bytes = new byte[n * 16];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 16; j++)
            {
                bool on = i % 2 == 0 ? j % 4 < 2 : j >= 8;
                bytes[i * 16 + j] = (byte)Math.Clamp((on ? 220 : 30) + rng.NextNormal() * 20, 0, 255);
            }
        return new ByteImageDataset("synthetic", bytes, n, [1, 4, 4]);
    }

    [Fact]
    public void Training_LowersTheLoss()
    {
        var data = Synthetic(512);
        var model = new Vae(Small());
        var trainer = new Trainer(model, new TrainingOptions { BatchSize = 32, LearningRate = 1e-2f });
        var first = trainer.TrainEpoch(1, data, data);
        EpochMetrics last = first;
        for (int e = 2; e <= 5; e++) last = trainer.TrainEpoch(e, data, data);
        Assert.True(last.TestLoss < first.TestLoss - 0.5, $"test loss {first.TestLoss} → {last.TestLoss}");
    }

    [Fact]
    public void Training_IsBitIdentical_ForOneAndTwoThreads()
    {
        double Run(int threads)
        {
            int saved = EngineSettings.Threads;
            EngineSettings.Threads = threads;
            try
            {
                var model = new Vae(Small() with { Hidden = [64] });
                var trainer = new Trainer(model, new TrainingOptions { BatchSize = 64, Binarize = "dynamic" });
                var data = Synthetic(256);
                trainer.TrainEpoch(1, data, null);
                return trainer.TrainEpoch(2, data, data).TestLoss;
            }
            finally { EngineSettings.Threads = saved; }
        }
        Assert.Equal(Run(1), Run(2));
        Assert.Equal(Run(2), Run(2));
    }
}
