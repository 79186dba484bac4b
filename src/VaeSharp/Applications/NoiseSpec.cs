using System.Globalization;
using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

// Corruptions of values in [0, 1], for denoising and the denoising VAE (Im, Ahn, Memisevic & Bengio, "Denoising
// Criterion for Variational Auto-Encoding Framework", AAAI 2017):
//   gaussian:σ      x̃ = clamp(x + σ ε, 0, 1),  ε ~ N(0, 1)
//   salt-pepper:p   each value becomes 0 or 1 (equally likely) with probability p
//   mask:p          each value becomes 0 with probability p (masking noise)

/// <summary>A corruption of values in [0, 1]: Gaussian, salt-and-pepper or masking noise.</summary>
public sealed class NoiseSpec
{
    private enum Kind { Gaussian, SaltPepper, Mask }

    private readonly Kind _kind;

    private NoiseSpec(string text, Kind kind, float level)
    {
        Text = text;
        _kind = kind;
        Level = level;
    }

    /// <summary>The text it was parsed from.</summary>
    public string Text { get; }

    /// <summary>σ, or the probability p.</summary>
    public float Level { get; }

    /// <summary>Parses gaussian:σ (σ &gt; 0), salt-pepper:p or mask:p (0 &lt; p &lt; 1).</summary>
    /// <exception cref="ArgumentException">Another text; the message shows the forms.</exception>
    public static NoiseSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        string name = colon < 0 ? text : text[..colon];
        bool ok = float.TryParse(colon < 0 ? "" : text[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out float level);
        Kind? kind = name switch { "gaussian" => Kind.Gaussian, "salt-pepper" => Kind.SaltPepper, "mask" => Kind.Mask, _ => null };
        if (kind is null || !ok || !(level > 0) || !float.IsFinite(level) || (kind != Kind.Gaussian && !(level < 1)))
            throw new ArgumentException($"noise '{text}': expected gaussian:SIGMA (SIGMA > 0), salt-pepper:P or mask:P (0 < P < 1).");
        return new NoiseSpec(text, kind.Value, level);
    }

    /// <summary>Corrupts <paramref name="values"/> in place, drawing from <paramref name="rng"/>.</summary>
    public void Apply(Span<float> values, RandomGenerator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        switch (_kind)
        {
            case Kind.Gaussian:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Clamp(values[i] + Level * rng.NextNormal(), 0f, 1f);
                break;
            case Kind.SaltPepper:
                for (int i = 0; i < values.Length; i++)
                {
                    float u = rng.NextFloat();
                    if (u < Level) values[i] = u < Level / 2 ? 0f : 1f;
                }
                break;
            default:
                for (int i = 0; i < values.Length; i++) if (rng.NextFloat() < Level) values[i] = 0f;
                break;
        }
    }
}
