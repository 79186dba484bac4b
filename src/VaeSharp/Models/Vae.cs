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
/// β = 1 is the VAE; β &gt; 1 the β-VAE (Higgins et al., ICLR 2017). With <see cref="VaeConfig.ClassCount"/> &gt; 0
/// it is the conditional VAE (Sohn et al., NeurIPS 2015): q(z | x, y) and p(x | z, y), the one-hot label
/// joined to the encoder's dense input and to z.
/// State dict names: <c>encoder_conv.{i}</c> (conv), <c>encoder.{i}</c>, <c>fc_mu</c>, <c>fc_logvar</c>,
/// <c>decoder.{i}</c>, <c>decoder_conv.{i}</c> (conv), <c>likelihood</c>.
/// </summary>
public sealed class Vae : Module
{
    private readonly Sequential? _encoderConv, _decoderConv;
    private readonly Sequential _encoder, _decoder;
    private readonly Linear _fcMu, _fcLogVar;

    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed.</summary>
    public Vae(VaeConfig config)
    {
        config.Validate();
        Config = config;
        var rng = new RandomGenerator(config.Seed);
        bool conv = config.Architecture == "conv";
        int features = Networks.FeatureSize(config);
        if (conv) _encoderConv = RegisterModule("encoder_conv", Networks.ConvEncoder(config, rng));

        int width = features + config.ClassCount;
        _encoder = RegisterModule("encoder", new Sequential());
        foreach (int h in config.Hidden) { Networks.AddDense(_encoder, width, h, config.Activation, rng); width = h; }
        _fcMu = RegisterModule("fc_mu", new Linear(width, config.LatentDim, rng));
        _fcLogVar = RegisterModule("fc_logvar", new Linear(width, config.LatentDim, rng));

        _decoder = RegisterModule("decoder", new Sequential());
        width = config.LatentDim + config.ClassCount;
        foreach (int h in config.Hidden.Reverse()) { Networks.AddDense(_decoder, width, h, config.Activation, rng); width = h; }
        if (conv)
        {
            Networks.AddDense(_decoder, width, features, config.Activation, rng);
            _decoderConv = RegisterModule("decoder_conv", Networks.ConvDecoder(config, rng));
        }
        else
        {
            _decoder.Add(new Linear(width, config.InputSize, rng));
        }
        Likelihood = RegisterModule("likelihood", Likelihood.Create(config.Likelihood, config.GaussianStd));
        Noise = new RandomGenerator(config.Seed, stream: 1);
    }

    /// <summary>The configuration the model was built from.</summary>
    public VaeConfig Config { get; }

    /// <summary>p(x | z).</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Latent dimension.</summary>
    public int LatentDim => Config.LatentDim;

    /// <summary>True for a conditional VAE: every call needs labels.</summary>
    public bool IsConditional => Config.ClassCount > 0;

    /// <summary>The generator for ε and samples (seeded from the config; reseed it for reproducible draws).</summary>
    public RandomGenerator Noise { get; set; }

    /// <summary>q(z | x [, y]): the posterior mean and log-variance, each (N, latent). x is (N, example shape).</summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor x, int[]? labels = null)
    {
        var features = _encoderConv is null ? x.Flatten() : _encoderConv.Forward(x);
        var h = _encoder.Forward(WithLabels(features, labels));
        return (_fcMu.Forward(h), _fcLogVar.Forward(h));
    }

    /// <summary>z = μ + σ·ε with ε drawn from <see cref="Noise"/>.</summary>
    public Tensor Reparameterize(Tensor mean, Tensor logVar) => Ops.Reparameterize(mean, logVar, Tensor.RandnLike(Noise, mean));

    /// <summary>The decoder: likelihood parameters (N, example shape) — logits for Bernoulli, means for Gaussian —
    /// or E[x | z] when <paramref name="applySigmoid"/>.</summary>
    public Tensor Decode(Tensor z, bool applySigmoid = false, int[]? labels = null)
    {
        var output = _decoder.Forward(WithLabels(z, labels));
        if (_decoderConv is not null) output = _decoderConv.Forward(output);
        var shape = new int[Config.InputShape.Length + 1];
        shape[0] = z.Shape[0];
        Config.InputShape.CopyTo(shape, 1);
        output = output.Reshape(shape);
        return applySigmoid ? Likelihood.Mean(output) : output;
    }

    /// <summary><paramref name="count"/> new examples: E[x | z] for z ~ N(0, I) (of the given classes for a conditional model).</summary>
    public Tensor Sample(int count, int[]? labels = null)
    {
        var z = Tensor.Normal(Noise, 0f, 1f, count, LatentDim);
        return Decode(z, applySigmoid: true, labels);
    }

    /// <summary>The negative ELBO of a batch, per example: reconstruction + β·KL.</summary>
    public VaeLoss Loss(Tensor x, int[]? labels = null)
    {
        int n = x.Shape[0];
        var (mean, logVar) = Encode(x, labels);
        var z = Reparameterize(mean, logVar);
        var output = Decode(z, labels: labels);
        var recon = Likelihood.TotalNegLogLikelihood(output, x) * (1f / n);
        var kl = Ops.KlStandardNormal(mean, logVar, Reduction.Sum) * (1f / n);
        var total = Config.Beta == 1f ? recon + kl : recon + kl * Config.Beta;
        return new VaeLoss(total, recon, kl);
    }

    /// <summary>Joins the one-hot labels to <paramref name="features"/> (N, F) → (N, F + classes); checks they are given exactly when needed.</summary>
    public Tensor WithLabels(Tensor features, int[]? labels)
    {
        if (!IsConditional)
        {
            if (labels is not null) throw new ArgumentException("This model is not conditional; do not pass labels.");
            return features;
        }
        if (labels is null) throw new ArgumentException($"This conditional model needs a label (0 to {Config.ClassCount - 1}) for every example.");
        int n = features.Shape[0];
        if (labels.Length != n) throw new ArgumentException($"{labels.Length} labels for {n} examples.");
        var oneHot = Tensor.Zeros(n, Config.ClassCount);
        var d = oneHot.Data;
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)Config.ClassCount) throw new ArgumentException($"Label {labels[i]} is outside 0..{Config.ClassCount - 1}.");
            d[i * Config.ClassCount + labels[i]] = 1f;
        }
        return Ops.Concat([features, oneHot], 1);
    }
}
