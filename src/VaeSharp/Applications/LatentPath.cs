namespace VaeSharp.Applications;

/// <summary>
/// Paths between latent codes: the points <c>path(t)</c>, t = 0, 1/(steps − 1), ..., 1, from <c>a</c> to <c>b</c>.
/// <code>
///   lerp(a, b; t)  = (1 − t) a + t b
///   slerp(a, b; t) = sin((1 − t) Ω) / sin Ω · a + sin(t Ω) / sin Ω · b,   cos Ω = a·b / (‖a‖ ‖b‖)
/// </code>
/// Slerp falls back to lerp when Ω is too small for the division (parallel codes) or when either code is zero; for
/// antiparallel codes (Ω = π) the great circle is not unique and slerp is refused.
/// </summary>
public static class LatentPath
{
    /// <summary>One point of the path at <paramref name="t"/> ∈ [0, 1].</summary>
    public static float[] At(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double t, InterpolationMode mode)
    {
        if (a.Length != b.Length) throw new ArgumentException($"The two codes differ in length ({a.Length} and {b.Length}).");
        if (a.Length == 0) throw new ArgumentException("The codes are empty.");
        if (!double.IsFinite(t) || t < 0 || t > 1) throw new ArgumentOutOfRangeException(nameof(t), t, "t must be in [0, 1].");
        var (wa, wb) = mode == InterpolationMode.Lerp ? (1 - t, t) : SlerpWeights(a, b, t);
        var point = new float[a.Length];
        for (int i = 0; i < point.Length; i++) point[i] = (float)(wa * a[i] + wb * b[i]);
        return point;
    }

    /// <summary><paramref name="steps"/> ≥ 2 points from <paramref name="a"/> (first) to <paramref name="b"/> (last),
    /// evenly spaced in t; row-major (steps × length).</summary>
    public static float[] Between(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int steps, InterpolationMode mode)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A path needs at least 2 steps (its two ends).");
        var path = new float[steps * a.Length];
        for (int s = 0; s < steps; s++)
        {
            // The ends are the codes themselves, bit for bit.
            var point = s == 0 ? a.ToArray() : s == steps - 1 ? b.ToArray() : At(a, b, (double)s / (steps - 1), mode);
            point.CopyTo(path.AsSpan(s * a.Length));
        }
        return path;
    }

    private static (double Wa, double Wb) SlerpWeights(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double t)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        if (!double.IsFinite(dot) || !double.IsFinite(na) || !double.IsFinite(nb)) throw new ArgumentException("The codes must be finite.");
        if (na == 0 || nb == 0) return (1 - t, t);
        double cos = Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1);
        double omega = Math.Acos(cos);
        double sin = Math.Sin(omega);
        if (sin < 1e-6)
        {
            if (cos < 0) throw new ArgumentException("Slerp between opposite codes is undefined (every great circle joins them); use lerp or another pair.");
            return (1 - t, t);
        }
        return (Math.Sin((1 - t) * omega) / sin, Math.Sin(t * omega) / sin);
    }
}
