using System.Globalization;
using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

/// <summary>
/// Codes from the aggregate posterior q(z) = (1/n) Σᵢ N(μᵢ, diag σᵢ²) of the training examples: i uniform, then
/// z = μᵢ + σᵢ ε.
/// </summary>
public sealed class PosteriorSampler : LatentSampler
{
    private readonly float[] _means, _logVars;

    /// <summary>The aggregate posterior of <paramref name="count"/> examples' posteriors N(μᵢ, diag exp(logvarᵢ)).</summary>
    /// <exception cref="ArgumentException">Sizes that do not match, or values that are not finite.</exception>
    public PosteriorSampler(float[] means, float[] logVars, int count, int latentDim)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(logVars);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        if (means.Length != (long)count * latentDim || logVars.Length != means.Length)
            throw new ArgumentException($"{means.Length} means and {logVars.Length} log-variances are not {count} posteriors of dimension {latentDim}.");
        if (means.Any(v => !float.IsFinite(v)) || logVars.Any(v => !float.IsFinite(v))) throw new ArgumentException("The posteriors' means and log-variances must be finite.");
        _means = means;
        _logVars = logVars;
        Count = count;
        LatentDim = latentDim;
    }

    /// <summary>Number of training posteriors in the mixture.</summary>
    public int Count { get; }

    /// <summary>μᵢ, Count × LatentDim.</summary>
    public ReadOnlySpan<float> Means => _means;

    /// <summary>log σᵢ², Count × LatentDim.</summary>
    public ReadOnlySpan<float> LogVars => _logVars;

    /// <inheritdoc />
    public override SamplerKind Kind => SamplerKind.Posterior;

    /// <inheritdoc />
    public override int LatentDim { get; }

    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture, $"aggregate posterior of {Count} training examples");

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        int d = LatentDim;
        var z = new float[(long)count * d];
        for (int s = 0; s < count; s++)
        {
            int i = rng.NextInt(Count);
            for (int u = 0; u < d; u++)
                z[(long)s * d + u] = _means[(long)i * d + u] + MathF.Exp(0.5f * _logVars[(long)i * d + u]) * rng.NextNormal();
        }
        return z;
    }
}
