namespace VaeSharp.Applications;

/// <summary>The anomaly scores of every example of a data set (higher = more anomalous), in the data set's order.</summary>
/// <param name="NegElbo">−ELBO per example, nats.</param>
/// <param name="Nll">Importance-sampled −log p(x) per example, nats; null when not asked for.</param>
/// <param name="Reconstruction">Squared reconstruction error per example.</param>
/// <param name="ImportanceSamples">k of <paramref name="Nll"/>, 0 when it was not computed.</param>
public sealed record AnomalyScores(double[] NegElbo, double[]? Nll, double[] Reconstruction, int ImportanceSamples)
{
    /// <summary>Number of examples.</summary>
    public int Count => NegElbo.Length;

    /// <summary>True when <paramref name="kind"/> was computed.</summary>
    public bool Has(AnomalyScoreKind kind) => kind != AnomalyScoreKind.Nll || Nll is not null;

    /// <summary>The scores of <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidOperationException">The importance-sampled likelihood was not computed.</exception>
    public double[] Of(AnomalyScoreKind kind) => kind switch
    {
        AnomalyScoreKind.NegElbo => NegElbo,
        AnomalyScoreKind.Nll => Nll ?? throw new InvalidOperationException("The importance-sampled −log p(x) was not computed (ask for it with k samples)."),
        AnomalyScoreKind.Reconstruction => Reconstruction,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown score."),
    };

    /// <summary>The kinds computed, in declaration order.</summary>
    public IReadOnlyList<AnomalyScoreKind> Kinds => [.. Enum.GetValues<AnomalyScoreKind>().Where(Has)];
}
