namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>
/// A linear support-vector classifier of one feature, as scikit-learn's <c>LinearSVC(C=0.01, class_weight="balanced")</c>
/// (which disentanglement_lib's SAP score uses): one-vs-rest (one classifier for two classes), each minimising the
/// primal of liblinear's default (squared hinge, L2, the intercept a regularised feature of value 1):
/// <code>  ½(w² + b²) + C Σ_i s_i max(0, 1 − t_i (w x_i + b))²     s_i = n / (K · n_{y_i})</code>
/// solved exactly by Newton steps on its piecewise-quadratic objective; the prediction is the class of the largest
/// w x + b.
/// </summary>
public sealed class LinearSvm
{
    private readonly double[] _w, _b;

    private LinearSvm(int[] classes, double[] w, double[] b)
    {
        Classes = classes;
        _w = w;
        _b = b;
    }

    /// <summary>The labels.</summary>
    public int[] Classes { get; }

    /// <summary>Fits to the n values <paramref name="x"/> and labels <paramref name="y"/>.</summary>
    public static LinearSvm Fit(double[] x, int[] y, double c = 0.01)
    {
        int n = x.Length;
        int[] classes = [.. y.Distinct().Order()];
        int k = classes.Length;
        var target = y.Select(v => Array.BinarySearch(classes, v)).ToArray();
        var counts = new double[k];
        foreach (int t in target) counts[t]++;
        var weight = target.Select(t => n / (k * counts[t])).ToArray();
        if (k == 1) return new LinearSvm(classes, [0], [0]);
        int machines = k == 2 ? 1 : k;
        var w = new double[machines];
        var b = new double[machines];
        var sign = new double[n];
        for (int j = 0; j < machines; j++)
        {
            int positive = k == 2 ? 1 : j;
            for (int i = 0; i < n; i++) sign[i] = target[i] == positive ? 1 : -1;
            (w[j], b[j]) = Solve(x, sign, weight, c);
        }
        return new LinearSvm(classes, w, b);
    }

    private static (double W, double B) Solve(double[] x, double[] t, double[] s, double c)
    {
        double w = 0, b = 0;
        double Objective(double ww, double bb)
        {
            double f = 0.5 * (ww * ww + bb * bb);
            for (int i = 0; i < x.Length; i++)
            {
                double m = 1 - t[i] * (ww * x[i] + bb);
                if (m > 0) f += c * s[i] * m * m;
            }
            return f;
        }
        double fx = Objective(w, b);
        for (int it = 0; it < 100; it++)
        {
            // gradient and Hessian over the examples inside the margin
            double gw = w, gb = b, hww = 1, hwb = 0, hbb = 1;
            for (int i = 0; i < x.Length; i++)
            {
                double m = 1 - t[i] * (w * x[i] + b);
                if (m <= 0) continue;
                double a = 2 * c * s[i];
                gw -= a * m * t[i] * x[i];
                gb -= a * m * t[i];
                hww += a * x[i] * x[i];
                hwb += a * x[i];
                hbb += a;
            }
            double det = hww * hbb - hwb * hwb;
            double dw = -(hbb * gw - hwb * gb) / det, db = -(hww * gb - hwb * gw) / det;
            double step = 1, fNew = fx;
            for (int tries = 0; tries < 50; tries++, step *= 0.5)
            {
                fNew = Objective(w + step * dw, b + step * db);
                if (fNew <= fx) break;
            }
            if (fNew > fx) break;
            w += step * dw;
            b += step * db;
            bool done = fx - fNew <= 1e-12 * Math.Max(1, fx);
            fx = fNew;
            if (done) break;
        }
        return (w, b);
    }

    /// <summary>The predicted label of each value of <paramref name="x"/>.</summary>
    public int[] Predict(double[] x)
    {
        var labels = new int[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            if (Classes.Length == 1) { labels[i] = Classes[0]; continue; }
            if (_w.Length == 1) { labels[i] = Classes[_w[0] * x[i] + _b[0] > 0 ? 1 : 0]; continue; }
            int best = 0;
            for (int j = 1; j < _w.Length; j++) if (_w[j] * x[i] + _b[j] > _w[best] * x[i] + _b[best]) best = j;
            labels[i] = Classes[best];
        }
        return labels;
    }
}
