using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>
/// The importance-weighted bound — Burda, Grosse &amp; Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016:
/// <code>
///   L_k(x) = log (1/k) Σ_i w_i,   w_i = p(x | z_i) p(z_i) / q(z_i | x),   z_i ~ q(z | x)
/// </code>
/// L_1 is the ELBO (with a one-sample KL); L_k ≤ log p(x) and tightens as k grows. The loss is −L_k per example.
/// Works with any model over the contract: the posterior's and the prior's log-densities come from their types.
/// </summary>
public static class Iwae
{
    /// <summary>log w_i for k samples of every example as a (k, N) tensor (sample-major, differentiable), with
    /// log p(x | z_i) (kN) and the posterior. <paramref name="draw"/> draws z with its log q(z) from the posterior of
    /// the k·N repeated rows (row j·N + i is sample j of example i); <see cref="Compute"/> passes <c>q =&gt; q.SampleWithLogProb(noise)</c>.</summary>
    public static (Tensor LogW, Tensor LogPx, LatentDistribution Posterior) LogWeights(LatentVariableModel model, Batch batch, int k,
        Func<LatentDistribution, (Tensor Z, Tensor LogProb)> draw)
    {
        int n = batch.Count;
        var posterior = model.Encode(batch);
        var ids = new int[k * n];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % n;
        var (z, logQ) = draw(posterior.SelectRows(ids));
        int[]? labels = model.IsConditional ? batch.Labels : null;
        int[]? repeatedLabels = labels is null ? null : ids.Select(i => labels[i]).ToArray();
        var target = batch.Target ?? batch.X;
        var xs = k == 1 ? target : Ops.IndexSelect(target, ids);
        var mask = batch.Mask is null ? null : k == 1 ? batch.Mask : Ops.IndexSelect(batch.Mask, ids);
        var logPx = -model.Likelihood.NegLogLikelihood(model.Decode(z, repeatedLabels), xs, mask);   // (kN), observed values only
        var logPz = model.Prior.LogProb(z);
        return (Ops.Reshape(logPx + logPz - logQ, k, n), logPx, posterior);
    }

    /// <summary>−L_k averaged over the batch, with the ELBO's terms reported beside it: neg_elbo = reconstruction + kl
    /// (mean −log p(x | z_i) over the k samples, and the analytic KL; for a hierarchical prior, whose KL has no closed form,
    /// the samples' mean log q(z_i | x) − log p(z_i)).</summary>
    public static ModelLoss Compute(LatentVariableModel model, Batch batch, int k, RandomGenerator noise)
    {
        int n = batch.Count;
        var (logW, logPx, posterior) = LogWeights(model, batch, k, q => q.SampleWithLogProb(noise));
        var total = -Ops.Mean(Ops.LogSumExp(logW, 0) - MathF.Log(k));
        using (GradMode.NoGrad())
        {
            var recon = -Ops.Mean(logPx);
            // A hierarchical prior's closed-form KL is only a mean-path summary; its ELBO's KL is the samples' log q − log p.
            var kl = model.Prior is HierarchicalPrior ? Ops.Mean(logPx - Ops.Reshape(logW, k * n)) : model.Prior.Kl(posterior, Reduction.Sum) * (1f / n);
            return new ModelLoss(total, new LossTerm(LossTermLabels.NegativeElbo, recon + kl),
                new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm(LossTermLabels.Kl, kl));
        }
    }

    /// <summary>The terms <see cref="Compute"/> returns.</summary>
    public static IReadOnlyList<string> TermNames { get; } = [LossTermLabels.NegativeElbo, LossTermLabels.Reconstruction, LossTermLabels.Kl];
}
