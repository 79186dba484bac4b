using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

/// <summary>
/// A distribution over latent codes to decode new samples from. The prior N(0, I) is what a VAE is trained to match,
/// but the aggregate posterior q(z) = (1/n) Σᵢ q(z | xᵢ) that the decoder actually saw rarely fills it (Hoffman &amp;
/// Johnson 2016, "ELBO surgery"), so codes drawn from a density fitted to q(z) — a Gaussian mixture, or q(z) itself —
/// land where the decoder was trained and give more realistic samples (Ghosh et al. 2020; pythae's GMM sampler).
/// For a conditional model the fitted samplers are per class, q(z | y) = mean of q(z | xᵢ, y) over the examples of
/// class y, so a code drawn for class y is one the decoder saw with label y (<see cref="IsClassConditional"/>).
/// Made by <see cref="LatentSamplers"/>; draws are deterministic for a given generator.
/// </summary>
public abstract class LatentSampler
{
    /// <summary>Which sampler this is.</summary>
    public abstract SamplerKind Kind { get; }

    /// <summary>Latent dimension of the codes.</summary>
    public abstract int LatentDim { get; }

    /// <summary>A short description ("N(0, I)", "Gaussian mixture, 10 components (EM, 23 iterations)").</summary>
    public abstract string Description { get; }

    /// <summary>True when the codes depend on the class they are drawn for (then <see cref="Sample(RandomGenerator, int, int[])"/> needs labels).</summary>
    public virtual bool IsClassConditional => false;

    /// <summary><paramref name="count"/> codes, count × <see cref="LatentDim"/> values.</summary>
    /// <exception cref="InvalidOperationException">The sampler is class-conditional; give labels.</exception>
    public abstract float[] Sample(RandomGenerator rng, int count);

    /// <summary><paramref name="count"/> codes, code i for class <paramref name="labels"/>[i] when the sampler is class-conditional
    /// (labels are ignored otherwise, and may be null).</summary>
    public virtual float[] Sample(RandomGenerator rng, int count, int[]? labels) => Sample(rng, count);
}
