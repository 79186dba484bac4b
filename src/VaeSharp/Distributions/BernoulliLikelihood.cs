using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// p(x | z) = Π Bernoulli(x_i; σ(logit_i)). −log p = Σ BCE-with-logits (exact for grey values in [0, 1]
/// too, as binary cross-entropy, the seeds' reconstruction loss).
/// </summary>
public sealed class BernoulliLikelihood : Likelihood
{
    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.Bernoulli;

    /// <inheritdoc />
    public override Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x)
    {
        var terms = Ops.BinaryCrossEntropyWithLogits(decoderOutput.Flatten(), x.Flatten(), Reduction.None);
        return Ops.Sum(terms, 1);
    }

    /// <inheritdoc />
    public override Tensor TotalNegLogLikelihood(Tensor logits, Tensor x) =>
        Ops.BinaryCrossEntropyWithLogits(logits.Flatten(), x.Flatten(), Reduction.Sum);

    /// <inheritdoc />
    public override Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x, Tensor? mask)
    {
        if (mask is null) return NegLogLikelihood(decoderOutput, x);
        var terms = Ops.BinaryCrossEntropyWithLogits(decoderOutput.Flatten(), x.Flatten(), Reduction.None);
        return Ops.Sum(terms * mask.Flatten(), 1);
    }

    /// <inheritdoc />
    public override Tensor Mean(Tensor decoderOutput) => Ops.Sigmoid(decoderOutput);
}
