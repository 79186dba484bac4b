namespace VaeSharp.Applications;

/// <summary>What an anomaly score measures (higher = more anomalous); config and CLI names neg-elbo, nll, reconstruction.</summary>
public enum AnomalyScoreKind
{
    /// <summary>−ELBO(x) = E_q[−log p(x | z)] + KL(q(z | x) ‖ p(z)), nats: an upper bound on −log p(x).</summary>
    NegElbo,
    /// <summary>−log p(x) estimated by importance sampling with k samples of q(z | x), nats.</summary>
    Nll,
    /// <summary>Σ (x − E[x | z = μ(x)])², the squared reconstruction error through the posterior mean.</summary>
    Reconstruction,
}
