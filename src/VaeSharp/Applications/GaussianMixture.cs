using System.Globalization;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Random;

namespace VaeSharp.Applications;

/// <summary>
/// A Gaussian mixture with full covariances, fitted by EM — Dempster, Laird &amp; Rubin 1977; as sklearn's
/// <c>GaussianMixture(covariance_type="full")</c>, which pythae's GaussianMixtureSampler fits to a VAE's posterior means:
/// <code>
///   p(z) = Σₖ πₖ N(z; μₖ, Σₖ)
///   E:  rᵢₖ = πₖ N(zᵢ; μₖ, Σₖ) / Σⱼ πⱼ N(zᵢ; μⱼ, Σⱼ)                       (in log space, log-sum-exp)
///   M:  Nₖ = Σᵢ rᵢₖ,  πₖ = Nₖ / n,  μₖ = Σᵢ rᵢₖ zᵢ / Nₖ,  Σₖ = Σᵢ rᵢₖ (zᵢ − μₖ)(zᵢ − μₖ)ᵀ / Nₖ + ε I
/// </code>
/// Started, as sklearn does, from k-means (k-means++ seeds, then Lloyd's iterations); stopped when the mean
/// log-likelihood per point changes by less than the tolerance (sklearn's 1e-3) or after the iteration limit.
/// The arithmetic is in double; the fitted parameters are kept in float32, exactly as <see cref="Save"/> writes them, so
/// a mixture and its reloaded copy draw the same samples. Samples: k ~ π, z = μₖ + Lₖ ε with Σₖ = Lₖ Lₖᵀ (Cholesky).
/// </summary>
public sealed class GaussianMixture
{
    private readonly double[][] _cholesky;      // Lₖ, row-major D×D lower triangle
    private readonly double[] _logDet;          // log det Σₖ

    /// <summary>A mixture of the given parameters (weights summing to 1, symmetric positive-definite covariances).</summary>
    /// <param name="weights">πₖ, K values.</param>
    /// <param name="means">μₖ, K × D values.</param>
    /// <param name="covariances">Σₖ, K × D × D values, row-major.</param>
    /// <exception cref="ArgumentException">Inconsistent sizes, weights that are not a distribution, or a covariance that is not positive definite.</exception>
    public GaussianMixture(float[] weights, float[] means, float[] covariances)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariances);
        int k = weights.Length;
        if (k == 0) throw new ArgumentException("A mixture needs at least one component.");
        if (means.Length % k != 0 || means.Length == 0) throw new ArgumentException($"{means.Length} mean values are not {k} means of one dimension.");
        int d = means.Length / k;
        if (covariances.Length != k * d * d) throw new ArgumentException($"{covariances.Length} covariance values; expected {k} × {d} × {d}.");
        double total = 0;
        foreach (float w in weights)
        {
            if (!(w >= 0) || !float.IsFinite(w)) throw new ArgumentException($"Mixture weight {w}: expected a finite value ≥ 0.");
            total += w;
        }
        if (Math.Abs(total - 1) > 1e-4) throw new ArgumentException($"The mixture weights sum to {total}; expected 1.");
        if (means.Any(v => !float.IsFinite(v)) || covariances.Any(v => !float.IsFinite(v))) throw new ArgumentException("The mixture's means and covariances must be finite.");
        Weights = weights;
        Means = means;
        Covariances = covariances;
        Components = k;
        Dimension = d;
        _cholesky = new double[k][];
        _logDet = new double[k];
        for (int c = 0; c < k; c++)
        {
            var l = Cholesky(covariances.AsSpan(c * d * d, d * d), d)
                ?? throw new ArgumentException($"The covariance of component {c} is not positive definite.");
            _cholesky[c] = l;
            double logDet = 0;
            for (int i = 0; i < d; i++) logDet += 2 * Math.Log(l[i * d + i]);
            _logDet[c] = logDet;
        }
    }

    /// <summary>Number of components K.</summary>
    public int Components { get; }

    /// <summary>Dimension D of the points.</summary>
    public int Dimension { get; }

    /// <summary>πₖ.</summary>
    public float[] Weights { get; }

    /// <summary>μₖ, K × D, row-major.</summary>
    public float[] Means { get; }

    /// <summary>Σₖ, K × D × D, row-major.</summary>
    public float[] Covariances { get; }

    /// <summary>EM iterations the fit ran (0 for a mixture not made by <see cref="Fit"/>).</summary>
    public int Iterations { get; private init; }

    /// <summary>Whether the fit stopped on the tolerance rather than the iteration limit.</summary>
    public bool Converged { get; private init; }

    /// <summary>The fit's final mean log-likelihood per point (nats), or NaN.</summary>
    public double TrainingLogLikelihood { get; private init; } = double.NaN;

    /// <summary>Fits K components to <paramref name="count"/> points of <paramref name="dimension"/> values stored one after another.</summary>
    /// <param name="points">The points, count × dimension values.</param>
    /// <param name="count">Number of points, at least <paramref name="components"/>.</param>
    /// <param name="dimension">D.</param>
    /// <param name="components">K ≥ 1.</param>
    /// <param name="rng">Draws the k-means++ seeds (<see cref="RngStream.SamplerFit"/> in the toolkit).</param>
    /// <param name="maxIterations">EM iterations at most (sklearn: 100).</param>
    /// <param name="tolerance">Stop when the mean log-likelihood changes by less (sklearn: 1e-3).</param>
    /// <param name="regularization">ε added to every covariance's diagonal (sklearn's reg_covar: 1e-6).</param>
    /// <exception cref="ArgumentException">Bad sizes or values.</exception>
    public static GaussianMixture Fit(ReadOnlySpan<float> points, int count, int dimension, int components, RandomGenerator rng,
        int maxIterations = 100, double tolerance = 1e-3, double regularization = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        if (count < components) throw new ArgumentException($"{count} points cannot fit {components} components; give at least as many points as components.");
        if (points.Length != (long)count * dimension) throw new ArgumentException($"{points.Length} values are not {count} points of {dimension}.");
        var x = new double[points.Length];
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(points[i])) throw new ArgumentException($"Point {i / dimension} has a value {points[i]}; points must be finite.");
            x[i] = points[i];
        }
        int n = count, d = dimension, k = components;

        // Start: hard k-means assignments as responsibilities (sklearn's init_params="kmeans").
        var assignment = KMeans(x, n, d, k, rng);
        var resp = new double[n * k];
        for (int i = 0; i < n; i++) resp[i * k + assignment[i]] = 1;
        var (weights, means, covs) = MStep(x, resp, n, d, k, regularization);

        double previous = double.NegativeInfinity, logLikelihood = double.NaN;
        int iterations = 0;
        bool converged = false;
        for (int it = 1; it <= maxIterations; it++)
        {
            iterations = it;
            logLikelihood = EStep(x, n, d, k, weights, means, covs, resp);
            (weights, means, covs) = MStep(x, resp, n, d, k, regularization);
            if (Math.Abs(logLikelihood - previous) < tolerance) { converged = true; break; }
            previous = logLikelihood;
        }
        // The float32 parameters are the mixture; its log-likelihood is measured on them.
        var (w, m, c) = (ToFloat(weights, normalise: true), ToFloat(means), ToFloat(covs));
        return new GaussianMixture(w, m, c)
        {
            Iterations = iterations,
            Converged = converged,
            TrainingLogLikelihood = new GaussianMixture(w, m, c).MeanLogLikelihood(points, count),
        };
    }

    /// <summary>The mean of log p(zᵢ) over <paramref name="count"/> points (nats).</summary>
    public double MeanLogLikelihood(ReadOnlySpan<float> points, int count)
    {
        if (points.Length != (long)count * Dimension || count < 1) throw new ArgumentException($"{points.Length} values are not {count} points of {Dimension}.");
        var z = new double[Dimension];
        var scratch = new double[Dimension];
        var logs = new double[Components];
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < Dimension; j++) z[j] = points[i * Dimension + j];
            for (int c = 0; c < Components; c++) logs[c] = Math.Log(Weights[c]) + LogDensity(z, c, scratch);
            sum += LogSumExp(logs);
        }
        return sum / count;
    }

    /// <summary>log N(z; μₖ, Σₖ) of component <paramref name="component"/>.</summary>
    public double LogDensity(ReadOnlySpan<double> z, int component) => LogDensity(z, component, new double[Dimension]);

    /// <summary><paramref name="count"/> draws from the mixture, count × D values.</summary>
    public float[] Sample(RandomGenerator rng, int count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        int d = Dimension;
        var result = new float[(long)count * d];
        var eps = new double[d];
        for (int s = 0; s < count; s++)
        {
            double u = rng.NextDouble(), cumulative = 0;
            int c = Components - 1;
            for (int j = 0; j < Components; j++)
            {
                cumulative += Weights[j];
                if (u < cumulative) { c = j; break; }
            }
            for (int j = 0; j < d; j++) eps[j] = rng.NextNormal();
            var l = _cholesky[c];
            for (int i = 0; i < d; i++)
            {
                double v = Means[c * d + i];
                for (int j = 0; j <= i; j++) v += l[i * d + j] * eps[j];
                result[(long)s * d + i] = (float)v;
            }
        }
        return result;
    }

    /// <summary>Writes the mixture as safetensors (tensors <c>weights</c> [K], <c>means</c> [K, D], <c>covariances</c> [K, D, D]),
    /// atomically, with <paramref name="metadata"/> and the fit's figures in the header.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
        foreach (var (key, value) in FitMetadata()) meta[key] = value;
        SafeTensorsFile.Write(path, ToTensors(), meta);
    }

    /// <summary>The mixture's tensors, named <c>{prefix}weights</c>, <c>{prefix}means</c> and <c>{prefix}covariances</c>.</summary>
    public IReadOnlyList<SafeTensor> ToTensors(string prefix = "") =>
        [new SafeTensor(prefix + "weights", [Components], Weights), new SafeTensor(prefix + "means", [Components, Dimension], Means),
         new SafeTensor(prefix + "covariances", [Components, Dimension, Dimension], Covariances)];

    /// <summary>The fit's figures as header entries (kind, iterations, converged, log_likelihood).</summary>
    public IReadOnlyDictionary<string, string> FitMetadata(string prefix = "") => new Dictionary<string, string>
    {
        [prefix + "kind"] = "gaussian-mixture",
        [prefix + "iterations"] = Iterations.ToString(CultureInfo.InvariantCulture),
        [prefix + "converged"] = Converged ? "true" : "false",
        [prefix + "log_likelihood"] = TrainingLogLikelihood.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a mixture written by <see cref="Save"/>, with the header's metadata.</summary>
    /// <exception cref="FileFormatException">The file is missing, malformed, or not a valid mixture.</exception>
    public static (GaussianMixture Mixture, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        if (!File.Exists(path)) throw new FileFormatException(path, "file not found");
        var content = SafeTensorsFile.Read(path);
        return (FromTensors(content, path), content.Metadata);
    }

    /// <summary>The mixture stored under <paramref name="prefix"/> in <paramref name="content"/> (read from <paramref name="source"/>).</summary>
    /// <exception cref="FileFormatException">The tensors are missing or do not form a valid mixture.</exception>
    public static GaussianMixture FromTensors(SafeTensorsContent content, string source, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            if (!content.TryGet(prefix + "weights", out var w) || !content.TryGet(prefix + "means", out var m) || !content.TryGet(prefix + "covariances", out var c))
                throw new ArgumentException($"expected tensors {prefix}weights, {prefix}means and {prefix}covariances");
            if (w.Shape.Length != 1 || m.Shape.Length != 2 || c.Shape.Length != 3 || m.Shape[0] != w.Shape[0]
                || c.Shape[0] != w.Shape[0] || c.Shape[1] != m.Shape[1] || c.Shape[2] != m.Shape[1])
                throw new ArgumentException($"shapes {prefix}weights [{string.Join(", ", w.Shape)}], means [{string.Join(", ", m.Shape)}], covariances [{string.Join(", ", c.Shape)}]: expected [K], [K, D], [K, D, D]");
            content.Metadata.TryGetValue(prefix + "iterations", out var it);
            content.Metadata.TryGetValue(prefix + "converged", out var conv);
            content.Metadata.TryGetValue(prefix + "log_likelihood", out var ll);
            return new GaussianMixture(w.Data, m.Data, c.Data)
            {
                Iterations = int.TryParse(it, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : 0,
                Converged = conv == "true",
                TrainingLogLikelihood = double.TryParse(ll, NumberStyles.Float, CultureInfo.InvariantCulture, out double l) ? l : double.NaN,
            };
        }
        catch (ArgumentException e)
        {
            throw new FileFormatException(source, $"not a Gaussian mixture: {e.Message}", e);
        }
    }

    private double LogDensity(ReadOnlySpan<double> z, int c, double[] scratch)
    {
        int d = Dimension;
        if (z.Length != d) throw new ArgumentException($"A point of {z.Length} values; the mixture has dimension {d}.");
        var l = _cholesky[c];
        // Solve L y = z − μ; the Mahalanobis distance is ‖y‖².
        double maha = 0;
        for (int i = 0; i < d; i++)
        {
            double v = z[i] - Means[c * d + i];
            for (int j = 0; j < i; j++) v -= l[i * d + j] * scratch[j];
            v /= l[i * d + i];
            scratch[i] = v;
            maha += v * v;
        }
        return -0.5 * (d * Math.Log(2 * Math.PI) + _logDet[c] + maha);
    }

    // Fills resp (n × k) and returns the mean log-likelihood.
    private static double EStep(double[] x, int n, int d, int k, double[] weights, double[] means, double[] covs, double[] resp)
    {
        var chol = new double[k][];
        var logNorm = new double[k];
        for (int c = 0; c < k; c++)
        {
            chol[c] = Cholesky(covs.AsSpan(c * d * d, d * d), d)
                ?? throw new ArgumentException($"EM: the covariance of component {c} lost positive definiteness; try fewer components.");
            double logDet = 0;
            for (int i = 0; i < d; i++) logDet += 2 * Math.Log(chol[c][i * d + i]);
            logNorm[c] = Math.Log(Math.Max(weights[c], double.Epsilon)) - 0.5 * (d * Math.Log(2 * Math.PI) + logDet);
        }
        var y = new double[d];
        var logs = new double[k];
        double total = 0;
        for (int p = 0; p < n; p++)
        {
            for (int c = 0; c < k; c++)
            {
                var l = chol[c];
                double maha = 0;
                for (int i = 0; i < d; i++)
                {
                    double v = x[p * d + i] - means[c * d + i];
                    for (int j = 0; j < i; j++) v -= l[i * d + j] * y[j];
                    v /= l[i * d + i];
                    y[i] = v;
                    maha += v * v;
                }
                logs[c] = logNorm[c] - 0.5 * maha;
            }
            double lse = LogSumExp(logs);
            total += lse;
            for (int c = 0; c < k; c++) resp[p * k + c] = Math.Exp(logs[c] - lse);
        }
        return total / n;
    }

    private static (double[] Weights, double[] Means, double[] Covs) MStep(double[] x, double[] resp, int n, int d, int k, double regularization)
    {
        var nk = new double[k];
        var means = new double[k * d];
        var covs = new double[k * d * d];
        for (int p = 0; p < n; p++)
            for (int c = 0; c < k; c++)
            {
                double r = resp[p * k + c];
                if (r == 0) continue;
                nk[c] += r;
                for (int i = 0; i < d; i++) means[c * d + i] += r * x[p * d + i];
            }
        for (int c = 0; c < k; c++)
        {
            nk[c] += 10 * double.Epsilon;   // sklearn's guard against an empty component
            for (int i = 0; i < d; i++) means[c * d + i] /= nk[c];
        }
        var centred = new double[d];
        for (int p = 0; p < n; p++)
            for (int c = 0; c < k; c++)
            {
                double r = resp[p * k + c];
                if (r < 1e-300) continue;
                for (int i = 0; i < d; i++) centred[i] = x[p * d + i] - means[c * d + i];
                int at = c * d * d;
                for (int i = 0; i < d; i++)
                {
                    double ri = r * centred[i];
                    for (int j = 0; j <= i; j++) covs[at + i * d + j] += ri * centred[j];
                }
            }
        var weights = new double[k];
        for (int c = 0; c < k; c++)
        {
            weights[c] = nk[c] / n;
            int at = c * d * d;
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j <= i; j++) { covs[at + i * d + j] /= nk[c]; covs[at + j * d + i] = covs[at + i * d + j]; }
                covs[at + i * d + i] += regularization;
            }
        }
        return (weights, means, covs);
    }

    // k-means++ seeding (Arthur & Vassilvitskii 2007), then Lloyd's iterations until no point moves (at most 100).
    private static int[] KMeans(double[] x, int n, int d, int k, RandomGenerator rng)
    {
        var centres = new double[k * d];
        var nearest = new double[n];
        int first = rng.NextInt(n);
        Array.Copy(x, first * d, centres, 0, d);
        for (int p = 0; p < n; p++) nearest[p] = SquaredDistance(x, p * d, centres, 0, d);
        for (int c = 1; c < k; c++)
        {
            double total = nearest.Sum();
            int chosen = n - 1;
            if (total > 0)
            {
                double u = rng.NextDouble() * total, cumulative = 0;
                for (int p = 0; p < n; p++) { cumulative += nearest[p]; if (u < cumulative) { chosen = p; break; } }
            }
            else chosen = rng.NextInt(n);
            Array.Copy(x, chosen * d, centres, c * d, d);
            for (int p = 0; p < n; p++) nearest[p] = Math.Min(nearest[p], SquaredDistance(x, p * d, centres, c * d, d));
        }
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        var counts = new int[k];
        for (int it = 0; it < 100; it++)
        {
            bool moved = false;
            for (int p = 0; p < n; p++)
            {
                int best = 0;
                double bestDistance = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    double dist = SquaredDistance(x, p * d, centres, c * d, d);
                    if (dist < bestDistance) { bestDistance = dist; best = c; }
                }
                if (assignment[p] != best) { assignment[p] = best; moved = true; }
            }
            if (!moved) break;
            Array.Clear(centres);
            Array.Clear(counts);
            for (int p = 0; p < n; p++)
            {
                int c = assignment[p];
                counts[c]++;
                for (int i = 0; i < d; i++) centres[c * d + i] += x[p * d + i];
            }
            for (int c = 0; c < k; c++)
            {
                if (counts[c] == 0) continue;   // an emptied centre keeps the value 0 and may win points back
                for (int i = 0; i < d; i++) centres[c * d + i] /= counts[c];
            }
        }
        return assignment;
    }

    private static double SquaredDistance(double[] a, int aAt, double[] b, int bAt, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++) { double v = a[aAt + i] - b[bAt + i]; s += v * v; }
        return s;
    }

    private static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    // The lower-triangular L with LLᵀ = a (row-major D×D), or null when a is not positive definite.
    private static double[]? Cholesky(ReadOnlySpan<float> a, int d)
    {
        var copy = new double[a.Length];
        for (int i = 0; i < a.Length; i++) copy[i] = a[i];
        return Cholesky(copy, d);
    }

    private static double[]? Cholesky(ReadOnlySpan<double> a, int d)
    {
        var l = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * d + j];
                for (int m = 0; m < j; m++) s -= l[i * d + m] * l[j * d + m];
                if (i == j)
                {
                    if (!(s > 0)) return null;
                    l[i * d + i] = Math.Sqrt(s);
                }
                else l[i * d + j] = s / l[j * d + j];
            }
        return l;
    }

    private static float[] ToFloat(double[] values, bool normalise = false)
    {
        double total = normalise ? values.Sum() : 1;
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (float)(values[i] / total);
        return result;
    }
}
