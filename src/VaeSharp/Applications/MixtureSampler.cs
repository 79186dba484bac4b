using System.Globalization;
using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

/// <summary>Codes from a Gaussian mixture fitted to the training set's posterior means — for a conditional model one
/// mixture per class, fitted to that class's posterior means.</summary>
public sealed class MixtureSampler : LatentSampler
{
    private readonly GaussianMixture[] _mixtures;

    /// <summary>One mixture for every code.</summary>
    public MixtureSampler(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        _mixtures = [mixture];
    }

    /// <summary>One mixture per class (class c draws from <paramref name="perClass"/>[c]).</summary>
    /// <exception cref="ArgumentException">No mixtures, or mixtures of different dimensions.</exception>
    public MixtureSampler(IReadOnlyList<GaussianMixture> perClass)
    {
        ArgumentNullException.ThrowIfNull(perClass);
        if (perClass.Count == 0) throw new ArgumentException("Give one mixture per class.");
        if (perClass.Any(m => m.Dimension != perClass[0].Dimension)) throw new ArgumentException("The mixtures differ in dimension.");
        _mixtures = [.. perClass];
        IsClassConditional = true;
    }

    /// <summary>The mixtures: one, or one per class.</summary>
    public IReadOnlyList<GaussianMixture> Mixtures => _mixtures;

    /// <inheritdoc />
    public override bool IsClassConditional { get; }

    /// <inheritdoc />
    public override SamplerKind Kind => SamplerKind.Gmm;

    /// <inheritdoc />
    public override int LatentDim => _mixtures[0].Dimension;

    /// <inheritdoc />
    public override string Description => IsClassConditional
        ? string.Create(CultureInfo.InvariantCulture, $"Gaussian mixture per class, {_mixtures[0].Components} components each ({_mixtures.Length} classes, EM)")
        : string.Create(CultureInfo.InvariantCulture,
            $"Gaussian mixture, {_mixtures[0].Components} components (EM, {_mixtures[0].Iterations} iterations{(_mixtures[0].Converged ? "" : ", not converged")})");

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count)
    {
        if (IsClassConditional) throw new InvalidOperationException("This sampler has a mixture per class; give the class of each code.");
        return _mixtures[0].Sample(rng, count);
    }

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count, int[]? labels)
    {
        if (!IsClassConditional) return Sample(rng, count);
        ArgumentNullException.ThrowIfNull(rng);
        if (labels is null || labels.Length != count) throw new ArgumentException($"This sampler has a mixture per class; give one label for each of the {count} codes.");
        int d = LatentDim;
        var z = new float[(long)count * d];
        for (int i = 0; i < count; i++)
        {
            if ((uint)labels[i] >= (uint)_mixtures.Length) throw new ArgumentException($"Label {labels[i]} is outside 0..{_mixtures.Length - 1}.");
            _mixtures[labels[i]].Sample(rng, 1).CopyTo(z.AsSpan(i * d));
        }
        return z;
    }
}
