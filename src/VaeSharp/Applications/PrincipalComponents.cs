namespace VaeSharp.Applications;

/// <summary>
/// Principal component analysis of a set of points (N × D), in double precision: the eigenvectors of the sample
/// covariance, largest variance first, found by cyclic Jacobi rotations (exact for the small symmetric D × D matrices
/// of a latent space; no sampling, so the same points give the same components).
/// <code>
///   μ = mean_i x_i      C = 1/N Σ_i (x_i − μ)(x_i − μ)ᵀ = V Λ Vᵀ      project(x) = Vᵀ (x − μ)
/// </code>
/// Each component's sign is fixed so that its largest-magnitude coordinate is positive (the first one on ties).
/// </summary>
public sealed class PrincipalComponents
{
    private PrincipalComponents(double[] mean, double[][] components, double[] variance)
    {
        Mean = mean;
        Components = components;
        Variance = variance;
    }

    /// <summary>μ, the mean of the points (length D).</summary>
    public double[] Mean { get; }

    /// <summary>The unit eigenvectors of the covariance, Components[k] the k-th (length D each), by decreasing variance.</summary>
    public double[][] Components { get; }

    /// <summary>The variance along each component (the eigenvalues, ≥ 0), decreasing.</summary>
    public double[] Variance { get; }

    /// <summary>The number of dimensions D.</summary>
    public int Dim => Mean.Length;

    /// <summary>The share of the total variance along each component (0 to 1; all 0 when the points coincide).</summary>
    public double[] ExplainedRatio
    {
        get
        {
            double total = Variance.Sum();
            return [.. Variance.Select(v => total > 0 ? v / total : 0)];
        }
    }

    /// <summary>Computes the components of the rows of <paramref name="points"/>.</summary>
    /// <param name="points">N × D, N ≥ 1, D ≥ 1, every value finite.</param>
    /// <exception cref="ArgumentException">No points, no dimensions, or a value that is not finite.</exception>
    public static PrincipalComponents Compute(float[,] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.GetLength(0), d = points.GetLength(1);
        if (n < 1 || d < 1) throw new ArgumentException($"PCA needs at least one point of at least one dimension; got {n} × {d}.", nameof(points));
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                float v = points[i, j];
                if (!float.IsFinite(v)) throw new ArgumentException($"Point {i}, dimension {j} is {v}; PCA needs finite values.", nameof(points));
                mean[j] += v;
            }
        for (int j = 0; j < d; j++) mean[j] /= n;

        var cov = new double[d, d];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) centred[j] = points[i, j] - mean[j];
            for (int j = 0; j < d; j++)
                for (int k = j; k < d; k++) cov[j, k] += centred[j] * centred[k];
        }
        for (int j = 0; j < d; j++)
            for (int k = j; k < d; k++) cov[k, j] = cov[j, k] /= n;

        var (values, vectors) = SymmetricEigen(cov);
        var order = Enumerable.Range(0, d).OrderByDescending(k => values[k]).ThenBy(k => k).ToArray();
        var components = new double[d][];
        var variance = new double[d];
        for (int r = 0; r < d; r++)
        {
            int k = order[r];
            var v = new double[d];
            for (int j = 0; j < d; j++) v[j] = vectors[j, k];
            int largest = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(v[j]) > Math.Abs(v[largest]) + 1e-12) largest = j;
            if (v[largest] < 0) for (int j = 0; j < d; j++) v[j] = -v[j];
            components[r] = v;
            variance[r] = Math.Max(0, values[k]);   // rounding can leave −1e-17 for a flat direction
        }
        return new PrincipalComponents(mean, components, variance);
    }

    /// <summary>The coordinates of <paramref name="point"/> on the first <paramref name="count"/> components: Vₖᵀ (x − μ).</summary>
    /// <param name="point">A point of D values.</param>
    /// <param name="count">How many components, 1 to D.</param>
    public double[] Project(ReadOnlySpan<float> point, int count = 2)
    {
        if (point.Length != Dim) throw new ArgumentException($"The point has {point.Length} values; the components are of dimension {Dim}.", nameof(point));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Dim);
        var coordinates = new double[count];
        for (int k = 0; k < count; k++)
        {
            double s = 0;
            for (int j = 0; j < Dim; j++) s += Components[k][j] * (point[j] - Mean[j]);
            coordinates[k] = s;
        }
        return coordinates;
    }

    // Cyclic Jacobi (Golub & Van Loan, Matrix Computations, §8.5): rotate away each off-diagonal a_pq in turn until the
    // off-diagonal mass is negligible. Returns the eigenvalues and the eigenvectors as the columns of V.
    private static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix)
    {
        int d = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[d, d];
        for (int i = 0; i < d; i++) v[i, i] = 1;
        double scale = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) scale += a[i, j] * a[i, j];
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++) off += a[p, q] * a[p, q];
            if (off <= 1e-30 * scale || off == 0) break;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++)
                {
                    if (a[p, q] == 0) continue;
                    // θ = (a_qq − a_pp) / (2 a_pq); t = tan φ, the smaller root of t² + 2θt − 1 = 0.
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }
        var values = new double[d];
        for (int i = 0; i < d; i++) values[i] = a[i, i];
        return (values, v);
    }
}
