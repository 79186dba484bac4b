using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Tensors;
using VaeSharp.Objectives;

namespace VaeSharp.Models;

/// <summary>The VAE's configuration (family <c>vae</c>).</summary>
public sealed record VaeConfig : ModelConfig, IKlWeighted
{
    /// <summary>Weight of the KL term: 1 is the VAE, &gt; 1 the β-VAE.</summary>
    public float Beta { get; init; } = 1f;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ValidateBeta(Beta);
    }
}

/// <summary>
/// The variational autoencoder — Kingma &amp; Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
/// <code>
///   q(z | x) = N(μ(x), diag σ²(x))      encoder body → Gaussian head (μ, log σ²)
///   z = μ + σ ⊙ ε,  ε ~ N(0, I)         reparameterisation
///   p(x | z)                            decoder body → likelihood parameters;   p(z) = N(0, I)
///   loss = −ELBO = E_q[−log p(x | z)] + β · KL(q(z | x) ‖ N(0, I)),   KL = −½ Σ (1 + log σ² − μ² − σ²)  (App. B)
/// </code>
/// β = 1 is the VAE; β &gt; 1 the β-VAE (Higgins et al., ICLR 2017).
/// State dict: <c>encoder_conv.{i}</c> (conv), <c>encoder.{i}</c>, <c>fc_mu</c>, <c>fc_logvar</c>, <c>decoder.{i}</c>,
/// <c>decoder_conv.{i}</c> (conv), <c>likelihood</c>.
/// </summary>
public sealed class Vae : GaussianVae
{
    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed.</summary>
    public Vae(VaeConfig config) : base(config, conditionWidth: 0) => Config = config;

    /// <summary>The configuration the model was built from.</summary>
    public new VaeConfig Config { get; }

    /// <inheritdoc />
    public override string Description => Config.Beta == 1f ? "VAE" : string.Create(CultureInfo.InvariantCulture, $"β-VAE (β = {Config.Beta})");

    /// <inheritdoc />
    public override DiagonalGaussian Encode(Batch batch) => EncodeWith(batch.X, null);

    /// <inheritdoc />
    public override Tensor Decode(Tensor z, int[]? labels = null)
    {
        RejectLabels(labels);
        return DecodeWith(z, null);
    }

    /// <inheritdoc />
    public override ModelLoss Loss(Batch batch, LossContext context) => Elbo.Compute(this, batch, context, Config.Beta);
}
