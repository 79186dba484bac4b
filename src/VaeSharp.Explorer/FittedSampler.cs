using VaeSharp.Applications;
using VaeSharp.Engine.Random;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer;

/// <summary>A sampler of the library's (<see cref="LatentSampler"/>: the Gaussian mixture fitted by EM to the training
/// codes, or the aggregate posterior; <c>vae sample --sampler</c>) offered on the page under its CLI name
/// (<c>gmm</c>, <c>posterior</c>). The same generator gives the same codes as <c>vae sample --sampler NAME --seed s</c>;
/// a conditional model's sampler is per class and draws the codes of the class asked for.</summary>
/// <param name="sampler">The fitted sampler (<see cref="LatentSamplers.Open"/>).</param>
public sealed class FittedSampler(LatentSampler sampler) : ILatentSampler
{
    /// <inheritdoc />
    public string Name { get; } = ConfigJson.Name(sampler.Kind);

    /// <inheritdoc />
    public string Description => sampler.Description;

    /// <inheritdoc />
    public bool IsClassConditional => sampler.IsClassConditional;

    /// <inheritdoc />
    public float[] Sample(int count, RandomGenerator rng) => Sample(count, rng, null);

    /// <inheritdoc />
    public float[] Sample(int count, RandomGenerator rng, int? label)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!sampler.IsClassConditional) return sampler.Sample(rng, count);
        if (label is not int c) throw new ArgumentException($"The {Name} sampler of a conditional model draws per class; give a label.");
        return sampler.Sample(rng, count, [.. Enumerable.Repeat(c, count)]);
    }
}
