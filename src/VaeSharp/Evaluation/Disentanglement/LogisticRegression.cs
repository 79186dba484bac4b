namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>
/// Multinomial logistic regression with an L2 penalty, as scikit-learn's <c>LogisticRegression()</c> defaults (which
/// disentanglement_lib uses for the BetaVAE score and explicitness): minimise
/// <code>  ½‖W‖² + C Σ_i −log softmax(W x_i + b)[y_i]     C = 1, the intercept b not penalised</code>
/// by L-BFGS (memory 10, Armijo backtracking) for at most 100 iterations or until the largest gradient entry is ≤ 1e-4
/// (scikit-learn's max_iter and tol). Classes are the labels present in the training data, in increasing order. In
/// double precision; deterministic.
/// </summary>
public sealed class LogisticRegression
{
    private readonly double[] _w;     // (K, D + 1): weights then intercept per class
    private readonly int _d;

    private LogisticRegression(int[] classes, int d, double[] w)
    {
        Classes = classes;
        _d = d;
        _w = w;
    }

    /// <summary>The labels, in the order of <see cref="PredictProba"/>'s columns.</summary>
    public int[] Classes { get; }

    /// <summary>L-BFGS iterations taken.</summary>
    public int Iterations { get; private init; }

    /// <summary>Fits the model to <paramref name="x"/> (n rows of <paramref name="d"/> features) and labels <paramref name="y"/>.</summary>
    public static LogisticRegression Fit(double[] x, int n, int d, int[] y, double c = 1.0, int maxIterations = 100, double tolerance = 1e-4)
    {
        int[] classes = [.. y.Take(n).Distinct().Order()];
        int k = classes.Length;
        var target = y.Take(n).Select(v => Array.BinarySearch(classes, v)).ToArray();
        int size = k * (d + 1);
        if (k == 1) return new LogisticRegression(classes, d, new double[size]);
        var probs = new double[k];
        double Objective(double[] w, double[] grad)
        {
            Array.Clear(grad);
            double loss = 0;
            for (int j = 0; j < k; j++)
                for (int f = 0; f < d; f++) { double v = w[j * (d + 1) + f]; loss += 0.5 * v * v; grad[j * (d + 1) + f] = v; }
            for (int i = 0; i < n; i++)
            {
                var xi = x.AsSpan(i * d, d);
                double max = double.NegativeInfinity;
                for (int j = 0; j < k; j++) { probs[j] = Score(w, j, xi, d); max = Math.Max(max, probs[j]); }
                double sum = 0;
                for (int j = 0; j < k; j++) { probs[j] = Math.Exp(probs[j] - max); sum += probs[j]; }
                loss += c * (Math.Log(sum) + max - Score(w, target[i], xi, d));
                for (int j = 0; j < k; j++)
                {
                    double g = c * (probs[j] / sum - (j == target[i] ? 1 : 0));
                    int at = j * (d + 1);
                    for (int f = 0; f < d; f++) grad[at + f] += g * xi[f];
                    grad[at + d] += g;
                }
            }
            return loss;
        }
        var (weights, iterations) = Lbfgs.Minimize(Objective, new double[size], maxIterations, tolerance);
        return new LogisticRegression(classes, d, weights) { Iterations = iterations };
    }

    private static double Score(double[] w, int j, ReadOnlySpan<double> xi, int d)
    {
        int at = j * (d + 1);
        double s = w[at + d];
        for (int f = 0; f < d; f++) s += w[at + f] * xi[f];
        return s;
    }

    /// <summary>The probability of each class (<see cref="Classes"/> order) for the n rows of <paramref name="x"/>, as (n, K).</summary>
    public double[] PredictProba(double[] x, int n)
    {
        int k = Classes.Length;
        var p = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            var xi = x.AsSpan(i * _d, _d);
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) { p[i * k + j] = Score(_w, j, xi, _d); max = Math.Max(max, p[i * k + j]); }
            double sum = 0;
            for (int j = 0; j < k; j++) { p[i * k + j] = Math.Exp(p[i * k + j] - max); sum += p[i * k + j]; }
            for (int j = 0; j < k; j++) p[i * k + j] /= sum;
        }
        return p;
    }

    /// <summary>The most probable label of each of the n rows of <paramref name="x"/>.</summary>
    public int[] Predict(double[] x, int n)
    {
        var p = PredictProba(x, n);
        int k = Classes.Length;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
            labels[i] = Classes[best];
        }
        return labels;
    }

    /// <summary>The share of the n rows of <paramref name="x"/> whose predicted label is <paramref name="y"/>'s.</summary>
    public double Accuracy(double[] x, int n, int[] y)
    {
        var predicted = Predict(x, n);
        int correct = 0;
        for (int i = 0; i < n; i++) if (predicted[i] == y[i]) correct++;
        return (double)correct / n;
    }
}
