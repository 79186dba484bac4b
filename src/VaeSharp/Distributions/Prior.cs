using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// A model's prior p(z) over codes of dimension D: draws for generation, the log-density for importance
/// weights, and the KL from a posterior where it has a closed form. The standard normal is built in; a learned
/// prior (mixture, autoregressive, codebook) is another subclass.
/// </summary>
public abstract class Prior
{
    /// <summary>What the prior is, in a few words for reports ("N(0, I)").</summary>
    public virtual string Description => GetType().Name;

    /// <summary><paramref name="count"/> codes (count, <paramref name="dim"/>).</summary>
    public abstract Tensor Sample(RandomGenerator rng, int count, int dim);

    /// <summary>log p(z) per example (N), summed over the latent dimensions.</summary>
    public abstract Tensor LogProb(Tensor z);

    /// <summary>KL(q ‖ p): per element (N, D) for <see cref="Reduction.None"/>, else summed or averaged over everything.</summary>
    /// <exception cref="NotSupportedException">No closed form for this posterior type.</exception>
    public abstract Tensor Kl(LatentDistribution posterior, Reduction reduction);
}
