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

    /// <summary>−log p(x | z) per example (shape (N)) over the observed values only: <paramref name="mask"/> (same shape as
    /// x; 1 observed, 0 missing) or null when all are observed. Missing values add nothing (as in MIWAE and HI-VAE).</summary>
    /// <exception cref="NotSupportedException">A mask is given and this likelihood cannot skip values.</exception>
    public virtual Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x, Tensor? mask) => mask is null
        ? NegLogLikelihood(decoderOutput, x)
        : throw new NotSupportedException($"The {Kind} likelihood cannot skip missing values (a mask).");

    /// <summary>The masked −log p(x | z) summed over the whole batch (a scalar).</summary>
    public virtual Tensor TotalNegLogLikelihood(Tensor decoderOutput, Tensor x, Tensor? mask) => mask is null
        ? TotalNegLogLikelihood(decoderOutput, x)
        : Engine.Autograd.Ops.Sum(NegLogLikelihood(decoderOutput, x, mask));

    /// <summary>E[x | z] from the decoder output, same shape.</summary>
    public abstract Tensor Mean(Tensor decoderOutput);

    /// <summary>Creates the likelihood <paramref name="kind"/>; <paramref name="gaussianStd"/> is σ (fixed, or initial when learned).</summary>
    public static Likelihood Create(LikelihoodKind kind, float gaussianStd = 0.1f) => kind switch
    {
        LikelihoodKind.Bernoulli => new BernoulliLikelihood(),
        LikelihoodKind.Gaussian => new GaussianLikelihood(gaussianStd, learned: false),
        LikelihoodKind.GaussianLearned => new GaussianLikelihood(gaussianStd, learned: true),
        LikelihoodKind.Table => throw new ArgumentException("The table likelihood is built from its blocks: Likelihood.Create(config)."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown likelihood."),
    };

    /// <summary>Creates the likelihood a model configuration names (a table's from its <see cref="Models.ModelConfig.TableBlocks"/>).</summary>
    public static Likelihood Create(Models.ModelConfig config) => config.Likelihood == LikelihoodKind.Table
        ? new TableLikelihood(config.TableBlocks ?? throw new ArgumentException("likelihood table: table_blocks missing."), config.GaussianStd)
        : Create(config.Likelihood, config.GaussianStd);
}
