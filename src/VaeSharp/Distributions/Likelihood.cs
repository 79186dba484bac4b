using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// The decoder's distribution p(x | z). The decoder outputs its parameters (logits for a Bernoulli,
/// means for a Gaussian); this turns them into −log p(x | z) and E[x | z].
/// </summary>
public abstract class Likelihood : Module
{
    /// <summary>Which likelihood this is.</summary>
    public abstract LikelihoodKind Kind { get; }

    /// <summary>−log p(x | z) per example (shape (N)), summed over the example's values, in nats.</summary>
    public abstract Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x);

    /// <summary>−log p(x | z) summed over the whole batch (a scalar); the training path.</summary>
    public virtual Tensor TotalNegLogLikelihood(Tensor decoderOutput, Tensor x) => Engine.Autograd.Ops.Sum(NegLogLikelihood(decoderOutput, x));

    /// <summary>E[x | z] from the decoder output, same shape.</summary>
    public abstract Tensor Mean(Tensor decoderOutput);

    /// <summary>Creates the likelihood <paramref name="kind"/>; <paramref name="gaussianStd"/> is σ (fixed, or initial when learned).</summary>
    public static Likelihood Create(LikelihoodKind kind, float gaussianStd = 0.1f) => kind switch
    {
        LikelihoodKind.Bernoulli => new BernoulliLikelihood(),
        LikelihoodKind.Gaussian => new GaussianLikelihood(gaussianStd, learned: false),
        LikelihoodKind.GaussianLearned => new GaussianLikelihood(gaussianStd, learned: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown likelihood."),
    };
}
