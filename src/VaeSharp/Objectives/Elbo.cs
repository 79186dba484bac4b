using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>
/// The VAE objective −ELBO with the KL controls of the literature, per example:
/// <code>
///   recon = E_q[−log p(x | z)]                                   (one sample)
///   KL    = KL(q(z | x) ‖ N(0, I)) = Σ_j KL_j                     (analytic)
///   loss  = recon + β·w(t)·KL                                    β-VAE (Higgins 2017) × schedule w(t) (warm-up, cyclical)
///   loss  = recon + γ·|KL − C(t)|,  C(t) = C_max·min(1, t/T_C)   capacity control (Burgess et al. 2018)
///   KL   → Σ_j max(λ, E_batch[KL_j])                             free bits (Kingma et al. 2016, IAF paper)
/// </code>
/// The reported Kl is always the plain analytic KL, so runs with different controls compare.
/// </summary>
public static class Elbo
{
    /// <summary>The loss of a batch at training step <paramref name="step"/>.</summary>
    public static VaeLoss Compute(Vae model, Tensor x, int[]? labels, ObjectiveOptions options, KlSchedule schedule, long step)
    {
        int n = x.Shape[0];
        var (mean, logVar) = model.Encode(x, labels);
        var z = model.Reparameterize(mean, logVar);
        var recon = model.Likelihood.TotalNegLogLikelihood(model.Decode(z, labels: labels), x) * (1f / n);
        Tensor kl, klTerm;
        if (options.FreeBits > 0f)
        {
            var perDim = Ops.Mean(Ops.KlStandardNormal(mean, logVar, Reduction.None), 0);   // (latent): E_batch[KL_j]
            kl = Ops.Sum(perDim);
            klTerm = Ops.Sum(Ops.Clamp(perDim, options.FreeBits, float.MaxValue));
        }
        else
        {
            kl = Ops.KlStandardNormal(mean, logVar, Reduction.Sum) * (1f / n);
            klTerm = kl;
        }
        Tensor total;
        if (options.CapacityGamma > 0f)
        {
            float c = options.CapacityMax * (float)Math.Min(1.0, (double)step / options.CapacitySteps);
            total = recon + Ops.Abs(klTerm - c) * options.CapacityGamma;
        }
        else
        {
            float weight = model.Config.Beta * schedule.Weight(step);
            total = weight == 1f ? recon + klTerm : recon + klTerm * weight;
        }
        return new VaeLoss(total, recon, kl);
    }
}
