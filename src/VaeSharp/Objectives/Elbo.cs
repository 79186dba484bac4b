using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>
/// The negative evidence lower bound of a latent-variable model with a reparameterisable posterior, per example
/// (Kingma &amp; Welling 2014):
/// <code>
///   recon = E_q[−log p(x | z)]            one sample z ~ q(z | x)
///   KL    = KL(q(z | x) ‖ p(z))            analytic (the prior's <see cref="Distributions.Prior.Kl"/>)
///   loss  = recon + β·KL                   with the step's KL controls (<see cref="KlControl"/>)
/// </code>
/// With a mask (missing values), −log p(x | z) sums over the observed values only (MIWAE, Mattei &amp; Frellsen 2019).
/// The terms are named <c>reconstruction</c> and <c>kl</c>. The VAE and the conditional VAE use it as their loss.
/// </summary>
public static class Elbo
{
    /// <summary>The loss of <paramref name="batch"/> under <paramref name="model"/>, with KL weight β = <paramref name="beta"/>.</summary>
    public static ModelLoss Compute(LatentVariableModel model, Batch batch, LossContext context, float beta) =>
        Compute(model, batch, model.Encode(batch), context, beta);

    /// <summary>The same for a posterior already computed (a family that adds terms on q, such as DIP-VAE or β-TCVAE, encodes once).</summary>
    public static ModelLoss Compute(LatentVariableModel model, Batch batch, LatentDistribution posterior, LossContext context, float beta)
    {
        int n = batch.Count;
        var labels = model.IsConditional ? batch.Labels : null;
        var z = posterior.Sample(context.Noise);
        var recon = model.Likelihood.TotalNegLogLikelihood(model.Decode(z, labels), batch.Target ?? batch.X, batch.Mask) * (1f / n);
        var (penalty, kl) = context.Kl.Apply(posterior, model.Prior, n, beta);
        return new ModelLoss(recon + penalty, new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm(LossTermLabels.Kl, kl));
    }

    /// <summary>The terms Compute returns.</summary>
    public static IReadOnlyList<string> TermNames { get; } = [LossTermLabels.Reconstruction, LossTermLabels.Kl];
}
