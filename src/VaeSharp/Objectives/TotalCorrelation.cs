using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Objectives;

/// <summary>
/// The KL term of the ELBO split in three — Chen, Li, Grosse &amp; Duvenaud, "Isolating Sources of Disentanglement in
/// Variational Autoencoders", NeurIPS 2018, eq. 2:
/// <code>
///   E_x KL(q(z|x) ‖ p(z)) = I_q(x; z)                        mi:   E[log q(z|x) − log q(z)]
///                         + KL(q(z) ‖ Π_j q(z_j))             tc:   E[log q(z) − Σ_j log q(z_j)]
///                         + Σ_j KL(q(z_j) ‖ p(z_j))           dwkl: E[Σ_j log q(z_j) − log p(z)]
/// </code>
/// with one z_i ~ q(z|x_i) per example and the aggregate posterior q(z) = (1/N) Σ_n q(z|x_n) estimated over the
/// minibatch: log q(z_i) ≈ log Σ_k w_ik q(z_i|x_k) and log q(z_ij) ≈ log Σ_k w_ik q(z_ij|x_k), with the weights of
/// <see cref="TcEstimator"/>. The three terms are differentiable and add up to the one-sample estimate of the KL.
/// Chen et al. write the weighted estimator with −log(NM); that shifts tc by the constant (D − 1) log N and changes no
/// gradient — the 1/M form here estimates the total correlation itself.
/// </summary>
public static class TotalCorrelation
{
    /// <summary>(mi, tc, dwkl), each averaged over the batch, for samples <paramref name="z"/> (one row per example) of
    /// <paramref name="posterior"/>, from a data set of <paramref name="datasetSize"/> examples, with an N(0, I) prior.</summary>
    public static (Tensor Mi, Tensor Tc, Tensor Dwkl) Decompose(DiagonalGaussian posterior, Tensor z, long datasetSize, TcEstimator estimator)
    {
        int m = posterior.Count, d = posterior.Dim;
        if (m < 2) throw new ArgumentException("The total-correlation estimators need a batch of at least two examples.");
        if (datasetSize < m) throw new ArgumentException($"The data set ({datasetSize} examples) is smaller than the batch ({m}).");
        // log q(z_ij | x_k) for every sample i, example k and dimension j: (M, M, D), indexed [i, k, j]
        var diff = Ops.Reshape(z, m, 1, d) - Ops.Reshape(posterior.Mean, 1, m, d);
        var logVar = Ops.Reshape(posterior.LogVar, 1, m, d);
        var pairwise = (Ops.Square(diff) * Ops.Exp(-logVar) + logVar) * -0.5f - DiagonalGaussian.HalfLog2Pi;
        var logW = LogWeights(m, datasetSize, estimator);                                    // (M, M)
        var logQz = Ops.LogSumExp(Ops.Sum(pairwise, 2) + logW, 1);                           // (M)
        var logQzProduct = Ops.Sum(Ops.LogSumExp(pairwise + Ops.Reshape(logW, m, m, 1), 1), 1);   // (M)
        var logQzGivenX = posterior.LogProb(z);                                              // (M)
        var logPz = StandardNormal.Instance.LogProb(z);                                      // (M)
        return (Ops.Mean(logQzGivenX - logQz), Ops.Mean(logQz - logQzProduct), Ops.Mean(logQzProduct - logPz));
    }

    /// <summary>log w_ik of the estimator for a batch of <paramref name="m"/> from <paramref name="datasetSize"/> examples, as (M, M).</summary>
    public static Tensor LogWeights(int m, long datasetSize, TcEstimator estimator)
    {
        var w = Tensor.Zeros(m, m);
        double n = datasetSize;
        float self = estimator == TcEstimator.Mws ? (float)-Math.Log(m) : (float)-Math.Log(n);
        float other = estimator == TcEstimator.Mws ? self : (float)Math.Log((n - 1) / (n * (m - 1)));
        for (int i = 0; i < m; i++)
            for (int k = 0; k < m; k++) w.Data[i * m + k] = i == k ? self : other;
        return w;
    }
}
