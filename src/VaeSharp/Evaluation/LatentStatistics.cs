using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>
/// How the latent space is used over a data set: per dimension u, the activity A_u = Cov_x(E_q[z_u]) — the
/// variance over examples of the posterior mean — and the average KL(q(z_u | x) ‖ p(z_u)). Dimension u is
/// "active" when A_u &gt; 0.01 (Burda et al. 2016, §5.2). For a model with several stochastic layers (a
/// <see cref="HierarchicalPrior"/>) the code is the layers side by side and the counts are also given per layer; E_q[z]
/// is then the posterior's ancestral mean (each layer's mean given its parent's mean) and the KL the analytic one along
/// that path (<see cref="HierarchicalPrior.Kl"/>).
/// </summary>
/// <param name="Activity">A_u per latent dimension.</param>
/// <param name="KlPerDimension">Average KL per latent dimension, nats.</param>
/// <param name="Threshold">The activity threshold.</param>
/// <param name="LayerSizes">|z_i| per stochastic layer (z₁ first) for a hierarchical model; null for one layer.</param>
public sealed record LatentStatistics(double[] Activity, double[] KlPerDimension, double Threshold, IReadOnlyList<int>? LayerSizes = null)
{
    /// <summary>Number of dimensions with activity above the threshold.</summary>
    public int ActiveUnits => Activity.Count(a => a > Threshold);

    /// <summary>Active units of each stochastic layer (z₁ first); one entry for a one-layer model.</summary>
    public int[] ActiveUnitsPerLayer
    {
        get
        {
            var sizes = LayerSizes ?? [Activity.Length];
            var counts = new int[sizes.Count];
            for (int i = 0, at = 0; i < sizes.Count; at += sizes[i], i++)
                counts[i] = Activity.Skip(at).Take(sizes[i]).Count(a => a > Threshold);
            return counts;
        }
    }

    /// <summary>Computes the statistics of <paramref name="model"/> over <paramref name="data"/> (no sampling: deterministic).</summary>
    public static LatentStatistics Compute(LatentVariableModel model, IDataset data, double threshold = 0.01, int batchSize = Inference.DefaultBatchSize)
    {
        int l = model.LatentDim;
        var mean = new double[l];
        var sq = new double[l];
        var kl = new double[l];
        Inference.ForEachBatch(model, data, (batch, _) =>
        {
            var posterior = model.Encode(batch);
            var klTerms = model.Prior.Kl(posterior, Reduction.None).Data;
            var m = posterior.Mean.Data;
            for (int i = 0; i < batch.Count; i++)
                for (int u = 0; u < l; u++)
                {
                    double v = m[i * l + u];
                    mean[u] += v; sq[u] += v * v; kl[u] += klTerms[i * l + u];
                }
        }, batchSize);
        int count = data.Count;
        var activity = new double[l];
        for (int u = 0; u < l; u++)
        {
            double mu = mean[u] / count;
            activity[u] = Math.Max(0, sq[u] / count - mu * mu);
            kl[u] /= count;
        }
        return new LatentStatistics(activity, kl, threshold, model.Prior is HierarchicalPrior h ? h.Sizes : null);
    }
}
