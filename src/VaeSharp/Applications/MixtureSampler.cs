using System.Globalization;
using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

/// <summary>Codes from a Gaussian mixture fitted to the training set's posterior means.</summary>
public sealed class MixtureSampler(GaussianMixture mixture) : LatentSampler
{
    /// <summary>The mixture.</summary>
    public GaussianMixture Mixture { get; } = mixture ?? throw new ArgumentNullException(nameof(mixture));

    /// <inheritdoc />
    public override SamplerKind Kind => SamplerKind.Gmm;

    /// <inheritdoc />
    public override int LatentDim => Mixture.Dimension;

    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"Gaussian mixture, {Mixture.Components} components (EM, {Mixture.Iterations} iterations{(Mixture.Converged ? "" : ", not converged")})");

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count) => Mixture.Sample(rng, count);
}
