using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Objectives;
using VaeSharp.Training;

namespace VaeSharp.Tests.Objectives;

public class DisentanglingObjectiveTests
{
    // Posterior means μ_n ~ N(0, Σ_μ), Σ_μ = [[3, 2.4], [2.4, 3]], posterior variance 1: as N → ∞ the aggregate
    // posterior is exactly N(0, Σ), Σ = Σ_μ + I = [[4, 2.4], [2.4, 4]] (correlation 0.6), so in closed form
    //   TC   = ½ (Σ_j log Σ_jj − log det Σ) = −½ log(1 − 0.6²)             = 0.22314
    //   MI   = E[log N(z; μ, I)] − E[log N(z; 0, Σ)] = ½ log det Σ = ½ log 10.24 = 1.16315
    //   DWKL = Σ_j ½ (Σ_jj − 1 − log Σ_jj) = 4 − 1 − log 4                    = 1.61371
    private static (DiagonalGaussian Q, Tensor Z) CorrelatedBatch(int m, ulong seed)
    {
        var rng = new RandomGenerator(seed);
        var mean = new float[m * 2];
        var z = new float[m * 2];
        double a = Math.Sqrt(3), b = 2.4 / a, c = Math.Sqrt(3 - b * b);   // Cholesky of Σ_μ
        for (int i = 0; i < m; i++)
        {
            double e1 = rng.NextNormal(), e2 = rng.NextNormal();
            mean[2 * i] = (float)(a * e1);
            mean[2 * i + 1] = (float)(b * e1 + c * e2);
            z[2 * i] = mean[2 * i] + rng.NextNormal();
            z[2 * i + 1] = mean[2 * i + 1] + rng.NextNormal();
        }
        return (new DiagonalGaussian(Tensor.FromArray(mean, m, 2), Tensor.Zeros(m, 2)), Tensor.FromArray(z, m, 2));
    }

    [Theory]
    [InlineData(TcEstimator.Mss)]
    [InlineData(TcEstimator.Mws)]
    public void TcEstimators_MatchAGaussianWithKnownTotalCorrelation(TcEstimator estimator)
    {
        // The estimators replace log q(z) and log q(z_j) by minibatch mixtures; here the true densities are known, so
        // each term is also computed exactly at the same samples z: the difference is the estimator's error alone
        // (tolerance 0.03 nats, from a batch of 1,500). The exact terms at these samples are within Monte Carlo error
        // (0.15) of the closed form above.
        var (q, z) = CorrelatedBatch(1500, seed: 5);
        var (mi, tc, dwkl) = TotalCorrelation.Decompose(q, z, datasetSize: 1_000_000_000, estimator);
        var (exactMi, exactTc, exactDwkl) = ExactTerms(q, z);
        Assert.Equal(exactTc, tc.Item(), 0.03);
        Assert.Equal(exactMi, mi.Item(), 0.03);
        Assert.Equal(exactDwkl, dwkl.Item(), 0.03);
        Assert.Equal(0.22314, exactTc, 0.15);
        Assert.Equal(1.16315, exactMi, 0.15);
        Assert.Equal(1.61371, exactDwkl, 0.15);
        Assert.Equal(0.22314, tc.Item(), 0.15);
        // An independent aggregate posterior (Σ_μ diagonal) has no total correlation.
        var (q0, z0) = Independent(1500);
        Assert.Equal(0, TotalCorrelation.Decompose(q0, z0, 1_000_000_000, estimator).Tc.Item(), 0.03);
    }

    // MI, TC and DWKL at samples z with the true aggregate posterior N(0, Σ), Σ = [[4, 2.4], [2.4, 4]].
    private static (double Mi, double Tc, double Dwkl) ExactTerms(DiagonalGaussian q, Tensor z)
    {
        int m = q.Count;
        double det = 16 - 2.4 * 2.4, mi = 0, tc = 0, dwkl = 0;
        var logQx = q.LogProb(z).Data;
        for (int i = 0; i < m; i++)
        {
            double a = z.Data[2 * i], b = z.Data[2 * i + 1];
            double logQz = -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * (4 * a * a - 4.8 * a * b + 4 * b * b) / det;
            double logMarginals = -Math.Log(2 * Math.PI) - Math.Log(4) - (a * a + b * b) / 8;
            double logPz = -Math.Log(2 * Math.PI) - (a * a + b * b) / 2;
            mi += (logQx[i] - logQz) / m;
            tc += (logQz - logMarginals) / m;
            dwkl += (logMarginals - logPz) / m;
        }
        return (mi, tc, dwkl);
    }

    private static (DiagonalGaussian Q, Tensor Z) Independent(int m)
    {
        var rng = new RandomGenerator(8);
        var mean = Tensor.Normal(rng, 0f, 1.7f, m, 2);
        var z = mean + Tensor.Normal(rng, 0f, 1f, m, 2);
        return (new DiagonalGaussian(mean, Tensor.Zeros(m, 2)), z);
    }

    [Fact]
    public void TheThreeTerms_AddUpToTheOneSampleKl()
    {
        var rng = new RandomGenerator(3);
        var q = new DiagonalGaussian(Tensor.Normal(rng, 0f, 1f, 16, 3), Tensor.Normal(rng, -0.5f, 0.3f, 16, 3));
        var z = q.Sample(rng);
        foreach (var estimator in new[] { TcEstimator.Mss, TcEstimator.Mws })
        {
            var (mi, tc, dwkl) = TotalCorrelation.Decompose(q, z, 1000, estimator);
            double oneSample = Ops.Mean(q.LogProb(z) - StandardNormal.Instance.LogProb(z)).Item();
            Assert.Equal(oneSample, mi.Item() + tc.Item() + dwkl.Item(), 4);
        }
        // MSS weights: a row sums to 1 (1/N for the example itself, (N − 1)/(N (M − 1)) for each of the others)
        var w = TotalCorrelation.LogWeights(5, 100, TcEstimator.Mss).ToArray();
        Assert.Equal(1.0, Enumerable.Range(0, 5).Sum(k => Math.Exp(w[k])), 5);
        Assert.Equal(Math.Log(1 / 100.0), w[0], 5);
    }

    [Fact]
    public void TcDecomposition_GradientsMatchFiniteDifferences()
    {
        var rng = new RandomGenerator(4);
        var mean = Tensor.Normal(rng, 0f, 1f, 5, 3);
        var logVar = Tensor.Normal(rng, -0.3f, 0.3f, 5, 3);
        var z = Tensor.Normal(rng, 0f, 1f, 5, 3);
        foreach (var estimator in new[] { TcEstimator.Mss, TcEstimator.Mws })
        {
            Tensor Weighted(Tensor mu, Tensor lv, Tensor zz)
            {
                var (mi, tc, dwkl) = TotalCorrelation.Decompose(new DiagonalGaussian(mu, lv), zz, 50, estimator);
                return mi * 0.7f + tc * 3f + dwkl * 1.3f;
            }
            InputGradCheck.Assert(mu => Weighted(mu, logVar, z), mean.Clone(), stride: 1);
            InputGradCheck.Assert(lv => Weighted(mean, lv, z), logVar.Clone(), stride: 1);
            InputGradCheck.Assert(zz => Weighted(mean, logVar, zz), z.Clone(), stride: 1);
        }
    }

    [Fact]
    public void DipPenalty_IsItsFormula_AndItsGradientsMatchFiniteDifferences()
    {
        // μ rows (1, 0), (−1, 0), (0, 2), (0, −2): Cov[μ] = diag(0.5, 2) (1/M), σ² = e^0 = 1
        var mean = Tensor.FromArray([1, 0, -1, 0, 0, 2, 0, -2], 4, 2);
        var q = new DiagonalGaussian(mean, Tensor.Zeros(4, 2));
        var one = DipPenalty.Covariance(q, second: false).Data;
        Assert.Equal([0.5f, 0, 0, 2f], one);
        var two = DipPenalty.Covariance(q, second: true).ToArray();
        Assert.Equal([1.5, 0, 0, 3], two.Select(v => Math.Round(v, 5)));
        Assert.Equal(3 * (0.25 + 1), DipPenalty.Penalty(Tensor.FromArray(one, 2, 2), 10f, 3f).Item(), 5);
        Assert.Equal(10 * 2 * 0.09, DipPenalty.Penalty(Tensor.FromArray([1, 0.3f, 0.3f, 1], 2, 2), 10f, 3f).Item(), 5);
        var rng = new RandomGenerator(6);
        var mu = Tensor.Normal(rng, 0f, 1f, 6, 3);
        var lv = Tensor.Normal(rng, 0f, 0.5f, 6, 3);
        foreach (bool second in new[] { false, true })
        {
            InputGradCheck.Assert(m => DipPenalty.Penalty(DipPenalty.Covariance(new DiagonalGaussian(m, lv), second), 2f, 5f), mu.Clone(), stride: 1);
            if (second)   // DIP-VAE-I's penalty does not depend on σ
                InputGradCheck.Assert(l => DipPenalty.Penalty(DipPenalty.Covariance(new DiagonalGaussian(mu, l), second), 2f, 5f), lv.Clone(), stride: 1);
        }
    }

    [Fact]
    public void FactorVaePermutation_KeepsEachMarginal_AndBreaksTheJointOrder()
    {
        var z = Tensor.Normal(new RandomGenerator(1), 0f, 1f, 64, 4);
        var p = FactorDiscriminator.PermuteDimensions(z, new RandomGenerator(2));
        int unchangedRows = 0;
        for (int j = 0; j < 4; j++)
        {
            var before = Enumerable.Range(0, 64).Select(i => z.Data[i * 4 + j]).Order().ToArray();
            var after = Enumerable.Range(0, 64).Select(i => p.Data[i * 4 + j]).Order().ToArray();
            Assert.Equal(before, after);
        }
        for (int i = 0; i < 64; i++) if (Enumerable.Range(0, 4).All(j => z.Data[i * 4 + j] == p.Data[i * 4 + j])) unchangedRows++;
        Assert.True(unchangedRows <= 2, $"{unchangedRows} rows kept all their values");
    }

    [Fact]
    public void FactorVaeDiscriminator_LearnsToTellCorrelatedCodesFromPermuted_AndItsTcGradientIsRight()
    {
        var disc = new FactorDiscriminator(2, hidden: 32, layers: 2, learningRate: 1e-3f, new RandomGenerator(3));
        var rng = new RandomGenerator(4);
        float accuracy = 0;
        for (int step = 0; step < 300; step++)
        {
            using var scope = TensorScope.Begin();
            var e = Tensor.Normal(rng, 0f, 1f, 64, 1);
            var z = Ops.Concat([e, e * 0.9f + Tensor.Normal(rng, 0f, 0.3f, 64, 1)], 1);   // strongly correlated
            (_, accuracy) = disc.Update(z, rng);
        }
        Assert.True(accuracy > 0.7f, $"accuracy {accuracy}");
        // d/dz of the model's TC term, mean(logit_real − logit_permuted), through the discriminator; central differences
        // with a step of 1e-3 (the leaky ReLUs' kinks make InputGradCheck's 1e-2 straddle them), tolerance 1e-3 + 1 %.
        Tensor Tc(Tensor z)
        {
            var logits = disc.Forward(z);
            return Ops.Mean(Ops.Narrow(logits, 1, 0, 1) - Ops.Narrow(logits, 1, 1, 1));
        }
        var x = Tensor.Normal(new RandomGenerator(5), 0f, 1f, 4, 2);
        x.RequiresGrad = true;
        Tc(x).Backward();
        for (int i = 0; i < x.Size; i++)
        {
            float orig = x.Data[i];
            double Eval(float v) { x.Data[i] = v; using var _ = GradMode.NoGrad(); return Tc(x).Item(); }
            double numeric = (Eval(orig + 1e-3f) - Eval(orig - 1e-3f)) / 2e-3;
            x.Data[i] = orig;
            Assert.True(Math.Abs(numeric - x.Grad!.Data[i]) < 1e-3 + 1e-2 * Math.Abs(numeric), $"element {i}: {x.Grad.Data[i]} vs {numeric}");
        }
    }

    [Theory]
    [InlineData(ObjectiveKind.BetaTcvae, new[] { "reconstruction", "mi", "tc", "dwkl", "kl" })]
    [InlineData(ObjectiveKind.FactorVae, new[] { "reconstruction", "kl", "tc", "disc_loss", "disc_accuracy" })]
    [InlineData(ObjectiveKind.DipVae1, new[] { "reconstruction", "kl", "dip" })]
    [InlineData(ObjectiveKind.DipVae2, new[] { "reconstruction", "kl", "dip" })]
    public void EachObjective_Trains_ReportsItsTerms_AndIsDeterministic(ObjectiveKind kind, string[] terms)
    {
        var data = TestData.TwoPrototypes(256);
        EpochReport Run(out Trainer trainer)
        {
            var model = new Vae(TestData.SmallVae(latent: 3) with { Beta = 2f });
            trainer = new Trainer(model, new TrainingOptions
            {
                Epochs = 8, BatchSize = 32, Seed = 5, LearningRate = 5e-3f,
                Objective = new ObjectiveOptions { Objective = kind, DiscriminatorHidden = 16, DiscriminatorLayers = 2 },
            });
            EpochReport last = trainer.TrainEpoch(1, data, null);
            float first = (float)last.Loss;
            for (int e = 2; e <= 8; e++) last = trainer.TrainEpoch(e, data, null);
            Assert.True(last.Loss < first - 0.15 * Math.Abs(first), $"{kind}: loss {first} → {last.Loss}");
            return last;
        }
        var report = Run(out var t);
        Assert.Equal(terms, t.Objective(data.Count).TermNames(t.Model));
        Assert.Equal(terms, report.Terms.Select(x => x.Name));
        Assert.Equal(report.Loss, Run(out _).Loss);
    }

    [Fact]
    public void Options_AreCheckedByName()
    {
        Assert.Contains("KL controls", Assert.Throws<ArgumentException>(() =>
            new ObjectiveOptions { Objective = ObjectiveKind.BetaTcvae, FreeBits = 0.5f }.Validate()).Message);
        Assert.Contains("factor_gamma", Assert.Throws<ArgumentException>(() =>
            new ObjectiveOptions { Objective = ObjectiveKind.FactorVae, FactorGamma = -1 }.Validate()).Message);
        Assert.Contains("discriminator", Assert.Throws<ArgumentException>(() =>
            new TrainingOptions { Objective = new ObjectiveOptions { Objective = ObjectiveKind.FactorVae }, OnNonFinite = NonFinitePolicy.Rollback }.Validate()).Message);
        Assert.Equal((10f, 100f), new ObjectiveOptions { Objective = ObjectiveKind.DipVae1 }.DipLambdas());
        Assert.Equal((10f, 10f), new ObjectiveOptions { Objective = ObjectiveKind.DipVae2 }.DipLambdas());
        Assert.Equal("dip-vae-2", VaeSharp.Serialization.ConfigJson.Name(ObjectiveKind.DipVae2));
        Assert.Equal("beta-tcvae", VaeSharp.Serialization.ConfigJson.Name(ObjectiveKind.BetaTcvae));
    }
}
