namespace VaeSharp.Applications;

/// <summary>Where the latent codes of new samples come from.</summary>
public enum SamplerKind
{
    /// <summary>The prior p(z) = N(0, I), as the model was trained.</summary>
    Normal,

    /// <summary>A Gaussian mixture fitted by EM to the training set's posterior means (pythae's GaussianMixtureSampler).</summary>
    Gmm,

    /// <summary>The aggregate posterior q(z) = (1/n) Σᵢ q(z | xᵢ): a random training example's posterior, sampled.</summary>
    Posterior,
}
