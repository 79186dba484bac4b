using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Objectives;

namespace VaeSharp.Tests.Objectives;

public class ObjectiveTests
{
    private static Vae Model(int latent = 3, ulong seed = 7) =>
        new(new VaeConfig { InputShape = [1, 4, 4], Hidden = [16], LatentDim = latent, Seed = seed });

    private static Tensor Batch(int n) => Tensor.Uniform(new RandomGenerator(3), 0f, 1f, n, 1, 4, 4);

    [Fact]
    public void IwaeWithOneSample_EqualsTheElbo_OnTheSameNoise()
    {
        var model = Model();
        var x = Batch(6);
        model.Noise = new RandomGenerator(21);
        float iwae = Iwae.Compute(model, x, null, 1).Total.Item();

        // −ELBO with the same ε, spelled out: −[log p(x|z) + log p(z) − log q(z|x)], z = μ + σε.
        model.Noise = new RandomGenerator(21);
        var (mu, logVar) = model.Encode(x);
        var eps = Tensor.RandnLike(model.Noise, mu);
        var z = Ops.Reparameterize(mu, logVar, eps);
        var nllX = model.Likelihood.NegLogLikelihood(model.Decode(z), x).Data;
        double total = 0;
        for (int i = 0; i < 6; i++)
        {
            double logPz = 0, logQ = 0;
            for (int j = 0; j < 3; j++)
            {
                int a = i * 3 + j;
                logPz += -0.5 * (z.Data[a] * z.Data[a] + Math.Log(2 * Math.PI));
                logQ += -0.5 * (eps.Data[a] * eps.Data[a] + logVar.Data[a] + Math.Log(2 * Math.PI));
            }
            total += nllX[i] - logPz + logQ;
        }
        Assert.Equal(total / 6, iwae, 3);
    }

    [Fact]
    public void IwaeGradients_MatchFiniteDifferences()
    {
        var model = Model(latent: 2);
        Tensor F(Tensor x) { model.Noise = new RandomGenerator(4); return Iwae.Compute(model, x, null, 3).Total; }
        InputGradCheck.Assert(F, Batch(2), stride: 5);
    }

    private static ByteImageDataset Data(int n)
    {
        var rng = new RandomGenerator(9);
        var bytes = new byte[n * 16];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(rng.NextFloat() * 255);
        return new ByteImageDataset("noise", bytes, n, [1, 4, 4]);
    }

    [Fact]
    public void ImportanceSampledNll_IsBelowTheElbo_AndFallsWithK()
    {
        var model = Model();
        var data = Data(200);
        var k1 = ImportanceSampling.Estimate(model, data, 1);
        var k10 = ImportanceSampling.Estimate(model, data, 10);
        var k200 = ImportanceSampling.Estimate(model, data, 200);
        Assert.Equal(k1.Nll, k1.Elbo, 9);                 // one sample: the bound is the ELBO
        Assert.True(k10.Nll <= k10.Elbo);
        Assert.True(k200.Nll < k10.Nll && k10.Nll < k1.Nll, $"NLL k=1 {k1.Nll}, k=10 {k10.Nll}, k=200 {k200.Nll}");
        // The ELBO estimate does not depend on k (beyond noise): all three agree within 1 %.
        Assert.InRange(k200.Elbo / k1.Elbo, 0.99, 1.01);
    }

    [Fact]
    public void ImportanceSampledNll_IsDeterministic_AndIndependentOfChunking()
    {
        var model = Model();
        var data = Data(30);
        var a = ImportanceSampling.Estimate(model, data, 50, seed: 3);
        var b = ImportanceSampling.Estimate(model, data, 50, seed: 3);
        Assert.Equal(a.Nll, b.Nll);
    }

    [Fact]
    public void FreeBits_LiftsTheKlTermOfUnusedDimensions()
    {
        // With μ = 0 and log σ² = 0 the KL is 0; free bits λ = 0.5 over 3 dimensions adds 1.5 nats to the loss.
        var model = Model();
        foreach (var (name, t) in model.NamedParameters())
            if (name.StartsWith("fc_")) t.Data.Clear();
        var x = Batch(4);
        model.Noise = new RandomGenerator(1);
        var plain = Elbo.Compute(model, x, null, new ObjectiveOptions(), new KlSchedule(), 0);
        model.Noise = new RandomGenerator(1);
        var free = Elbo.Compute(model, x, null, new ObjectiveOptions { FreeBits = 0.5f }, new KlSchedule(), 0);
        Assert.Equal(0f, plain.Kl.Item(), 6);
        Assert.Equal(plain.Total.Item() + 1.5f, free.Total.Item(), 3);
    }

    [Fact]
    public void Capacity_PenalisesDistanceFromTheCurrentCapacity()
    {
        var model = Model();
        var x = Batch(4);
        var options = new ObjectiveOptions { CapacityGamma = 10f, CapacityMax = 20f, CapacitySteps = 100 };
        model.Noise = new RandomGenerator(1);
        var atHalf = Elbo.Compute(model, x, null, options, new KlSchedule(), 50);   // C = 10
        float expected = atHalf.Reconstruction.Item() + 10f * Math.Abs(atHalf.Kl.Item() - 10f);
        Assert.Equal(expected, atHalf.Total.Item(), 3);
    }

    [Fact]
    public void ScheduledBeta_ScalesTheKlTerm()
    {
        var model = Model();
        var x = Batch(4);
        model.Noise = new RandomGenerator(1);
        var l = Elbo.Compute(model, x, null, new ObjectiveOptions { KlSchedule = "linear", KlWarmupSteps = 100 }, new KlSchedule("linear", 100), 25);
        Assert.Equal(l.Reconstruction.Item() + 0.25f * l.Kl.Item(), l.Total.Item(), 3);
    }
}
