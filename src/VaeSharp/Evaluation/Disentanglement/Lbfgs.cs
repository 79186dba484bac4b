namespace VaeSharp.Evaluation.Disentanglement;

// Limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.4/7.5) with Armijo backtracking, for the small smooth convex
// problems of the metrics' classifiers. Stops when max |∇f| ≤ tolerance or after maxIterations.
internal static class Lbfgs
{
    public static (double[] X, int Iterations) Minimize(Func<double[], double[], double> f, double[] x, int maxIterations, double tolerance, int memory = 10)
    {
        int n = x.Length;
        var g = new double[n];
        double fx = f(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var direction = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        int it = 0;
        for (; it < maxIterations; it++)
        {
            if (MaxAbs(g) <= tolerance) break;
            // two-loop recursion: direction = −H ∇f
            Array.Copy(g, direction, n);
            var alpha = new double[s.Count];
            for (int i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = Dot(s[i], direction) / Dot(y[i], s[i]);
                Axpy(-alpha[i], y[i], direction);
            }
            double gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1.0 / Math.Max(1.0, Math.Sqrt(Dot(g, g)));
            for (int i = 0; i < n; i++) direction[i] *= gamma;
            for (int i = 0; i < s.Count; i++)
            {
                double beta = Dot(y[i], direction) / Dot(y[i], s[i]);
                Axpy(alpha[i] - beta, s[i], direction);
            }
            for (int i = 0; i < n; i++) direction[i] = -direction[i];
            double slope = Dot(g, direction);
            if (slope >= 0) { for (int i = 0; i < n; i++) direction[i] = -g[i]; slope = -Dot(g, g); s.Clear(); y.Clear(); }
            double step = 1, fNew = 0;
            bool accepted = false;
            for (int tries = 0; tries < 40; tries++, step *= 0.5)
            {
                for (int i = 0; i < n; i++) xNew[i] = x[i] + step * direction[i];
                fNew = f(xNew, gNew);
                if (double.IsFinite(fNew) && fNew <= fx + 1e-4 * step * slope) { accepted = true; break; }
            }
            if (!accepted) break;
            var sk = new double[n];
            var yk = new double[n];
            for (int i = 0; i < n; i++) { sk[i] = xNew[i] - x[i]; yk[i] = gNew[i] - g[i]; }
            if (Dot(sk, yk) > 1e-12)
            {
                if (s.Count == memory) { s.RemoveAt(0); y.RemoveAt(0); }
                s.Add(sk);
                y.Add(yk);
            }
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            fx = fNew;
        }
        return (x, it);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
