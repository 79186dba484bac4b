using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Objectives;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models;

// The two hierarchical families (iwae-2layer: bottom-up q; ladder-vae: top-down q with precision-weighted merging),
// checked against direct per-layer computations in double precision.
public class HierarchicalFamiliesTests
{
    public static HierarchicalVaeConfig SmallTwoLayer(ulong seed = 7, bool batchNorm = false) => new()
    {
        InputShape = [1, 4, 4], LatentSizes = [3, 2], LatentDim = 5, Seed = seed,
        Network = new NetworkConfig { Hidden = [8, 6], Activation = HiddenActivation.Tanh, BatchNorm = batchNorm },
    };

    public static LadderVaeConfig SmallLadder(ulong seed = 7) => new()
    {
        InputShape = [1, 4, 4], LatentSizes = [4, 3, 2], LatentDim = 9, Seed = seed,
        Network = new NetworkConfig { Hidden = [10, 8, 6], Activation = HiddenActivation.LeakyRelu, BatchNorm = true },
    };

    public static LatentVariableModel Small(string family) => family == "ladder-vae" ? new LadderVae(SmallLadder()) : new HierarchicalVae(SmallTwoLayer());

    private static double LogNormal(double x, double mean, double logVar) =>
        -0.5 * ((x - mean) * (x - mean) / Math.Exp(logVar) + logVar + Math.Log(2 * Math.PI));

    // Σ_j log N(x_ij; μ_ij, σ_ij²) of row i, in double.
    private static double RowLogDensity(Tensor x, DiagonalGaussian g, int row)
    {
        int d = x.Shape[1];
        double sum = 0;
        for (int j = 0; j < d; j++) sum += LogNormal(x.Data[row * d + j], g.Mean.Data[row * d + j], g.LogVar.Data[row * d + j]);
        return sum;
    }

    private static Tensor Slice(Tensor z, IReadOnlyList<int> sizes, int layer) => Ops.Narrow(z, 1, sizes.Take(layer).Sum(), sizes[layer]);

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void PosteriorAndPrior_LogDensities_AreTheirLayersSummed_AndTheDrawIsAncestral(string family)
    {
        var model = Small(family);
        model.Eval();
        using var _ = GradMode.NoGrad();
        var batch = TestData.Uniform(6);
        var q = Assert.IsType<HierarchicalGaussian>(model.Encode(batch));
        var prior = Assert.IsType<HierarchicalPrior>(model.Prior);
        var sizes = q.Sizes;
        Assert.Equal(model.LatentDim, q.Dim);
        var eps = Tensor.Normal(new RandomGenerator(4), 0f, 1f, 6, q.Dim);
        var (z, logQ) = q.SampleWithLogProb(eps);
        var layers = q.Layers(z);
        var logQz = q.LogProb(z);
        var logPz = prior.LogProb(z);
        for (int n = 0; n < 6; n++)
        {
            double directQ = 0, directP = 0;
            for (int i = 0; i < sizes.Count; i++)
            {
                var zi = Slice(z, sizes, i);
                var ei = Slice(eps, sizes, i);
                for (int j = 0; j < sizes[i]; j++)   // z_i = μ_i(parent) + σ_i(parent) ε_i, the parent read from z itself
                {
                    int at = n * sizes[i] + j;
                    Assert.Equal(layers[i].Mean.Data[at] + Math.Exp(0.5 * layers[i].LogVar.Data[at]) * ei.Data[at], zi.Data[at], 4);
                }
                directQ += RowLogDensity(zi, layers[i], n);
                directP += i == sizes.Count - 1
                    ? RowLogDensity(zi, new DiagonalGaussian(Tensor.Zeros(6, sizes[i]), Tensor.Zeros(6, sizes[i])), n)
                    : RowLogDensity(zi, prior.Conditional(i, z), n);
            }
            Assert.Equal(directQ, logQz.Data[n], 3);
            Assert.Equal(directQ, logQ.Data[n], 3);
            Assert.Equal(directP, logPz.Data[n], 3);
        }
    }

    [Fact]
    public void OneLayerModel_IsTheVae_WeightForWeight_AndLossForLoss()
    {
        // One stochastic layer with blocks of two tanh layers is the VAE 16-8-8-3: the same weights drawn in the same
        // order, the same loss, the same importance-sampled NLL.
        var network = new NetworkConfig { Hidden = [8, 8], Activation = HiddenActivation.Tanh };
        var vae = new Vae(new VaeConfig { InputShape = [1, 4, 4], LatentDim = 3, Network = network, Seed = 4 });
        var oneLayer = new HierarchicalVae(new HierarchicalVaeConfig { InputShape = [1, 4, 4], LatentSizes = [3], LatentDim = 3, Network = network with { Hidden = [8] }, Seed = 4 });
        Assert.Equal(vae.StateDict().SelectMany(e => e.Tensor.ToArray()), oneLayer.StateDict().SelectMany(e => e.Tensor.ToArray()));
        var batch = TestData.Uniform(6);
        var a = vae.Loss(batch, LossContext.Plain(new RandomGenerator(2)));
        var b = oneLayer.Loss(batch, LossContext.Plain(new RandomGenerator(2)));
        Assert.Equal(a["reconstruction"].Item(), b["reconstruction"].Item(), 5);
        Assert.Equal(a["kl"].Item(), b["kl_1"].Item(), 5);
        var data = TestData.Noise(20);
        Assert.Equal(ImportanceSampling.Estimate(vae, data, 30).Nll, ImportanceSampling.Estimate(oneLayer, data, 30).Nll, 4);
    }

    [Fact]
    public void TwoLayerPosterior_IsBottomUp_z1GivenX_z2GivenZ1()
    {
        var model = new HierarchicalVae(SmallTwoLayer());
        using var _ = GradMode.NoGrad();
        var q = model.Encode(TestData.Uniform(4));
        Assert.False(q.TopDown);
        var z = q.Sample(new RandomGenerator(1));
        var moved = z + Tensor.Normal(new RandomGenerator(2), 0f, 1f, 4, 5);
        var (before, after) = (q.Layers(z), q.Layers(moved));
        Assert.Equal(before[0].Mean.ToArray(), after[0].Mean.ToArray());     // q(z₁ | x) ignores the code
        Assert.NotEqual(before[1].Mean.ToArray(), after[1].Mean.ToArray());  // q(z₂ | z₁) follows z₁
        Assert.Null(q.Parent(0));
        Assert.Equal(0, q.Parent(1));
    }

    [Fact]
    public void LadderPosterior_IsTopDown_AndEachLayerMergesAFixedBottomUpGaussianWithThePrior()
    {
        var model = new LadderVae(SmallLadder());
        model.Eval();
        using var _ = GradMode.NoGrad();
        var q = model.Encode(TestData.Uniform(4));
        Assert.True(q.TopDown);
        var prior = model.Prior;
        var z = q.Sample(new RandomGenerator(1));
        var moved = z + Tensor.Normal(new RandomGenerator(2), 0f, 1f, 4, 9);
        // Undo the merge: σ̂⁻² = σ_q⁻² − σ_p⁻², μ̂ = (μ_q σ_q⁻² − μ_p σ_p⁻²) / σ̂⁻². The bottom-up Gaussian is a function of x alone.
        (double[] Mean, double[] Precision) BottomUp(Tensor code, int layer)
        {
            var ql = q.Layers(code)[layer];
            var pl = prior.Conditional(layer, code);
            int size = ql.Mean.Size;
            var mean = new double[size];
            var precision = new double[size];
            for (int j = 0; j < size; j++)
            {
                double pq = Math.Exp(-ql.LogVar.Data[j]), pp = Math.Exp(-pl.LogVar.Data[j]);
                precision[j] = pq - pp;
                mean[j] = (ql.Mean.Data[j] * pq - pl.Mean.Data[j] * pp) / precision[j];
                Assert.True(precision[j] > 0, "the posterior is more precise than the prior");
            }
            return (mean, precision);
        }
        for (int layer = 0; layer < 2; layer++)
        {
            var (m1, p1) = BottomUp(z, layer);
            var (m2, p2) = BottomUp(moved, layer);
            for (int j = 0; j < m1.Length; j++)
            {
                Assert.Equal(m1[j], m2[j], 2);
                Assert.Equal(1.0, p2[j] / p1[j], 2);
            }
            Assert.NotEqual(q.Layers(z)[layer].Mean.ToArray(), q.Layers(moved)[layer].Mean.ToArray());
        }
        Assert.Equal(q.Layers(z)[2].Mean.ToArray(), q.Layers(moved)[2].Mean.ToArray());   // q(z_L | x)
    }

    [Fact]
    public void PrecisionWeightedMerge_MatchesItsFormula_OnHandComputedCases()
    {
        // N(1, 1) with N(3, 3): precision 1 + 1/3 = 4/3, σ² = 0.75, μ = (1·1 + 3·⅓)·0.75 = 1.5.
        // N(−2, 0.5) with N(0, 2): precision 2 + 0.5 = 2.5, σ² = 0.4, μ = (−2·2 + 0·0.5)·0.4 = −1.6.
        var bottomUp = new DiagonalGaussian(Tensor.FromArray([1f, -2f], 1, 2), Tensor.FromArray([0f, MathF.Log(0.5f)], 1, 2));
        var topDown = new DiagonalGaussian(Tensor.FromArray([3f, 0f], 1, 2), Tensor.FromArray([MathF.Log(3f), MathF.Log(2f)], 1, 2));
        var merged = LadderVae.Merge(bottomUp, topDown);
        Assert.Equal(1.5, merged.Mean.Data[0], 5);
        Assert.Equal(-1.6, merged.Mean.Data[1], 5);
        Assert.Equal(0.75, Math.Exp(merged.LogVar.Data[0]), 5);
        Assert.Equal(0.4, Math.Exp(merged.LogVar.Data[1]), 5);
        // Symmetric in its arguments, and equal Gaussians merge to the same mean with half the variance.
        var swapped = LadderVae.Merge(topDown, bottomUp);
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(merged.Mean.Data[j], swapped.Mean.Data[j], 5);
            Assert.Equal(merged.LogVar.Data[j], swapped.LogVar.Data[j], 5);
        }
        var same = LadderVae.Merge(topDown, topDown);
        Assert.Equal(topDown.Mean.ToArray(), same.Mean.ToArray());
        Assert.Equal(1.5, Math.Exp(same.LogVar.Data[0]), 5);
    }

    [Fact]
    public void PrecisionWeightedMerge_StaysFinite_ForExtremeLogVariances()
    {
        // log σ̂² = −100 (a precision of e^100, beyond float) merges to the bottom-up Gaussian; +100 to the prior.
        var bottomUp = new DiagonalGaussian(Tensor.FromArray([1f, 1f], 1, 2), Tensor.FromArray([-100f, 100f], 1, 2));
        var topDown = new DiagonalGaussian(Tensor.FromArray([3f, 3f], 1, 2), Tensor.FromArray([0f, 0f], 1, 2));
        var merged = LadderVae.Merge(bottomUp, topDown);
        Assert.Equal([1f, 3f], merged.Mean.ToArray());
        Assert.Equal(-100f, merged.LogVar.Data[0], 3);
        Assert.Equal(0f, merged.LogVar.Data[1], 3);
    }

    [Fact]
    public void PrecisionWeightedMerge_GradientsMatchFiniteDifferences()
    {
        var weights = Tensor.Normal(new RandomGenerator(8), 0f, 1f, 3, 4);
        Tensor F(Tensor x)   // x: rows μ̂, log σ̂², μ_p, log σ_p² (3 examples × 4 values each)
        {
            var parts = Ops.Split(x, 1, 4, 4, 4, 4);
            var merged = LadderVae.Merge(new DiagonalGaussian(parts[0], parts[1]), new DiagonalGaussian(parts[2], parts[3]));
            return Ops.Sum(merged.Mean * weights) + Ops.Sum(Ops.Square(merged.LogVar));
        }
        InputGradCheck.Assert(F, Tensor.Normal(new RandomGenerator(9), 0f, 0.7f, 3, 16), stride: 1);
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void Loss_InputGradientsMatchFiniteDifferences(string family)
    {
        // Training mode: the ladder's batch norm on batch statistics. Tanh rather than its leaky ReLU: with batch norm many
        // pre-activations sit near the kink, which a central difference of step 1e-2 straddles (at 1e-3 the two agree).
        var model = family == "ladder-vae" ? new LadderVae(SmallLadder() with { Network = SmallLadder().Network with { Activation = HiddenActivation.Tanh } }) : Small(family);
        Tensor F(Tensor x) => model.Loss(new Batch(x), LossContext.Plain(new RandomGenerator(5))).Total;
        InputGradCheck.Assert(F, Tensor.Uniform(new RandomGenerator(6), 0.1f, 0.9f, 5, 1, 4, 4), stride: 3);
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void Loss_ReportsTheKlOfEachLayer_SummingToTheKl_AndTheWarmUpWeighsTheirSum(string family)
    {
        var model = Small(family);
        int layers = ((HierarchicalConfig)model.Config).LatentSizes.Length;
        string[] names = ["reconstruction", "kl", .. Enumerable.Range(1, layers).Select(i => $"kl_{i}")];
        Assert.Equal(names, model.LossTermNames);
        var batch = TestData.Uniform(8);
        var plain = model.Loss(batch, LossContext.Plain(new RandomGenerator(3)));
        Assert.Equal(names, plain.Names);
        double sum = Enumerable.Range(1, layers).Sum(i => (double)plain[$"kl_{i}"].Item());
        Assert.Equal(sum, plain["kl"].Item(), 4);
        Assert.Equal(plain["reconstruction"].Item() + plain["kl"].Item(), plain.Total.Item(), 4);
        var warm = model.Loss(batch, new LossContext(new RandomGenerator(3), new KlControl(Weight: 0.25f)));
        Assert.Equal(plain["kl"].Item(), warm["kl"].Item(), 5);   // the reported KL is the plain one
        Assert.Equal(warm["reconstruction"].Item() + 0.25 * warm["kl"].Item(), warm.Total.Item(), 4);
        Assert.Equal("KL 1 Loss", LossTermLabels.Label("kl_1"));
        Assert.Contains("not implemented", Assert.Throws<NotSupportedException>(() =>
            model.Loss(batch, new LossContext(new RandomGenerator(3), new KlControl(FreeBits: 0.5f)))).Message);
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void ImportanceSampledNll_IsBelowTheElbo_FallsWithK_AndAtK1IsTheElbo(string family)
    {
        var model = Small(family);
        var data = TestData.Noise(200);
        var trainer = new Trainer(model, new TrainingOptions { BatchSize = 25, LearningRate = 1e-2f });
        for (int e = 1; e <= 2; e++) trainer.TrainEpoch(e, data, null);
        var k1 = ImportanceSampling.Estimate(model, data, 1);
        var k10 = ImportanceSampling.Estimate(model, data, 10);
        var k200 = ImportanceSampling.Estimate(model, data, 200);
        Assert.Equal(k1.Nll, k1.Elbo, 9);
        Assert.True(k10.Nll <= k10.Elbo);
        Assert.True(k200.Nll < k10.Nll && k10.Nll < k1.Nll, $"NLL k=1 {k1.Nll}, k=10 {k10.Nll}, k=200 {k200.Nll}");
        // The one-sample bound of the full hierarchical q is the family's own −ELBO (its analytic KL terms where it has them).
        var elbo = LossEvaluation.Evaluate(model, data);
        Assert.InRange(k200.Elbo / elbo.Loss, 0.98, 1.02);
        Assert.True(k200.Nll < elbo.Loss);
    }

    [Fact]
    public void IwaeObjective_OnAHierarchicalModel_ReportsTheSampledElbo_WhichAtK1IsTheLoss()
    {
        var model = Small("iwae-2layer");
        var batch = TestData.Uniform(8);
        var k1 = Iwae.Compute(model, batch, 1, new RandomGenerator(2));
        Assert.Equal(k1.Total.Item(), k1["neg_elbo"].Item(), 4);
        Assert.Equal(k1["reconstruction"].Item() + k1["kl"].Item(), k1["neg_elbo"].Item(), 4);
        var k5 = Iwae.Compute(model, batch, 5, new RandomGenerator(2));
        Assert.True(k5.Total.Item() <= k5["neg_elbo"].Item() + 1e-4);
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void LatentStatistics_CountActiveUnitsPerLayer(string family)
    {
        var model = Small(family);
        var stats = LatentStatistics.Compute(model, TestData.TwoPrototypes(50));
        var sizes = ((HierarchicalConfig)model.Config).LatentSizes;
        Assert.Equal(sizes, stats.LayerSizes);
        Assert.Equal(sizes.Length, stats.ActiveUnitsPerLayer.Length);
        Assert.Equal(stats.ActiveUnits, stats.ActiveUnitsPerLayer.Sum());
        Assert.All(stats.KlPerDimension, v => Assert.True(v >= -1e-6 && double.IsFinite(v)));
        var handMade = new LatentStatistics([0.5, 0.001, 0.3, 0.2, 0.0], [0, 0, 0, 0, 0], 0.01, [3, 2]);
        Assert.Equal([2, 1], handMade.ActiveUnitsPerLayer);
        Assert.Equal([1], new LatentStatistics([0.5, 0.001], [0, 0], 0.01).ActiveUnitsPerLayer);
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void Generate_DrawsAncestrallyFromThePrior_Deterministically(string family)
    {
        var model = Small(family);
        model.Eval();
        using var _ = GradMode.NoGrad();
        var a = model.Generate(5, new RandomGenerator(3));
        var b = model.Generate(5, new RandomGenerator(3));
        Assert.Equal([5, 1, 4, 4], a.Shape.ToArray());
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.All(a.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Throws<ArgumentException>(() => model.Prior.Sample(new RandomGenerator(1), 2, model.LatentDim + 1));
    }

    [Fact]
    public void Config_RefusesInconsistentLayers_NamingTheField()
    {
        Assert.Contains("latent_dim 4: expected the sum of latent_sizes [3, 2], 5",
            Assert.Throws<ArgumentException>(() => new HierarchicalVae(SmallTwoLayer() with { LatentDim = 4 })).Message);
        Assert.Contains("network.hidden [8]: expected one width per stochastic layer",
            Assert.Throws<ArgumentException>(() => new HierarchicalVae(SmallTwoLayer() with { Network = new NetworkConfig { Hidden = [8] } })).Message);
        Assert.Contains("latent_sizes []",
            Assert.Throws<ArgumentException>(() => new LadderVae(SmallLadder() with { LatentSizes = [], LatentDim = 1 })).Message);
        Assert.Contains("expected mlp",
            Assert.Throws<ArgumentException>(() => new LadderVae(SmallLadder() with { Network = SmallLadder().Network with { Body = NetworkBody.Conv } })).Message);
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void TrainingRequest_BuildsTheFamily_FromItsOwnDefaultsOrTheGivenSizes(string family)
    {
        var data = TestData.TwoPrototypes(40);
        var (config, _) = new TrainingRequest { Family = family }.Resolve(data, "synthetic");
        var model = Assert.IsAssignableFrom<HierarchicalConfig>(config.Model);
        Assert.Equal(family == "ladder-vae" ? [64, 32, 16, 8, 4] : new[] { 100, 50 }, model.LatentSizes);
        Assert.Equal(model.LatentSizes.Sum(), model.LatentDim);
        var (sized, _) = new TrainingRequest { Family = family, LatentSizes = [4, 3, 2], Hidden = [9, 7, 5] }.Resolve(data, "synthetic");
        Assert.Equal([4, 3, 2], ((HierarchicalConfig)sized.Model).LatentSizes);
        Assert.Equal([9, 7, 5], sized.Model.Network.Hidden);
        Assert.Equal(9, sized.Model.LatentDim);
        Assert.Contains("give the hidden widths too",
            Assert.Throws<ArgumentException>(() => new TrainingRequest { Family = family, LatentSizes = [4, 3, 2, 1, 1, 1] }.Resolve(data, "synthetic")).Message);
    }
}
