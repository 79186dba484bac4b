using VaeSharp.Distributions;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Networks;

namespace VaeSharp.Tests.Models;

public class VaeTests
{
    [Fact]
    public void StateDict_HasTheDocumentedNames()
    {
        var names = new Vae(new VaeConfig()).StateDict().Select(e => $"{e.Name}:{string.Join('x', e.Tensor.Shape.ToArray())}");
        Assert.Equal(["encoder.0.weight:400x784", "encoder.0.bias:400", "fc_mu.weight:20x400", "fc_mu.bias:20",
            "fc_logvar.weight:20x400", "fc_logvar.bias:20", "decoder.0.weight:400x20", "decoder.0.bias:400",
            "decoder.1.weight:784x400", "decoder.1.bias:784"], names);
    }

    [Theory]
    [InlineData(LikelihoodKind.Bernoulli, 1f)]
    [InlineData(LikelihoodKind.Gaussian, 4f)]
    [InlineData(LikelihoodKind.GaussianLearned, 0.5f)]
    public void Loss_EqualsReconstructionPlusBetaKl_ComputedByHand(LikelihoodKind likelihood, float beta)
    {
        var model = new Vae(TestData.SmallVae() with { Likelihood = likelihood, Beta = beta });
        var batch = TestData.Uniform(5);
        var loss = model.Loss(batch, LossContext.Plain(new RandomGenerator(11)));

        // The same computation spelled out: encode, draw ε from the same stream, decode, sum the terms.
        var q = model.Encode(batch);
        var eps = Tensor.RandnLike(new RandomGenerator(11), q.Mean);
        double recon = 0, kl = 0;
        var z = new float[q.Mean.Size];
        for (int i = 0; i < z.Length; i++) z[i] = q.Mean.Data[i] + MathF.Exp(0.5f * q.LogVar.Data[i]) * eps.Data[i];
        var output = model.Decode(Tensor.FromArray(z, 5, 3)).Data;
        double logVarX = likelihood == LikelihoodKind.Bernoulli ? 0 : 2 * Math.Log(0.1);
        for (int i = 0; i < output.Length; i++)
        {
            double o = output[i], t = batch.X.Data[i];
            recon += likelihood == LikelihoodKind.Bernoulli
                ? Math.Max(o, 0) - o * t + Math.Log(1 + Math.Exp(-Math.Abs(o)))
                : 0.5 * (Math.Log(2 * Math.PI) + logVarX + (t - o) * (t - o) / Math.Exp(logVarX));
        }
        for (int i = 0; i < q.Mean.Size; i++) kl += -0.5 * (1 + q.LogVar.Data[i] - q.Mean.Data[i] * q.Mean.Data[i] - Math.Exp(q.LogVar.Data[i]));
        recon /= 5; kl /= 5;
        Assert.Equal(["reconstruction", "kl"], loss.Names);
        Assert.Equal(recon, loss["reconstruction"].Item(), 2);
        Assert.Equal(kl, loss["kl"].Item(), 4);
        Assert.Equal(recon + beta * kl, loss.Total.Item(), 2);
    }

    [Fact]
    public void LossGradient_WithRespectToInput_MatchesFiniteDifferences()
    {
        var model = new Vae(TestData.SmallVae());
        // Fixed noise inside f, so the loss is a deterministic function of x.
        Tensor F(Tensor x) => model.Loss(new(x), LossContext.Plain(new RandomGenerator(5))).Total;
        InputGradCheck.Assert(F, TestData.Uniform(2).X, stride: 3);
    }

    [Fact]
    public void Generate_HasTheExampleShape_AndValuesInUnitInterval_AndFollowsTheGenerator()
    {
        var model = new Vae(TestData.SmallVae());
        var s = model.Generate(6, new RandomGenerator(4));
        Assert.Equal([6, 1, 4, 4], s.Shape.ToArray());
        Assert.All(s.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(s.ToArray(), model.Generate(6, new RandomGenerator(4)).ToArray());
        Assert.NotEqual(s.ToArray(), model.Generate(6, new RandomGenerator(5)).ToArray());
    }

    [Fact]
    public void Decode_RejectsLabels_AndEncodeIgnoresTheBatchsLabels()
    {
        var model = new Vae(TestData.SmallVae());
        Assert.Contains("not conditional", Assert.Throws<ArgumentException>(() => model.Decode(Tensor.Zeros(2, 3), [0, 1])).Message);
        var plain = model.Encode(TestData.Uniform(2)).Mean.ToArray();
        Assert.Equal(plain, model.Encode(TestData.Uniform(2, labels: [1, 0])).Mean.ToArray());
    }

    [Fact]
    public void BetaAndLikelihood_AreDescribedAndValidated()
    {
        Assert.Equal("VAE", new Vae(TestData.SmallVae()).Description);
        Assert.Equal("β-VAE (β = 4)", new Vae(TestData.SmallVae() with { Beta = 4 }).Description);
        Assert.Contains("beta", Assert.Throws<ArgumentException>(() => new Vae(TestData.SmallVae() with { Beta = -1 })).Message);
        Assert.Contains("latent_dim", Assert.Throws<ArgumentException>(() => new Vae(TestData.SmallVae() with { LatentDim = 0 })).Message);
        Assert.Contains("hidden", Assert.Throws<ArgumentException>(() => new Vae(TestData.SmallVae() with { Network = new NetworkConfig { Hidden = [0] } })).Message);
    }
}

public class LossTermLabelsTests
{
    [Theory]
    [InlineData("reconstruction", "Reconstruction Loss")]
    [InlineData("kl", "KL Loss")]
    [InlineData("neg_elbo", "−ELBO")]
    [InlineData("kl_1", "KL 1 Loss")]
    [InlineData("commitment", "Commitment Loss")]
    [InlineData("tc", "TC Loss")]
    public void Label_NamesTheTermInWords(string name, string label) => Assert.Equal(label, LossTermLabels.Label(name));

    [Theory]
    [InlineData("kl_", false)]
    [InlineData("a__b", false)]
    [InlineData("_x", false)]
    [InlineData("Kl", false)]
    [InlineData("1kl", false)]
    [InlineData("", false)]
    [InlineData("kl_1", true)]
    [InlineData("neg_elbo", true)]
    public void TermNames_AreLowerCaseIdentifiers(string name, bool valid)
    {
        Assert.Equal(valid, LossTermLabels.IsValidName(name));
        var value = Tensor.Zeros(1);
        if (valid) Assert.Equal([name], new ModelLoss(value, new LossTerm(name, value)).Names);
        else Assert.Throws<ArgumentException>(() => new ModelLoss(value, new LossTerm(name, value)));
        Assert.Throws<ArgumentException>(() => new ModelLoss(value, new LossTerm("kl", value), new LossTerm("kl", value)));
    }
}
