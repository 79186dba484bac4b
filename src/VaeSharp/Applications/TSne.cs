namespace VaeSharp.Applications;

/// <summary>
/// Exact t-SNE (van der Maaten &amp; Hinton, "Visualizing Data using t-SNE", JMLR 2008) of N points into 2-D, in double
/// precision. It is O(N²) in time and memory per iteration, so it is meant for a bounded subset: at most
/// <see cref="MaxPoints"/> points.
/// <code>
///   p_{j|i} = exp(−β_i ‖x_i − x_j‖²) / Σ_{k≠i} exp(−β_i ‖x_i − x_k‖²),   β_i set so that 2^H(P_i) = perplexity
///   p_ij = (p_{j|i} + p_{i|j}) / 2N        q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Σ_{k≠l} (1 + ‖y_k − y_l‖²)⁻¹
///   C = KL(P ‖ Q) = Σ p_ij log(p_ij / q_ij)        ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹
/// </code>
/// The optimisation follows the paper and its reference implementation: gradient descent with momentum 0.5 for the
/// first 250 iterations and 0.8 after, early exaggeration (P × 12) for the first 250, per-coordinate gains
/// (+0.2 when the gradient's sign flips, ×0.8 otherwise, at least 0.01), and the learning rate max(N / 12 / 4, 50)
/// (Belkina et al. 2019). The start is deterministic: the first two principal components, scaled to standard
/// deviation 10⁻⁴ (Kobak &amp; Linderman 2021), so no random draw is made. Rows are computed in parallel and summed in
/// row order, so the result does not depend on the thread count.
/// </summary>
public static class TSne
{
    /// <summary>The most points <see cref="Embed"/> accepts (exact t-SNE keeps an N × N matrix).</summary>
    public const int MaxPoints = 5000;

    private const double Exaggeration = 12, ExaggerationIterations = 250;

    /// <summary>Embeds the rows of <paramref name="points"/> in 2-D; returns (x0, y0, x1, y1, ...).</summary>
    /// <param name="points">N × D, 2 ≤ N ≤ <see cref="MaxPoints"/>, finite values.</param>
    /// <param name="perplexity">The effective number of neighbours, 1 ≤ perplexity &lt; N.</param>
    /// <param name="iterations">Gradient steps, at least 1 (1,000 in the paper).</param>
    /// <param name="threads">Threads for the row loops.</param>
    /// <param name="progress">Told the iterations done so far, every 50.</param>
    /// <param name="cancel">Stops between iterations.</param>
    public static double[] Embed(float[,] points, double perplexity = 30, int iterations = 1000, int threads = 1,
        Action<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.GetLength(0);
        if (n < 2 || n > MaxPoints) throw new ArgumentException($"t-SNE embeds 2 to {MaxPoints} points; got {n}.", nameof(points));
        if (!(perplexity >= 1 && perplexity < n)) throw new ArgumentOutOfRangeException(nameof(perplexity), perplexity, $"The perplexity must be at least 1 and below the number of points ({n}).");
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var p = JointProbabilities(points, perplexity, threads);
        var y = Start(points);
        var velocity = new double[2 * n];
        var gains = new double[2 * n];
        Array.Fill(gains, 1.0);
        var gradient = new double[2 * n];
        double rate = Math.Max(n / Exaggeration / 4, 50);
        for (int it = 0; it < iterations; it++)
        {
            cancel.ThrowIfCancellationRequested();
            double exaggeration = it < ExaggerationIterations ? Exaggeration : 1;
            double momentum = it < ExaggerationIterations ? 0.5 : 0.8;
            Gradient(p, y, exaggeration, gradient, threads);
            for (int k = 0; k < 2 * n; k++)
            {
                gains[k] = gradient[k] * velocity[k] < 0 ? gains[k] + 0.2 : Math.Max(gains[k] * 0.8, 0.01);
                velocity[k] = momentum * velocity[k] - rate * gains[k] * gradient[k];
                y[k] += velocity[k];
            }
            Centre(y);
            if ((it + 1) % 50 == 0) progress?.Invoke(it + 1);
        }
        return y;
    }

    /// <summary>The symmetric joint probabilities p_ij (N × N, row-major, zero diagonal, summing to 1), each row's β
    /// found by bisection so that its perplexity is <paramref name="perplexity"/>.</summary>
    internal static double[] JointProbabilities(float[,] points, double perplexity, int threads)
    {
        int n = points.GetLength(0);
        var conditional = Conditional(points, perplexity, threads);
        var joint = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) joint[i * n + j] = Math.Max((conditional[i * n + j] + conditional[j * n + i]) / (2.0 * n), 1e-300);
        for (int i = 0; i < n; i++) joint[i * n + i] = 0;
        return joint;
    }

    /// <summary>p_{j|i} (N × N, row-major, rows summing to 1), each row's β found by bisection for the perplexity.</summary>
    internal static double[] Conditional(float[,] points, double perplexity, int threads)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        for (int i = 0; i < n; i++)
            for (int u = 0; u < d; u++)
                if (!float.IsFinite(points[i, u])) throw new ArgumentException($"Point {i}, dimension {u} is {points[i, u]}; t-SNE needs finite values.", nameof(points));
        var conditional = new double[n * n];
        double target = Math.Log(perplexity);   // entropy in nats
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var distance = new double[n];
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int u = 0; u < d; u++) { double t = (double)points[i, u] - points[j, u]; s += t * t; }
                distance[j] = s;
            }
            double beta = 1, lo = 0, hi = double.PositiveInfinity;
            var row = conditional.AsSpan(i * n, n);
            for (int step = 0; step < 200; step++)
            {
                double sum = 0, weighted = 0;
                // Distances relative to the nearest neighbour, so exp() cannot underflow for every j at once.
                double nearest = double.PositiveInfinity;
                for (int j = 0; j < n; j++) if (j != i && distance[j] < nearest) nearest = distance[j];
                for (int j = 0; j < n; j++)
                {
                    double w = j == i ? 0 : Math.Exp(-beta * (distance[j] - nearest));
                    row[j] = w;
                    sum += w;
                    weighted += w * (distance[j] - nearest);
                }
                double entropy = Math.Log(sum) + beta * weighted / sum;   // H = log Σw + β E[d]
                for (int j = 0; j < n; j++) row[j] /= sum;
                if (Math.Abs(entropy - target) < 1e-10) break;
                if (entropy > target) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = (beta + lo) / 2; }
            }
        });
        return conditional;
    }

    /// <summary>∂C/∂y into <paramref name="gradient"/> (with P multiplied by <paramref name="exaggeration"/>); returns KL(P ‖ Q) of the unexaggerated P.</summary>
    internal static double Gradient(double[] p, double[] y, double exaggeration, double[] gradient, int threads)
    {
        int n = y.Length / 2;
        var rowWeights = new double[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            double s = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                s += 1 / (1 + dx * dx + dy * dy);
            }
            rowWeights[i] = s;
        });
        double z = 0;
        for (int i = 0; i < n; i++) z += rowWeights[i];   // in row order: the same sum for any thread count
        var rowKl = new double[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            double gx = 0, gy = 0, kl = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                double w = 1 / (1 + dx * dx + dy * dy);
                double pij = p[i * n + j];
                double force = (exaggeration * pij - w / z) * w;
                gx += force * dx;
                gy += force * dy;
                kl += pij * Math.Log(pij / (w / z));
            }
            gradient[2 * i] = 4 * gx;
            gradient[2 * i + 1] = 4 * gy;
            rowKl[i] = kl;
        });
        double total = 0;
        for (int i = 0; i < n; i++) total += rowKl[i];
        return total;
    }

    // The first two principal components of the points, scaled to standard deviation 1e-4.
    private static double[] Start(float[,] points)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        var pca = PrincipalComponents.Compute(points);
        var y = new double[2 * n];
        var row = new float[d];
        for (int i = 0; i < n; i++)
        {
            for (int u = 0; u < d; u++) row[u] = points[i, u];
            var c = pca.Project(row, Math.Min(2, d));
            y[2 * i] = c[0];
            y[2 * i + 1] = c.Length > 1 ? c[1] : 0;
        }
        double sd = Math.Sqrt(Enumerable.Range(0, n).Sum(i => y[2 * i] * y[2 * i]) / n);
        double scale = sd > 0 ? 1e-4 / sd : 0;
        if (scale == 0)
            for (int i = 0; i < n; i++) { y[2 * i] = 1e-4 * Math.Cos(i); y[2 * i + 1] = 1e-4 * Math.Sin(i); }   // coincident points
        else
            for (int k = 0; k < y.Length; k++) y[k] *= scale;
        return y;
    }

    private static void Centre(double[] y)
    {
        int n = y.Length / 2;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += y[2 * i]; my += y[2 * i + 1]; }
        mx /= n; my /= n;
        for (int i = 0; i < n; i++) { y[2 * i] -= mx; y[2 * i + 1] -= my; }
    }
}
