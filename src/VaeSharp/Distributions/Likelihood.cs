using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// The decoder's distribution p(x | z). The decoder outputs its parameters (logits for a Bernoulli,
/// means for a Gaussian); this turns them into −log p(x | z) and E[x | z].
/// </summary>
public abstract class Likelihood : Module
{
    /// <summary>The name used in config files and on the command line.</summary>
    public abstract string Kind { get; }

    /// <summary>−log p(x | z) per example (shape (N)), summed over the example's values, in nats.</summary>
    public abstract Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x);

    /// <summary>−log p(x | z) summed over the whole batch (a scalar); the training path.</summary>
    public virtual Tensor TotalNegLogLikelihood(Tensor decoderOutput, Tensor x) => Engine.Autograd.Ops.Sum(NegLogLikelihood(decoderOutput, x));

    /// <summary>E[x | z] from the decoder output, same shape.</summary>
    public abstract Tensor Mean(Tensor decoderOutput);

    /// <summary>Creates the likelihood named <paramref name="kind"/>: bernoulli, gaussian (fixed σ) or gaussian-learned.</summary>
    public static Likelihood Create(string kind, float gaussianStd = 0.1f) => kind switch
    {
        "bernoulli" => new BernoulliLikelihood(),
        "gaussian" => new GaussianLikelihood(gaussianStd, learned: false),
        "gaussian-learned" => new GaussianLikelihood(gaussianStd, learned: true),
        _ => throw new ArgumentException($"Unknown likelihood '{kind}'; expected bernoulli, gaussian or gaussian-learned.", nameof(kind)),
    };
}
