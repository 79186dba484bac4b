namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>Sample sizes and seed of the disentanglement metrics; the defaults are disentanglement_lib's gin files
/// (unsupervised_study_v1/metric_configs).</summary>
public sealed record DisentanglementSettings
{
    /// <summary>Seed of the metrics' draws (stream <see cref="RngStream.DisentanglementMetrics"/>, forked per metric).</summary>
    public ulong Seed { get; init; }

    /// <summary>Training points of every metric (num_train).</summary>
    public int TrainPoints { get; init; } = 10_000;

    /// <summary>Evaluation / test points (num_eval, num_test).</summary>
    public int EvalPoints { get; init; } = 5_000;

    /// <summary>Examples per training point of the BetaVAE and FactorVAE scores (batch_size).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Examples of the FactorVAE score's global variance estimate (num_variance_estimate).</summary>
    public int VarianceEstimatePoints { get; init; } = 10_000;

    /// <summary>The FactorVAE score keeps code dimensions whose standard deviation is at least this (prune_dims.threshold).</summary>
    public double PruneThreshold { get; init; } = 0.05;

    /// <summary>Bins of the histogram discretisation of MIG and modularity (discretizer.num_bins).</summary>
    public int Bins { get; init; } = 20;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (TrainPoints < 2) throw new ArgumentException($"train points {TrainPoints}: expected at least 2.");
        if (EvalPoints < 1) throw new ArgumentException($"eval points {EvalPoints}: expected at least 1.");
        if (BatchSize < 2) throw new ArgumentException($"batch size {BatchSize}: expected at least 2 (variances need two examples).");
        if (VarianceEstimatePoints < 2) throw new ArgumentException($"variance estimate points {VarianceEstimatePoints}: expected at least 2.");
        if (!(PruneThreshold >= 0) || !double.IsFinite(PruneThreshold)) throw new ArgumentException($"prune threshold {PruneThreshold}: expected a value ≥ 0.");
        if (Bins < 2) throw new ArgumentException($"bins {Bins}: expected at least 2.");
    }
}
