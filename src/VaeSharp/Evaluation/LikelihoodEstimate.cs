namespace VaeSharp.Evaluation;

/// <summary>Importance-sampled log-likelihood of a data set, per example in nats.</summary>
/// <param name="Nll">−log p(x) ≈ −log (1/k) Σ_i w_i, averaged over the examples (the literature's "NLL").</param>
/// <param name="Elbo">−E[log w], the negative ELBO estimated with the same k samples (≥ Nll).</param>
/// <param name="Samples">k.</param>
/// <param name="Count">Number of examples.</param>
public sealed record LikelihoodEstimate(double Nll, double Elbo, int Samples, int Count);
