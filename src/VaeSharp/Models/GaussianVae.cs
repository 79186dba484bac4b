using VaeSharp.Distributions;
using VaeSharp.Engine.Tensors;
using VaeSharp.Networks;
using VaeSharp.Objectives;

namespace VaeSharp.Models;

/// <summary>
/// The shared shape of the Gaussian encoder–decoder families (the VAE, the conditional VAE, and the β-, TC- and DIP-
/// variants to come): encoder body → Gaussian head → q(z | x [, c]) = N(μ, diag σ²), decoder body → p(x | z [, c]),
/// prior N(0, I), and the ELBO's terms. A family says what its condition c is and what its loss adds.
/// Weights are drawn in this order from the model seed's <see cref="RngStream.Weights"/> stream: encoder, head, decoder.
/// </summary>
public abstract class GaussianVae : LatentVariableModel, IEncoderDecoderModel
{
    private readonly Encoder _encoder;
    private readonly GaussianHead _head;
    private readonly Decoder _decoder;

    /// <summary>Builds the parts for a condition of <paramref name="conditionWidth"/> values (0 for none).</summary>
    protected GaussianVae(ModelConfig config, int conditionWidth) : base(config)
    {
        var rng = RngStreams.Create(config.Seed, RngStream.Weights);
        _encoder = Register(new Encoder(config.Network, config.InputShape, conditionWidth, rng));
        _head = Register(new GaussianHead(_encoder.OutputWidth, config.LatentDim, rng));
        _decoder = Register(new Decoder(config.Network, config.LatentDim, conditionWidth, config.InputShape, rng));
        Likelihood = RegisterModule("likelihood", Likelihood.Create(config));
    }

    /// <inheritdoc />
    public override Likelihood Likelihood { get; }

    /// <inheritdoc />
    public override Prior Prior => StandardNormal.Instance;

    /// <inheritdoc />
    public override IReadOnlyList<string> LossTermNames => Elbo.TermNames;

    Encoder IEncoderDecoderModel.Encoder => _encoder;
    GaussianHead IEncoderDecoderModel.Head => _head;
    Decoder IEncoderDecoderModel.Decoder => _decoder;

    /// <summary>q(z | x, c) for inputs <paramref name="x"/> and the condition (null for none).</summary>
    protected DiagonalGaussian EncodeWith(Tensor x, Tensor? condition) => _head.Forward(_encoder.Forward(x, condition));

    /// <summary>The likelihood's parameters for codes <paramref name="z"/> and the condition (null for none).</summary>
    protected Tensor DecodeWith(Tensor z, Tensor? condition) => _decoder.Forward(z, condition);
}
