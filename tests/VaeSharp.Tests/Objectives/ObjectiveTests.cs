using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Objectives;

namespace VaeSharp.Tests.Objectives;

public class ObjectiveTests
{
    private static Vae Model(int latent = 3, ulong seed = 7) => new(TestData.SmallVae(latent, seed, hidden: 16));

    [Fact]
    public void IwaeWithOneSample_EqualsTheElbo_OnTheSameNoise()
    {
        var model = Model();
        var batch = TestData.Uniform(6);
        var iwae = Iwae.Compute(model, batch, 1, new RandomGenerator(21));

        // −ELBO with the same ε, spelled out: −[log p(x|z) + log p(z) − log q(z|x)], z = μ + σε.
        var q = model.Encode(batch);
        var eps = Tensor.RandnLike(new RandomGenerator(21), q.Mean);
        var z = Ops.Reparameterize(q.Mean, q.LogVar, eps);
        var nllX = model.Likelihood.NegLogLikelihood(model.Decode(z), batch.X).Data;
        double total = 0;
        for (int i = 0; i < 6; i++)
        {
            double logPz = 0, logQ = 0;
            for (int j = 0; j < 3; j++)
            {
                int a = i * 3 + j;
                logPz += -0.5 * (z.Data[a] * z.Data[a] + Math.Log(2 * Math.PI));
                logQ += -0.5 * (eps.Data[a] * eps.Data[a] + q.LogVar.Data[a] + Math.Log(2 * Math.PI));
            }
            total += nllX[i] - logPz + logQ;
        }
        Assert.Equal(total / 6, iwae.Total.Item(), 3);
        // The ELBO's terms are reported beside it and add up: neg_elbo = reconstruction + kl.
        Assert.Equal(["neg_elbo", "reconstruction", "kl"], iwae.Names);
        Assert.Equal(iwae["reconstruction"].Item() + iwae["kl"].Item(), iwae["neg_elbo"].Item(), 4);
    }

    [Fact]
    public void IwaeGradients_MatchFiniteDifferences()
    {
        var model = Model(latent: 2);
        Tensor F(Tensor x) => Iwae.Compute(model, new(x), 3, new RandomGenerator(4)).Total;
        InputGradCheck.Assert(F, TestData.Uniform(2).X, stride: 5);
    }

    [Fact]
    public void Iwae_WorksWithTheConditionalVae()
    {
        var model = new ConditionalVae(TestData.SmallCvae());
        var batch = TestData.Uniform(300, labels: [.. Enumerable.Range(0, 300).Select(i => i % 3)]);   // many examples: the bounds' order holds on average
        var k1 = Iwae.Compute(model, batch, 1, new RandomGenerator(3)).Total.Item();
        var k50 = Iwae.Compute(model, batch, 50, new RandomGenerator(3)).Total.Item();
        Assert.True(float.IsFinite(k1) && float.IsFinite(k50));
        Assert.True(k50 < k1, $"−L_50 {k50} should be below −L_1 {k1}");
        Tensor F(Tensor x) => Iwae.Compute(model, new(x, [2, 0]), 3, new RandomGenerator(4)).Total;
        InputGradCheck.Assert(F, TestData.Uniform(2).X, stride: 5);
    }

    [Fact]
    public void FreeBits_LiftsTheKlTermOfUnusedDimensions()
    {
        // With μ = 0 and log σ² = 0 the KL is 0; free bits λ = 0.5 over 3 dimensions adds 1.5 nats to the loss.
        var model = Model();
        foreach (var (name, t) in model.NamedParameters())
            if (name.StartsWith("fc_")) t.Data.Clear();
        var batch = TestData.Uniform(4);
        var plain = model.Loss(batch, LossContext.Plain(new RandomGenerator(1)));
        var free = model.Loss(batch, new LossContext(new RandomGenerator(1), new KlControl(FreeBits: 0.5f)));
        Assert.Equal(0f, plain["kl"].Item(), 6);
        Assert.Equal(plain.Total.Item() + 1.5f, free.Total.Item(), 3);
    }

    [Fact]
    public void Capacity_PenalisesDistanceFromTheCurrentCapacity()
    {
        var model = Model();
        var objective = TrainingObjective.Create(new ObjectiveOptions { CapacityGamma = 10f, CapacityMax = 20f, CapacitySteps = 100 }, 1000);
        var atHalf = objective.Compute(model, TestData.Uniform(4), new RandomGenerator(1), 50);   // C = 10
        float expected = atHalf["reconstruction"].Item() + 10f * Math.Abs(atHalf["kl"].Item() - 10f);
        Assert.Equal(expected, atHalf.Total.Item(), 3);
    }

    [Fact]
    public void ScheduledBeta_ScalesTheKlTerm()
    {
        var model = new Vae(TestData.SmallVae(hidden: 16) with { Beta = 2f });
        var objective = TrainingObjective.Create(new ObjectiveOptions { KlSchedule = KlScheduleKind.Linear, KlWarmupSteps = 100 }, 1000);
        var l = objective.Compute(model, TestData.Uniform(4), new RandomGenerator(1), 25);
        Assert.Equal(l["reconstruction"].Item() + 2f * 0.25f * l["kl"].Item(), l.Total.Item(), 3);
    }

    [Fact]
    public void Descriptions_SayHowTheLossIsMade()
    {
        var vae = Model();
        Assert.Equal("Loss = Reconstruction Loss + KL Loss (the negative ELBO)", TrainingObjective.Create(new ObjectiveOptions(), 1).Describe(vae));
        Assert.Equal("Loss = Reconstruction Loss + 4·KL Loss (β-VAE)",
            TrainingObjective.Create(new ObjectiveOptions(), 1).Describe(new Vae(TestData.SmallVae() with { Beta = 4 })));
        Assert.StartsWith("Loss = −L_5, the IWAE bound", TrainingObjective.Create(new ObjectiveOptions { Objective = ObjectiveKind.Iwae }, 1).Describe(vae));
        Assert.Contains("plain analytic KL", TrainingObjective.Create(new ObjectiveOptions { FreeBits = 0.1f }, 1).Describe(vae));
        Assert.Contains("KL controls", Assert.Throws<ArgumentException>(() =>
            TrainingObjective.Create(new ObjectiveOptions { Objective = ObjectiveKind.Iwae, FreeBits = 0.1f }, 1)).Message);
    }
}
