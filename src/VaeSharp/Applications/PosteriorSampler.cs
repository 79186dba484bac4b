using System.Globalization;
using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

/// <summary>
/// Codes from the aggregate posterior q(z) = (1/n) Σᵢ N(μᵢ, diag σᵢ²) of the training examples: i uniform, then
/// z = μᵢ + σᵢ ε; given the examples' labels, class y draws i among the examples of class y (q(z | y)).
/// </summary>
public sealed class PosteriorSampler : LatentSampler
{
    private readonly float[] _means, _logVars;
    private readonly int[][]? _byClass;

    /// <summary>The aggregate posterior of <paramref name="count"/> examples' posteriors N(μᵢ, diag exp(logvarᵢ)); with
    /// <paramref name="labels"/> (one per example, 0 to classCount − 1) it draws codes by class.</summary>
    /// <exception cref="ArgumentException">Sizes that do not match, values that are not finite, or labels out of range.</exception>
    public PosteriorSampler(float[] means, float[] logVars, int count, int latentDim, int[]? labels = null, int classCount = 0)
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
        if (labels is not null)
        {
            if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} posteriors.");
            if (classCount < 1 || labels.Any(l => (uint)l >= (uint)classCount)) throw new ArgumentException($"The labels must lie in 0..{classCount - 1}.");
            _byClass = [.. Enumerable.Range(0, classCount).Select(c => Enumerable.Range(0, count).Where(i => labels[i] == c).ToArray())];
            Labels = labels;
        }
    }

    /// <summary>The class of each posterior when the sampler draws by class; null otherwise.</summary>
    public int[]? Labels { get; }

    /// <inheritdoc />
    public override bool IsClassConditional => _byClass is not null;

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
    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"aggregate posterior of {Count} training examples{(IsClassConditional ? ", by class" : "")}");

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count)
    {
        if (IsClassConditional) throw new InvalidOperationException("This sampler draws by class; give the class of each code.");
        return Sample(rng, count, null);
    }

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count, int[]? labels)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        if (_byClass is not null && (labels is null || labels.Length != count)) throw new ArgumentException($"This sampler draws by class; give one label for each of the {count} codes.");
        int d = LatentDim;
        var z = new float[(long)count * d];
        for (int s = 0; s < count; s++)
        {
            int i;
            if (_byClass is null) i = rng.NextInt(Count);
            else
            {
                if ((uint)labels![s] >= (uint)_byClass.Length) throw new ArgumentException($"Label {labels[s]} is outside 0..{_byClass.Length - 1}.");
                var members = _byClass[labels[s]];
                if (members.Length == 0) throw new ArgumentException($"No training example of class {labels[s]} to draw a code from.");
                i = members[rng.NextInt(members.Length)];
            }
            for (int u = 0; u < d; u++)
                z[(long)s * d + u] = _means[(long)i * d + u] + MathF.Exp(0.5f * _logVars[(long)i * d + u]) * rng.NextNormal();
        }
        return z;
    }
}
