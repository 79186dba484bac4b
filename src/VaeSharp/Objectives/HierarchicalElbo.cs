using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>
/// The negative ELBO of a model with L stochastic layers (the hierarchical families), per example, with one draw
/// z = [z₁, …, z_L] ~ q(z | x):
/// <code>
///   recon = −log p(x | z)                              the model decodes z (from z₁)
///   KL_i  = <see cref="HierarchicalPrior.KlPerLayer"/>    analytic or one-sample, layer by layer
///   loss  = recon + w·Σ_i KL_i                          w: the step's KL schedule (warm-up, Sønderby et al. 2016)
/// </code>
/// Terms: <c>reconstruction</c>, <c>kl</c> (Σ_i KL_i, so runs compare with the one-layer families), <c>kl_1</c> … <c>kl_L</c>.
/// </summary>
public static class HierarchicalElbo
{
    /// <summary>The loss of <paramref name="batch"/> with its posterior <paramref name="posterior"/> under <paramref name="prior"/>.</summary>
    /// <exception cref="NotSupportedException">The step asks for free bits or capacity control.</exception>
    public static ModelLoss Compute(LatentVariableModel model, HierarchicalGaussian posterior, HierarchicalPrior prior, Batch batch, LossContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(posterior);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Kl.FreeBits > 0f || context.Kl.CapacityGamma > 0f)
            throw new NotSupportedException($"Free bits and capacity control are not implemented for the {model.Description}; use the KL schedule (--kl-schedule linear) instead.");
        int n = batch.Count;
        var z = posterior.Sample(context.Noise);
        var recon = model.Likelihood.TotalNegLogLikelihood(model.Decode(z), batch.Target ?? batch.X, batch.Mask) * (1f / n);
        var perLayer = prior.KlPerLayer(posterior, z);
        var terms = new LossTerm[perLayer.Length + 2];
        Tensor? kl = null;
        for (int i = 0; i < perLayer.Length; i++)
        {
            var ki = Ops.Sum(perLayer[i]) * (1f / n);
            terms[i + 2] = new LossTerm($"kl_{i + 1}", ki);
            kl = kl is null ? ki : kl + ki;
        }
        terms[0] = new LossTerm(LossTermLabels.Reconstruction, recon);
        terms[1] = new LossTerm(LossTermLabels.Kl, kl!);
        float weight = context.Kl.Weight;
        return new ModelLoss(recon + (weight == 1f ? kl! : kl! * weight), terms);
    }

    /// <summary>The terms <see cref="Compute"/> returns for <paramref name="layers"/> stochastic layers.</summary>
    public static IReadOnlyList<string> TermNames(int layers) =>
        [LossTermLabels.Reconstruction, LossTermLabels.Kl, .. Enumerable.Range(1, layers).Select(i => $"kl_{i}")];
}
