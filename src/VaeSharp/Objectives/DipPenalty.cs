using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Objectives;

/// <summary>
/// DIP-VAE's penalty on the covariance of the aggregate posterior — Kumar, Sattigeri &amp; Balakrishnan, "Variational
/// Inference of Disentangled Latent Concepts from Unlabeled Observations", ICLR 2018, eqs. 6 and 7, over the minibatch:
/// <code>
///   DIP-VAE-I:   C = Cov[μ(x)]                        = E[μμᵀ] − E[μ]E[μ]ᵀ   (1/M, as disentanglement_lib)
///   DIP-VAE-II:  C = Cov_q(z) = E[diag σ²(x)] + Cov[μ(x)]
///   penalty = λ_od Σ_{i≠j} C_ij² + λ_d Σ_i (C_ii − 1)²
/// </code>
/// </summary>
public static class DipPenalty
{
    /// <summary>C for the batch's posterior: DIP-VAE-I's when <paramref name="second"/> is false, DIP-VAE-II's when true.</summary>
    public static Tensor Covariance(DiagonalGaussian posterior, bool second)
    {
        int m = posterior.Count, d = posterior.Dim;
        var centred = posterior.Mean - Ops.Mean(posterior.Mean, 0, keepDim: true);
        var cov = Ops.MatMul(Ops.Transpose(centred), centred) * (1f / m);                    // (D, D)
        if (!second) return cov;
        var meanVariance = Ops.Reshape(Ops.Mean(Ops.Exp(posterior.LogVar), 0), 1, d);         // E[σ²], (1, D)
        return cov + Identity(d) * meanVariance;
    }

    /// <summary>λ_od Σ_{i≠j} C_ij² + λ_d Σ_i (C_ii − 1)².</summary>
    public static Tensor Penalty(Tensor covariance, float lambdaOffDiagonal, float lambdaDiagonal)
    {
        int d = covariance.Shape[0];
        var identity = Identity(d);
        var diagonal = covariance * identity;
        var offDiagonal = Ops.Sum(Ops.Square(covariance - diagonal));
        return offDiagonal * lambdaOffDiagonal + Ops.Sum(Ops.Square(diagonal - identity)) * lambdaDiagonal;
    }

    private static Tensor Identity(int d)
    {
        var identity = Tensor.Zeros(d, d);
        for (int i = 0; i < d; i++) identity.Data[i * d + i] = 1f;
        return identity;
    }
}
