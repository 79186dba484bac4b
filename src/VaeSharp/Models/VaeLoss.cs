using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models;

/// <summary>
/// The terms of the negative ELBO for one batch, each a scalar per example in nats (summed over
/// the example's values, averaged over the batch): Total = Reconstruction + β·Kl.
/// </summary>
/// <param name="Total">The loss that is minimised.</param>
/// <param name="Reconstruction">E_q[−log p(x | z)], one-sample estimate.</param>
/// <param name="Kl">KL(q(z | x) ‖ p(z)).</param>
public sealed record VaeLoss(Tensor Total, Tensor Reconstruction, Tensor Kl);
