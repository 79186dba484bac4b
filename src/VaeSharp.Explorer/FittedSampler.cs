using VaeSharp.Applications;
using VaeSharp.Engine.Random;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer;

/// <summary>A sampler of the library's (<see cref="LatentSampler"/>: the Gaussian mixture fitted by EM to the training
/// codes, or the aggregate posterior; <c>vae sample --sampler</c>) offered on the page under its CLI name
/// (<c>gmm</c>, <c>posterior</c>). The same generator gives the same codes as <c>vae sample --sampler NAME --seed s</c>
/// for an unconditional model; a class-conditional sampler draws here over all classes.</summary>
/// <param name="sampler">The fitted sampler (<see cref="LatentSamplers.Open"/>).</param>
public sealed class FittedSampler(LatentSampler sampler) : ILatentSampler
{
    /// <inheritdoc />
    public string Name { get; } = ConfigJson.Name(sampler.Kind);

    /// <inheritdoc />
    public string Description => sampler.Description;

    /// <inheritdoc />
    public float[] Sample(int count, RandomGenerator rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return sampler.Sample(rng, count);
    }
}
