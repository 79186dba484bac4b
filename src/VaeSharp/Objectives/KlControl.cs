using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Objectives;

/// <summary>
/// How the KL term enters the loss at one training step (the ELBO's KL controls, per example):
/// <code>
///   penalty = β·w·KL                                       β-VAE (Higgins 2017) × schedule weight w (warm-up, cyclical)
///   penalty = γ·|KL − C|                                   capacity control (Burgess et al. 2018), when γ &gt; 0
///   KL     → Σ_j max(λ, E_batch[KL_j])                     free bits (Kingma et al. 2016), when λ &gt; 0
/// </code>
/// The reported KL is always the plain analytic KL, so runs with different controls compare.
/// </summary>
/// <param name="Weight">w, the schedule's weight at this step (β comes from the model).</param>
/// <param name="FreeBits">λ per latent dimension in nats; 0 for none.</param>
/// <param name="CapacityGamma">γ; 0 switches capacity control off.</param>
/// <param name="Capacity">C at this step, in nats.</param>
public sealed record KlControl(float Weight = 1f, float FreeBits = 0f, float CapacityGamma = 0f, float Capacity = 0f)
{
    /// <summary>The plain KL with weight 1: evaluation, and training without controls.</summary>
    public static KlControl None { get; } = new();

    /// <summary>The penalty added to the reconstruction term, and the plain KL per example, for a batch of
    /// <paramref name="count"/> examples with posterior <paramref name="posterior"/>.</summary>
    public (Tensor Penalty, Tensor Kl) Apply(LatentDistribution posterior, Prior prior, int count, float beta)
    {
        Tensor kl, klTerm;
        if (FreeBits > 0f)
        {
            var perDim = Ops.Mean(prior.Kl(posterior, Reduction.None), 0);   // (latent): E_batch[KL_j]
            kl = Ops.Sum(perDim);
            klTerm = Ops.Sum(Ops.Clamp(perDim, FreeBits, float.MaxValue));
        }
        else
        {
            kl = prior.Kl(posterior, Reduction.Sum) * (1f / count);
            klTerm = kl;
        }
        if (CapacityGamma > 0f) return (Ops.Abs(klTerm - Capacity) * CapacityGamma, kl);
        float weight = beta * Weight;
        return (weight == 1f ? klTerm : klTerm * weight, kl);
    }
}
