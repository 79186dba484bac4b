namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>
/// Gradient-boosted regression trees for classification, as scikit-learn's <c>GradientBoostingClassifier()</c>
/// defaults (which disentanglement_lib's DCI uses): log-loss, 100 stages, learning rate 0.1, trees of depth 3 (at
/// most 8 leaves), no subsampling, at least one example per leaf, the initial score the log of the class priors
/// (log-odds for two classes). Each stage fits one tree per class (one in all for two classes) to the residuals
/// y − p by least squares (the split that most lowers the squared error, threshold midway between neighbouring
/// values), and each leaf takes one Newton step: (K−1)/K · Σ r / Σ p(1 − p) (Σ r / Σ p(1 − p) for two classes).
/// <see cref="FeatureImportances"/> is scikit-learn's: the squared error each feature's splits remove, summed over all
/// trees and normalised to sum to 1. Deterministic (ties between splits go to the lower feature, then the lower threshold).
/// </summary>
public sealed class GradientBoostedTrees
{
    private readonly List<Tree> _trees = [];   // stage-major: K trees per stage (1 for two classes)
    private readonly double[] _init;
    private readonly int _d;
    private readonly double _learningRate;

    private GradientBoostedTrees(int[] classes, int d, double[] init, double learningRate)
    {
        Classes = classes;
        _d = d;
        _init = init;
        _learningRate = learningRate;
        FeatureImportances = new double[d];
    }

    /// <summary>The labels in score order.</summary>
    public int[] Classes { get; }

    /// <summary>Importance of each feature (sums to 1, or all 0 when no tree split).</summary>
    public double[] FeatureImportances { get; }

    /// <summary>Fits to <paramref name="x"/> (n rows of <paramref name="d"/> features) and labels <paramref name="y"/>.</summary>
    public static GradientBoostedTrees Fit(double[] x, int n, int d, int[] y, int stages = 100, double learningRate = 0.1, int maxDepth = 3)
    {
        int[] classes = [.. y.Take(n).Distinct().Order()];
        int k = classes.Length, trees = k == 2 ? 1 : k;
        var target = y.Take(n).Select(v => Array.BinarySearch(classes, v)).ToArray();
        var counts = new double[k];
        foreach (int t in target) counts[t]++;
        var init = k == 2 ? [Math.Log(counts[1] / counts[0])] : counts.Select(c => Math.Log(c / n)).ToArray();
        var model = new GradientBoostedTrees(classes, d, k == 1 ? [0.0] : init, learningRate);
        if (k == 1) return model;
        // each feature's rows sorted by value, once
        var sorted = new int[d][];
        for (int f = 0; f < d; f++)
        {
            var rows = Enumerable.Range(0, n).ToArray();
            var keys = new double[n];
            for (int i = 0; i < n; i++) keys[i] = x[i * d + f];
            Array.Sort(keys, rows);
            sorted[f] = rows;
        }
        var raw = new double[n * trees];
        for (int i = 0; i < n; i++) for (int j = 0; j < trees; j++) raw[i * trees + j] = model._init[j];
        var p = new double[n * trees];
        var residual = new double[n];
        var hessian = new double[n];
        var importance = new double[d];
        for (int stage = 0; stage < stages; stage++)
        {
            Probabilities(raw, n, trees, p);
            for (int j = 0; j < trees; j++)
            {
                int cls = k == 2 ? 1 : j;
                for (int i = 0; i < n; i++)
                {
                    double pi = p[i * trees + j];
                    residual[i] = (target[i] == cls ? 1 : 0) - pi;
                    hessian[i] = pi * (1 - pi);
                }
                var tree = Tree.Grow(x, n, d, sorted, residual, maxDepth, importance);
                tree.SetLeaves(residual, hessian, k == 2 ? 1.0 : (k - 1.0) / k);
                model._trees.Add(tree);
                for (int i = 0; i < n; i++) raw[i * trees + j] += learningRate * tree.Value(x.AsSpan(i * d, d));
            }
        }
        double total = importance.Sum();
        for (int f = 0; f < d; f++) model.FeatureImportances[f] = total > 0 ? importance[f] / total : 0;
        return model;
    }

    // softmax of the scores per row (the sigmoid for two classes, one score)
    private static void Probabilities(double[] raw, int n, int trees, double[] p)
    {
        for (int i = 0; i < n; i++)
        {
            if (trees == 1) { p[i] = 1 / (1 + Math.Exp(-raw[i])); continue; }
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < trees; j++) max = Math.Max(max, raw[i * trees + j]);
            for (int j = 0; j < trees; j++) { p[i * trees + j] = Math.Exp(raw[i * trees + j] - max); sum += p[i * trees + j]; }
            for (int j = 0; j < trees; j++) p[i * trees + j] /= sum;
        }
    }

    /// <summary>The predicted label of each of the n rows of <paramref name="x"/>.</summary>
    public int[] Predict(double[] x, int n)
    {
        int trees = Classes.Length == 2 ? 1 : Classes.Length;
        var labels = new int[n];
        var scores = new double[trees];
        for (int i = 0; i < n; i++)
        {
            var xi = x.AsSpan(i * _d, _d);
            if (Classes.Length == 1) { labels[i] = Classes[0]; continue; }
            for (int j = 0; j < trees; j++) scores[j] = _init[j];
            for (int t = 0; t < _trees.Count; t++) scores[t % trees] += _learningRate * _trees[t].Value(xi);
            if (trees == 1) { labels[i] = Classes[scores[0] > 0 ? 1 : 0]; continue; }
            int best = 0;
            for (int j = 1; j < trees; j++) if (scores[j] > scores[best]) best = j;
            labels[i] = Classes[best];
        }
        return labels;
    }

    /// <summary>The share of the n rows of <paramref name="x"/> predicted as <paramref name="y"/>.</summary>
    public double Accuracy(double[] x, int n, int[] y)
    {
        var predicted = Predict(x, n);
        int correct = 0;
        for (int i = 0; i < n; i++) if (predicted[i] == y[i]) correct++;
        return (double)correct / n;
    }

    // A least-squares regression tree grown level by level: nodes in heap order (children of i at 2i+1, 2i+2).
    private sealed class Tree
    {
        private readonly int[] _feature;        // −1 for a leaf
        private readonly double[] _threshold;
        private readonly double[] _value;
        private readonly int[] _leafOf;         // training row → its leaf node

        private Tree(int nodes, int n)
        {
            _feature = Enumerable.Repeat(-1, nodes).ToArray();
            _threshold = new double[nodes];
            _value = new double[nodes];
            _leafOf = new int[n];
        }

        public static Tree Grow(double[] x, int n, int d, int[][] sorted, double[] r, int maxDepth, double[] importance)
        {
            int nodes = (1 << (maxDepth + 1)) - 1;
            var tree = new Tree(nodes, n);
            var node = tree._leafOf;             // row → node it sits in while growing
            for (int depth = 0; depth < maxDepth; depth++)
            {
                int first = (1 << depth) - 1, width = 1 << depth;
                var count = new double[width];
                var sum = new double[width];
                for (int i = 0; i < n; i++)
                {
                    int m = node[i] - first;
                    if (m < 0) continue;         // in a leaf that stopped growing
                    count[m]++;
                    sum[m] += r[i];
                }
                var bestGain = new double[width];
                var bestFeature = Enumerable.Repeat(-1, width).ToArray();
                var bestThreshold = new double[width];
                var leftCount = new double[width];
                var leftSum = new double[width];
                var last = new double[width];
                for (int f = 0; f < d; f++)
                {
                    Array.Clear(leftCount);
                    Array.Clear(leftSum);
                    foreach (int i in sorted[f])
                    {
                        int m = node[i] - first;
                        if (m < 0) continue;
                        double v = x[i * d + f];
                        if (leftCount[m] > 0 && v > last[m])
                        {
                            // SSE reduction of splitting between last and v: n_l n_r / n · (ȳ_l − ȳ_r)²
                            double nl = leftCount[m], nr = count[m] - nl, sl = leftSum[m], sr = sum[m] - sl;
                            double diff = sl / nl - sr / nr, gain = nl * nr / count[m] * diff * diff;
                            if (gain > bestGain[m] * (1 + 1e-12) + 1e-300)
                            {
                                bestGain[m] = gain;
                                bestFeature[m] = f;
                                bestThreshold[m] = (last[m] + v) / 2;
                                if (bestThreshold[m] == v) bestThreshold[m] = last[m];   // neighbours too close for a midpoint
                            }
                        }
                        leftCount[m]++;
                        leftSum[m] += r[i];
                        last[m] = v;
                    }
                }
                bool any = false;
                for (int m = 0; m < width; m++)
                {
                    if (bestFeature[m] < 0) continue;
                    tree._feature[first + m] = bestFeature[m];
                    tree._threshold[first + m] = bestThreshold[m];
                    importance[bestFeature[m]] += bestGain[m];
                    any = true;
                }
                if (!any) break;
                for (int i = 0; i < n; i++)
                {
                    int at = node[i];
                    if (at < first || tree._feature[at] < 0) { if (at >= first) node[i] = -1 - at; continue; }   // settled leaf
                    node[i] = x[i * d + tree._feature[at]] <= tree._threshold[at] ? 2 * at + 1 : 2 * at + 2;
                }
            }
            for (int i = 0; i < n; i++) if (node[i] < 0) node[i] = -1 - node[i];
            return tree;
        }

        public void SetLeaves(double[] r, double[] h, double factor)
        {
            var num = new double[_value.Length];
            var den = new double[_value.Length];
            for (int i = 0; i < _leafOf.Length; i++) { num[_leafOf[i]] += r[i]; den[_leafOf[i]] += h[i]; }
            for (int m = 0; m < _value.Length; m++) _value[m] = Math.Abs(den[m]) < 1e-150 ? 0 : factor * num[m] / den[m];
        }

        public double Value(ReadOnlySpan<double> xi)
        {
            int at = 0;
            while (at < _feature.Length && _feature[at] >= 0) at = xi[_feature[at]] <= _threshold[at] ? 2 * at + 1 : 2 * at + 2;
            return _value[at];
        }
    }
}
