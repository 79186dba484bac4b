using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>
/// The importance-weighted bound — Burda, Grosse &amp; Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016:
/// <code>
///   L_k(x) = log (1/k) Σ_i w_i,   w_i = p(x | z_i) p(z_i) / q(z_i | x),   z_i ~ q(z | x)
///   log q(z_i | x) = −½ Σ_j (ε_ij² + log σ_j² + log 2π),   log p(z_i) = −½ Σ_j (z_ij² + log 2π)
/// </code>
/// L_1 is the ELBO (with a one-sample KL); L_k ≤ log p(x) and tightens as k grows. The loss is −L_k per example.
/// </summary>
public static class Iwae
{
    private static readonly float HalfLog2Pi = 0.5f * MathF.Log(2f * MathF.PI);

    /// <summary>log w_i for k samples of every example as a (k, N) tensor (sample-major, differentiable), with
    /// log p(x | z_i) (kN) and the posterior parameters.</summary>
    public static (Tensor LogW, Tensor LogPx, Tensor Mean, Tensor LogVar) LogWeights(Vae model, Tensor x, int[]? labels, int k)
    {
        int n = x.Shape[0];
        var (mean, logVar) = model.Encode(x, labels);
        var ids = new int[k * n];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % n;
        var mu = Ops.IndexSelect(mean, ids);
        var lv = Ops.IndexSelect(logVar, ids);
        var eps = Tensor.RandnLike(model.Noise, mu);
        var z = Ops.Reparameterize(mu, lv, eps);
        int[]? repeatedLabels = labels is null ? null : ids.Select(i => labels[i]).ToArray();
        var xs = k == 1 ? x : Ops.IndexSelect(x, ids);
        var logPx = -model.Likelihood.NegLogLikelihood(model.Decode(z, labels: repeatedLabels), xs);   // (kN)
        float constant = model.LatentDim * HalfLog2Pi;
        var logPz = Ops.Sum(Ops.Square(z), 1) * -0.5f - constant;
        var epsSq = Ops.Sum(Ops.Square(eps), 1);
        var logQ = (Ops.Sum(lv, 1) + epsSq) * -0.5f - constant;
        return (Ops.Reshape(logPx + logPz - logQ, k, n), logPx, mean, logVar);
    }

    /// <summary>−L_k averaged over the batch; Reconstruction and Kl are reported as the ELBO's (mean −log p(x | z_i) and analytic KL).</summary>
    public static VaeLoss Compute(Vae model, Tensor x, int[]? labels, int k)
    {
        int n = x.Shape[0];
        var (logW, logPx, mean, logVar) = LogWeights(model, x, labels, k);
        var total = -Ops.Mean(Ops.LogSumExp(logW, 0) - MathF.Log(k));
        using (GradMode.NoGrad())
        {
            var recon = -Ops.Mean(logPx) * 1f;
            var kl = Ops.KlStandardNormal(mean, logVar, Reduction.Sum) * (1f / n);
            return new VaeLoss(total, recon, kl);
        }
    }
}
