using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models;

/// <summary>
/// The variational autoencoder — Kingma &amp; Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
/// <code>
///   q(z | x) = N(μ(x), diag σ²(x))      encoder → (μ, log σ²)
///   z = μ + σ ⊙ ε,  ε ~ N(0, I)         reparameterisation
///   p(x | z)                            decoder → likelihood parameters
///   loss = −ELBO = E_q[−log p(x | z)] + β · KL(q(z | x) ‖ N(0, I))
///   KL = −½ Σ (1 + log σ² − μ² − σ²)    (App. B)
/// </code>
/// β = 1 is the VAE; β &gt; 1 the β-VAE (Higgins et al., ICLR 2017).
/// State dict names: <c>encoder.{i}</c>, <c>fc_mu</c>, <c>fc_logvar</c>, <c>decoder.{i}</c>, <c>likelihood</c>.
/// </summary>
public sealed class Vae : Module
{
    private readonly Layer _encoder, _decoder;
    private readonly Linear _fcMu, _fcLogVar;

    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed.</summary>
    public Vae(VaeConfig config)
    {
        config.Validate();
        Config = config;
        var rng = new RandomGenerator(config.Seed);
        int width = config.InputSize;
        var encoder = new Sequential();
        foreach (int h in config.Hidden) { AddDense(encoder, width, h, config.Activation, rng); width = h; }
        _encoder = RegisterModule("encoder", encoder);
        _fcMu = RegisterModule("fc_mu", new Linear(width, config.LatentDim, rng));
        _fcLogVar = RegisterModule("fc_logvar", new Linear(width, config.LatentDim, rng));

        var decoder = new Sequential();
        width = config.LatentDim;
        foreach (int h in config.Hidden.Reverse()) { AddDense(decoder, width, h, config.Activation, rng); width = h; }
        decoder.Add(new Linear(width, config.InputSize, rng));
        _decoder = RegisterModule("decoder", decoder);
        Likelihood = RegisterModule("likelihood", Likelihood.Create(config.Likelihood, config.GaussianStd));
        Noise = new RandomGenerator(config.Seed, stream: 1);
    }

    private static void AddDense(Sequential seq, int inF, int outF, string activation, RandomGenerator rng)
    {
        var fused = activation switch { "relu" => Activation.Relu, "tanh" => Activation.Tanh, "sigmoid" => Activation.Sigmoid, _ => (Activation?)null };
        seq.Add(new Linear(inF, outF, rng, activation: fused ?? Activation.None));
        if (fused is null) seq.Add(ActivationLayer.FromName(activation));
    }

    /// <summary>The configuration the model was built from.</summary>
    public VaeConfig Config { get; }

    /// <summary>p(x | z).</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Latent dimension.</summary>
    public int LatentDim => Config.LatentDim;

    /// <summary>The generator for ε and samples (seeded from the config; reseed it for reproducible draws).</summary>
    public RandomGenerator Noise { get; set; }

    /// <summary>q(z | x): the posterior mean and log-variance, each (N, latent). x is (N, ...) with the configured example shape.</summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor x)
    {
        var h = _encoder.Forward(x.Flatten());
        return (_fcMu.Forward(h), _fcLogVar.Forward(h));
    }

    /// <summary>z = μ + σ·ε with ε drawn from <see cref="Noise"/>.</summary>
    public Tensor Reparameterize(Tensor mean, Tensor logVar) => Ops.Reparameterize(mean, logVar, Tensor.RandnLike(Noise, mean));

    /// <summary>The decoder: likelihood parameters (N, example shape) — logits for Bernoulli, or E[x | z] when <paramref name="applySigmoid"/>.</summary>
    public Tensor Decode(Tensor z, bool applySigmoid = false)
    {
        var output = _decoder.Forward(z);
        var shape = new int[Config.InputShape.Length + 1];
        shape[0] = z.Shape[0];
        Config.InputShape.CopyTo(shape, 1);
        output = output.Reshape(shape);
        return applySigmoid ? Likelihood.Mean(output) : output;
    }

    /// <summary><paramref name="count"/> new examples: E[x | z] for z ~ N(0, I).</summary>
    public Tensor Sample(int count)
    {
        var z = Tensor.Normal(Noise, 0f, 1f, count, LatentDim);
        return Decode(z, applySigmoid: true);
    }

    /// <summary>The negative ELBO of a batch, per example: reconstruction + β·KL.</summary>
    public VaeLoss Loss(Tensor x)
    {
        int n = x.Shape[0];
        var (mean, logVar) = Encode(x);
        var z = Reparameterize(mean, logVar);
        var output = Decode(z);
        var recon = Likelihood.TotalNegLogLikelihood(output, x) * (1f / n);
        var kl = Ops.KlStandardNormal(mean, logVar, Reduction.Sum) * (1f / n);
        var total = Config.Beta == 1f ? recon + kl : recon + kl * Config.Beta;
        return new VaeLoss(total, recon, kl);
    }
}
