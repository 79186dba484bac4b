namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>One disentanglement metric's value with how it was estimated.</summary>
/// <param name="Key">Its usual short name: <c>beta_vae</c>, <c>factor_vae</c>, <c>mig</c>, <c>dci_disentanglement</c>,
/// <c>dci_completeness</c>, <c>dci_informativeness</c>, <c>sap</c>, <c>modularity</c>, <c>explicitness</c>.</param>
/// <param name="Value">The score (higher is better; 1 is the best possible).</param>
/// <param name="Estimator">The estimator in one sentence, precise enough to recompute it.</param>
/// <param name="Details">Side figures (training accuracy, active dimensions, ...), by name.</param>
public sealed record MetricScore(string Key, double Value, string Estimator, IReadOnlyDictionary<string, double> Details);
