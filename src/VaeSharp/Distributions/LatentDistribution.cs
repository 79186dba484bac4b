using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// A distribution over a batch of latent codes, one row (N, D) per example: a model's posterior q(z | x).
/// Objectives and evaluations work through this type (sample, log-density, KL via the prior), so they never
/// assume a particular posterior. A diagonal Gaussian is the one built in; a codebook/categorical posterior
/// (VQ-VAE) is another subclass.
/// </summary>
public abstract class LatentDistribution
{
    /// <summary>Number of examples N.</summary>
    public abstract int Count { get; }

    /// <summary>Latent dimension D.</summary>
    public abstract int Dim { get; }

    /// <summary>A point summary (N, D): the mean for a Gaussian, the selected code for a codebook.</summary>
    public abstract Tensor Mean { get; }

    /// <summary>One draw z (N, D), differentiable with respect to the distribution's parameters where possible.</summary>
    public abstract Tensor Sample(RandomGenerator noise);

    /// <summary>One draw z with its log-density log q(z), shape (N), computed the cheapest exact way.</summary>
    public abstract (Tensor Z, Tensor LogProb) SampleWithLogProb(RandomGenerator noise);

    /// <summary>A reparameterised draw z = g(ε) from standard normal noise <paramref name="eps"/> (N, D), with its log q(z) (N):
    /// importance sampling fills ε from each example's own stream, so its estimate does not depend on batching. A
    /// posterior without such a form (a codebook) throws.</summary>
    /// <exception cref="NotSupportedException">The distribution is not a transform of standard normal noise.</exception>
    public virtual (Tensor Z, Tensor LogProb) SampleWithLogProb(Tensor eps) =>
        throw new NotSupportedException($"A {GetType().Name} posterior is not drawn from standard normal noise; importance sampling needs one that is (a Gaussian, or a hierarchy of them).");

    /// <summary>log q(z) per example (N), summed over the latent dimensions.</summary>
    public abstract Tensor LogProb(Tensor z);

    /// <summary>The distribution of the examples at <paramref name="rows"/>, in that order (rows may repeat):
    /// k copies of a batch for importance sampling.</summary>
    public abstract LatentDistribution SelectRows(int[] rows);
}
