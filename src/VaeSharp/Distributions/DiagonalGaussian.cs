using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// q(z | x) = N(μ, diag σ²), parameterised by the mean and the log-variance, each (N, D):
/// <code>
///   z = μ + σ ⊙ ε,  ε ~ N(0, I)                                   reparameterisation (Kingma &amp; Welling 2014)
///   log q(z) = −½ Σ_j ((z_j − μ_j)²/σ_j² + log σ_j² + log 2π)
///            = −½ Σ_j (ε_j² + log σ_j² + log 2π)                   at z = μ + σ ⊙ ε
///   KL(q ‖ N(0, I)) = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)         (App. B)
///   KL(q ‖ p)  = ½ Σ_j (log σ_p² − log σ_q² + (σ_q² + (μ_q − μ_p)²)/σ_p² − 1)
/// </code>
/// </summary>
public sealed class DiagonalGaussian : LatentDistribution
{
    internal static readonly float HalfLog2Pi = 0.5f * MathF.Log(2f * MathF.PI);

    /// <summary>Wraps the parameters; both (N, D).</summary>
    public DiagonalGaussian(Tensor mean, Tensor logVar)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVar);
        if (mean.Rank != 2 || !mean.Shape.SequenceEqual(logVar.Shape))
            throw new ArgumentException($"A diagonal Gaussian needs mean and log-variance of one (N, D) shape; got {Format(mean.Shape)} and {Format(logVar.Shape)}.");
        Mean = mean;
        LogVar = logVar;
    }

    /// <inheritdoc />
    public override Tensor Mean { get; }

    /// <summary>log σ², (N, D).</summary>
    public Tensor LogVar { get; }

    /// <inheritdoc />
    public override int Count => Mean.Shape[0];

    /// <inheritdoc />
    public override int Dim => Mean.Shape[1];

    /// <inheritdoc />
    public override Tensor Sample(RandomGenerator noise) => Reparameterize(Tensor.RandnLike(noise, Mean));

    /// <summary>z = μ + σ ⊙ ε for a given ε (N, D).</summary>
    public Tensor Reparameterize(Tensor eps) => Ops.Reparameterize(Mean, LogVar, eps);

    /// <inheritdoc />
    public override (Tensor Z, Tensor LogProb) SampleWithLogProb(RandomGenerator noise) => SampleWithLogProb(Tensor.RandnLike(noise, Mean));

    /// <summary>z = μ + σ ⊙ ε with log q(z) = −½ Σ (ε² + log σ² + log 2π), for a given ε.</summary>
    public override (Tensor Z, Tensor LogProb) SampleWithLogProb(Tensor eps)
    {
        var z = Reparameterize(eps);
        var logQ = (Ops.Sum(LogVar, 1) + Ops.Sum(Ops.Square(eps), 1)) * -0.5f - Dim * HalfLog2Pi;
        return (z, logQ);
    }

    /// <inheritdoc />
    public override Tensor LogProb(Tensor z)
    {
        var standardised = Ops.Square(z - Mean) * Ops.Exp(-LogVar);
        return (Ops.Sum(standardised, 1) + Ops.Sum(LogVar, 1)) * -0.5f - Dim * HalfLog2Pi;
    }

    /// <summary>KL(q ‖ N(0, I)) per element (N, D), or summed/averaged by <paramref name="reduction"/>.</summary>
    public Tensor KlToStandardNormal(Reduction reduction = Reduction.Sum) => Ops.KlStandardNormal(Mean, LogVar, reduction);

    /// <summary>KL(q ‖ p) to another diagonal Gaussian of the same shape, per element (N, D) or reduced.</summary>
    public Tensor KlTo(DiagonalGaussian p, Reduction reduction = Reduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (!p.Mean.Shape.SequenceEqual(Mean.Shape))
            throw new ArgumentException($"KL between Gaussians of shapes {Format(Mean.Shape)} and {Format(p.Mean.Shape)}.");
        var diff = Mean - p.Mean;
        var terms = (p.LogVar - LogVar + (Ops.Exp(LogVar) + Ops.Square(diff)) * Ops.Exp(-p.LogVar) - 1f) * 0.5f;
        return reduction switch
        {
            Reduction.None => terms,
            Reduction.Sum => Ops.Sum(terms),
            Reduction.Mean => Ops.Mean(terms),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, null),
        };
    }

    private static string Format(ReadOnlySpan<int> shape) => $"({string.Join(", ", shape.ToArray())})";

    /// <inheritdoc />
    public override LatentDistribution SelectRows(int[] rows) => new DiagonalGaussian(Ops.IndexSelect(Mean, rows), Ops.IndexSelect(LogVar, rows));
}
