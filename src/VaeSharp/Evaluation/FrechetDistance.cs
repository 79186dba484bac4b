using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace VaeSharp.Evaluation;

/// <summary>
/// The Fréchet distance between two Gaussians — Dowson &amp; Landau 1982; as a sample-quality score between the
/// feature statistics of real and generated examples, the FID of Heusel et al., "GANs Trained by a Two Time-Scale
/// Update Rule Converge to a Local Nash Equilibrium", NeurIPS 2017:
/// <code>
///   d²(N(μ₁, Σ₁), N(μ₂, Σ₂)) = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½)
/// </code>
/// The square root: Σ₁Σ₂ is not symmetric, but it is similar to the symmetric positive semi-definite
/// M = Σ₁^½ Σ₂ Σ₁^½ (Σ₁^½ Σ₁Σ₂ Σ₁^-½ = M), so Tr (Σ₁Σ₂)^½ = Σᵢ √λᵢ(M). Both Σ₁^½ and the λᵢ(M) come from symmetric
/// eigendecompositions (Math.NET's tridiagonal QL, in double), which are stable where scipy's general <c>sqrtm</c>
/// of the product can return complex parts; eigenvalues below 0 (rounding of a singular covariance) count as 0.
/// The result is clamped at 0 (rounding can leave −1e-12 for equal Gaussians).
/// </summary>
public static class FrechetDistance
{
    /// <summary>d² between N(<paramref name="mean1"/>, <paramref name="covariance1"/>) and N(<paramref name="mean2"/>, <paramref name="covariance2"/>).</summary>
    /// <exception cref="ArgumentException">The dimensions differ, or a covariance is not square or not symmetric.</exception>
    public static double Compute(double[] mean1, double[,] covariance1, double[] mean2, double[,] covariance2)
    {
        ArgumentNullException.ThrowIfNull(mean1);
        ArgumentNullException.ThrowIfNull(mean2);
        int d = mean1.Length;
        if (mean2.Length != d) throw new ArgumentException($"The means differ in dimension ({d} and {mean2.Length}).");
        CheckCovariance(covariance1, d, nameof(covariance1));
        CheckCovariance(covariance2, d, nameof(covariance2));
        double meanTerm = 0;
        for (int i = 0; i < d; i++) { double diff = mean1[i] - mean2[i]; meanTerm += diff * diff; }
        double trace = 0;
        for (int i = 0; i < d; i++) trace += covariance1[i, i] + covariance2[i, i];
        double distance = meanTerm + trace - 2 * TraceSqrtProduct(covariance1, covariance2);
        return Math.Max(0, distance);
    }

    /// <summary>d² between the Gaussians fitted to two feature sets (<see cref="FeatureMoments"/>).</summary>
    public static double Compute(FeatureMoments a, FeatureMoments b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Compute(a.Mean, a.Covariance, b.Mean, b.Covariance);
    }

    /// <summary>Tr (Σ₁ Σ₂)^½ for symmetric positive semi-definite Σ₁, Σ₂ (see the class comment for the method).</summary>
    public static double TraceSqrtProduct(double[,] covariance1, double[,] covariance2)
    {
        var s1 = SymmetricSqrt(Matrix<double>.Build.DenseOfArray(covariance1));
        var m = s1 * Matrix<double>.Build.DenseOfArray(covariance2) * s1;
        m = (m + m.Transpose()) * 0.5;   // symmetric up to rounding; make it exactly so for the symmetric solver
        var eigen = m.Evd(Symmetricity.Symmetric);
        double trace = 0;
        foreach (var lambda in eigen.EigenValues) trace += Math.Sqrt(Math.Max(0, lambda.Real));
        return trace;
    }

    /// <summary>The symmetric square root V diag(√max(λ, 0)) Vᵀ of a symmetric positive semi-definite matrix.</summary>
    public static Matrix<double> SymmetricSqrt(Matrix<double> symmetric)
    {
        ArgumentNullException.ThrowIfNull(symmetric);
        var eigen = symmetric.Evd(Symmetricity.Symmetric);
        var v = eigen.EigenVectors;
        var roots = Matrix<double>.Build.DiagonalOfDiagonalArray(eigen.EigenValues.Select(l => Math.Sqrt(Math.Max(0, l.Real))).ToArray());
        return v * roots * v.Transpose();
    }

    private static void CheckCovariance(double[,] c, int d, string name)
    {
        ArgumentNullException.ThrowIfNull(c, name);
        if (c.GetLength(0) != d || c.GetLength(1) != d) throw new ArgumentException($"{name} is {c.GetLength(0)}×{c.GetLength(1)}; expected {d}×{d}.", name);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++)
            {
                double a = c[i, j], b = c[j, i];
                if (!double.IsFinite(a) || Math.Abs(a - b) > 1e-9 * (1 + Math.Abs(a) + Math.Abs(b)))
                    throw new ArgumentException($"{name} is not a finite symmetric matrix (entries [{i}, {j}] = {a} and [{j}, {i}] = {b}).", name);
            }
    }
}
