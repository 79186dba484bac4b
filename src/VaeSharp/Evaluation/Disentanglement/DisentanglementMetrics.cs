using System.Globalization;
using VaeSharp.Engine.Random;

namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>
/// The disentanglement metrics of a representation, following disentanglement_lib (Locatello et al., ICML 2019) and
/// its unsupervised_study_v1 gin settings (<see cref="DisentanglementSettings"/>), on a pool of codes with known factors
/// (<see cref="FactorCodes"/>). Every metric draws from its own fork of one generator, so each one's value does not
/// depend on which others are computed. Factors are used as their discrete classes, as disentanglement_lib does.
/// </summary>
public static class DisentanglementMetrics
{
    /// <summary>The metric keys, in report order.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["beta_vae", "factor_vae", "mig", "dci_disentanglement", "dci_completeness", "dci_informativeness", "sap", "modularity", "explicitness"];

    /// <summary>Every metric, in <see cref="Keys"/> order.</summary>
    public static IReadOnlyList<MetricScore> All(FactorCodes codes, DisentanglementSettings settings)
    {
        settings.Validate();
        var root = RngStreams.Create(settings.Seed, RngStream.DisentanglementMetrics);
        return [BetaVae(codes, settings, root.Fork(0)), FactorVae(codes, settings, root.Fork(1)), Mig(codes, settings, root.Fork(2)),
            .. Dci(codes, settings, root.Fork(3)), Sap(codes, settings, root.Fork(4)), .. ModularityExplicitness(codes, settings, root.Fork(5))];
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>BetaVAE score (Higgins et al., ICLR 2017).</summary>
    public static MetricScore BetaVae(FactorCodes codes, DisentanglementSettings s, RandomGenerator rng)
    {
        int d = codes.CodeDim;
        (double[] X, int[] Y) Points(int count)
        {
            var x = new double[count * d];
            var y = new int[count];
            for (int p = 0; p < count; p++)
            {
                int k = rng.NextInt(codes.Factors.Count);
                y[p] = k;
                var feature = x.AsSpan(p * d, d);
                for (int b = 0; b < s.BatchSize; b++)
                {
                    int first = codes.Draw(rng), second = codes.DrawWith(k, codes.Class(first, k), rng);
                    for (int j = 0; j < d; j++) feature[j] += Math.Abs(codes.Code(first, j) - codes.Code(second, j)) / s.BatchSize;
                }
            }
            return (x, y);
        }
        var (trainX, trainY) = Points(s.TrainPoints);
        var model = LogisticRegression.Fit(trainX, s.TrainPoints, d, trainY);
        double trainAccuracy = model.Accuracy(trainX, s.TrainPoints, trainY);
        var (evalX, evalY) = Points(s.EvalPoints);
        return new MetricScore("beta_vae", model.Accuracy(evalX, s.EvalPoints, evalY),
            Inv($"accuracy on {s.EvalPoints} eval points of a multinomial logistic regression (L2, C = 1, L-BFGS ≤ 100 iterations) trained on {s.TrainPoints} points; a point: factor k uniform, {s.BatchSize} pairs of examples sharing k's class, feature = mean |z1 − z2| per dimension, label k"),
            new Dictionary<string, double> { ["train_accuracy"] = trainAccuracy });
    }

    /// <summary>FactorVAE score (Kim &amp; Mnih, ICML 2018).</summary>
    public static MetricScore FactorVae(FactorCodes codes, DisentanglementSettings s, RandomGenerator rng)
    {
        int d = codes.CodeDim, k = codes.Factors.Count;
        var rows = new int[s.VarianceEstimatePoints];
        for (int i = 0; i < rows.Length; i++) rows[i] = codes.Draw(rng);
        var global = Variances(codes, rows);
        var active = Enumerable.Range(0, d).Where(j => Math.Sqrt(global[j]) >= s.PruneThreshold).ToArray();
        string estimator = Inv($"majority-vote accuracy on {s.EvalPoints} eval points, the vote table from {s.TrainPoints} training points; global variances (ddof 1) from {s.VarianceEstimatePoints} examples, dimensions with std < {s.PruneThreshold} pruned; a point: factor k uniform, {s.BatchSize} examples sharing one class of k, vote (k, argmin over kept dimensions of variance (ddof 1) / global variance)");
        if (active.Length == 0)
            return new MetricScore("factor_vae", 0, estimator, new Dictionary<string, double> { ["train_accuracy"] = 0, ["active_dims"] = 0 });
        var batch = new int[s.BatchSize];
        long[,] Votes(int count)
        {
            var votes = new long[k, d];
            for (int p = 0; p < count; p++)
            {
                int factor = rng.NextInt(k), cls = codes.Class(codes.Draw(rng), factor);
                for (int b = 0; b < batch.Length; b++) batch[b] = codes.DrawWith(factor, cls, rng);
                var local = Variances(codes, batch);
                int best = active[0];
                foreach (int j in active) if (local[j] / global[j] < local[best] / global[best]) best = j;
                votes[factor, best]++;
            }
            return votes;
        }
        var train = Votes(s.TrainPoints);
        var classifier = new int[d];
        for (int j = 0; j < d; j++)
            for (int f = 1; f < k; f++) if (train[f, j] > train[classifier[j], j]) classifier[j] = f;
        double Accuracy(long[,] votes)
        {
            long right = 0, all = 0;
            for (int j = 0; j < d; j++) for (int f = 0; f < k; f++) { all += votes[f, j]; if (f == classifier[j]) right += votes[f, j]; }
            return (double)right / all;
        }
        double trainAccuracy = Accuracy(train);
        return new MetricScore("factor_vae", Accuracy(Votes(s.EvalPoints)), estimator,
            new Dictionary<string, double> { ["train_accuracy"] = trainAccuracy, ["active_dims"] = active.Length });
    }

    private static double[] Variances(FactorCodes codes, int[] rows)
    {
        int d = codes.CodeDim;
        var mean = new double[d];
        var variance = new double[d];
        foreach (int r in rows) for (int j = 0; j < d; j++) mean[j] += codes.Code(r, j) / rows.Length;
        foreach (int r in rows) for (int j = 0; j < d; j++) { double e = codes.Code(r, j) - mean[j]; variance[j] += e * e; }
        for (int j = 0; j < d; j++) variance[j] /= rows.Length - 1;
        return variance;
    }

    /// <summary>Mutual information gap (Chen et al., NeurIPS 2018), with disentanglement_lib's histogram discretisation.</summary>
    public static MetricScore Mig(FactorCodes codes, DisentanglementSettings s, RandomGenerator rng)
    {
        if (codes.CodeDim < 2) throw new ArgumentException("MIG: the code needs at least two dimensions.");
        int n = s.TrainPoints, d = codes.CodeDim, k = codes.Factors.Count;
        var (x, y) = codes.DrawBatch(n, rng);
        var mi = InformationMatrix(x, y, n, d, k, s.Bins);
        double sum = 0;
        int counted = 0;
        for (int f = 0; f < k; f++)
        {
            var column = Column(y, n, k, f);
            double h = MutualInformation(column, column, n);
            if (h <= 0) continue;
            var sorted = Enumerable.Range(0, d).Select(j => mi[j, f]).OrderDescending().ToArray();
            sum += (sorted[0] - sorted[1]) / h;
            counted++;
        }
        return new MetricScore("mig", counted == 0 ? 0 : sum / counted,
            Inv($"mean over factors of (largest − second largest I(z_j; v_k)) / H(v_k) on {n} examples; each z_j discretised into {s.Bins} equal-width bins between its min and max (numpy.histogram + digitize), I and H in nats from the empirical joint (sklearn mutual_info_score)"),
            new Dictionary<string, double> { ["factors_counted"] = counted });
    }

    /// <summary>DCI disentanglement, completeness and informativeness (Eastwood &amp; Williams, ICLR 2018).</summary>
    public static IReadOnlyList<MetricScore> Dci(FactorCodes codes, DisentanglementSettings s, RandomGenerator rng)
    {
        int d = codes.CodeDim, k = codes.Factors.Count;
        var (trainX, trainY) = codes.DrawBatch(s.TrainPoints, rng);
        var (testX, testY) = codes.DrawBatch(s.EvalPoints, rng);
        var importance = new double[d, k];
        double trainAccuracy = 0, testAccuracy = 0;
        for (int f = 0; f < k; f++)
        {
            var model = GradientBoostedTrees.Fit(trainX, s.TrainPoints, d, Column(trainY, s.TrainPoints, k, f));
            for (int j = 0; j < d; j++) importance[j, f] = Math.Abs(model.FeatureImportances[j]);
            trainAccuracy += model.Accuracy(trainX, s.TrainPoints, Column(trainY, s.TrainPoints, k, f)) / k;
            testAccuracy += model.Accuracy(testX, s.EvalPoints, Column(testY, s.EvalPoints, k, f)) / k;
        }
        var (disentanglement, completeness) = DciScores(importance);
        string how = Inv($"importance R[j,k] = feature importance of z_j in gradient-boosted trees (sklearn GradientBoostingClassifier defaults: 100 stages, depth 3, learning rate 0.1, log-loss) predicting factor k's class from z, {s.TrainPoints} training examples");
        var details = new Dictionary<string, double>();
        return
        [
            new MetricScore("dci_disentanglement", disentanglement, how + "; Σ_j ρ_j (1 − H_K(R[j,:] + 1e-11)), ρ_j = Σ_k R[j,k] / Σ R, entropy base K = number of factors", details),
            new MetricScore("dci_completeness", completeness, how + "; Σ_k ρ_k (1 − H_D(R[:,k] + 1e-11)), ρ_k = Σ_j R[j,k] / Σ R, entropy base D = code dimensions", details),
            new MetricScore("dci_informativeness", testAccuracy, Inv($"mean over factors of the trees' accuracy on {s.EvalPoints} test examples (disentanglement_lib's informativeness_test; an accuracy, not an error)"),
                new Dictionary<string, double> { ["train_accuracy"] = trainAccuracy }),
        ];
    }

    /// <summary>DCI's disentanglement and completeness from an importance matrix R (codes × factors).</summary>
    public static (double Disentanglement, double Completeness) DciScores(double[,] importance)
    {
        int d = importance.GetLength(0), k = importance.GetLength(1);
        double total = 0;
        foreach (double v in importance) total += v;
        double Weight(double part, int count) => total == 0 ? 1.0 / count : part / total;
        double dis = 0, com = 0;
        for (int j = 0; j < d; j++)
        {
            var row = Enumerable.Range(0, k).Select(f => importance[j, f]).ToArray();
            dis += Weight(row.Sum(), d) * (1 - Entropy(row, k));
        }
        for (int f = 0; f < k; f++)
        {
            var column = Enumerable.Range(0, d).Select(j => importance[j, f]).ToArray();
            com += Weight(column.Sum(), k) * (1 - Entropy(column, d));
        }
        return (dis, com);
    }

    // scipy.stats.entropy(p + 1e-11, base): p normalised to sum 1 first.
    private static double Entropy(double[] p, int logBase)
    {
        if (logBase < 2) return 0;
        double sum = p.Sum(v => v + 1e-11), h = 0;
        foreach (double v in p) { double q = (v + 1e-11) / sum; h -= q * Math.Log(q); }
        return h / Math.Log(logBase);
    }

    /// <summary>SAP score (Kumar et al., ICLR 2018), factors as discrete classes.</summary>
    public static MetricScore Sap(FactorCodes codes, DisentanglementSettings s, RandomGenerator rng)
    {
        if (codes.CodeDim < 2) throw new ArgumentException("SAP: the code needs at least two dimensions.");
        int d = codes.CodeDim, k = codes.Factors.Count;
        var (trainX, trainY) = codes.DrawBatch(s.TrainPoints, rng);
        var (testX, testY) = codes.DrawBatch(s.EvalPoints, rng);
        var score = new double[d, k];
        for (int j = 0; j < d; j++)
        {
            var xj = Column(trainX, s.TrainPoints, d, j);
            var xjTest = Column(testX, s.EvalPoints, d, j);
            for (int f = 0; f < k; f++)
            {
                var svm = LinearSvm.Fit(xj, Column(trainY, s.TrainPoints, k, f));
                var predicted = svm.Predict(xjTest);
                var truth = Column(testY, s.EvalPoints, k, f);
                score[j, f] = predicted.Where((p, i) => p == truth[i]).Count() / (double)s.EvalPoints;
            }
        }
        double sap = 0;
        for (int f = 0; f < k; f++)
        {
            var sorted = Enumerable.Range(0, d).Select(j => score[j, f]).OrderDescending().ToArray();
            sap += (sorted[0] - sorted[1]) / k;
        }
        return new MetricScore("sap", sap,
            Inv($"mean over factors of (best − second best) test accuracy of single-dimension classifiers; S[j,k] = accuracy on {s.EvalPoints} test examples of a linear SVM (sklearn LinearSVC(C = 0.01, class_weight = balanced): squared hinge, L2, one-vs-rest) on z_j alone, trained on {s.TrainPoints}"),
            new Dictionary<string, double>());
    }

    /// <summary>Modularity and explicitness (Ridgeway &amp; Mozer, NeurIPS 2018).</summary>
    public static IReadOnlyList<MetricScore> ModularityExplicitness(FactorCodes codes, DisentanglementSettings s, RandomGenerator rng)
    {
        int d = codes.CodeDim, k = codes.Factors.Count, n = s.TrainPoints, m = s.EvalPoints;
        var (trainX, trainY) = codes.DrawBatch(n, rng);
        var (testX, testY) = codes.DrawBatch(m, rng);
        var mi = InformationMatrix(trainX, trainY, n, d, k, s.Bins);
        double modularity = 0;
        for (int j = 0; j < d; j++)
        {
            double max = 0, sum = 0;
            for (int f = 0; f < k; f++) { double sq = mi[j, f] * mi[j, f]; sum += sq; max = Math.Max(max, sq); }
            modularity += (max == 0 || k < 2 ? 0 : 1 - (sum - max) / (max * (k - 1))) / d;
        }
        // explicitness: standardise by the training codes' mean and std (ddof 0; a constant dimension by 1)
        var mean = new double[d];
        var std = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += trainX[i * d + j] / n;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) { double e = trainX[i * d + j] - mean[j]; std[j] += e * e / n; }
        for (int j = 0; j < d; j++) std[j] = std[j] > 0 ? Math.Sqrt(std[j]) : 1;
        double[] Standardise(double[] x, int rows)
        {
            var z = new double[x.Length];
            for (int i = 0; i < rows; i++) for (int j = 0; j < d; j++) z[i * d + j] = (x[i * d + j] - mean[j]) / std[j];
            return z;
        }
        var zTrain = Standardise(trainX, n);
        var zTest = Standardise(testX, m);
        double explicitTrain = 0, explicitTest = 0;
        for (int f = 0; f < k; f++)
        {
            var yTrain = Column(trainY, n, k, f);
            var yTest = Column(testY, m, k, f);
            var model = LogisticRegression.Fit(zTrain, n, d, yTrain);
            explicitTrain += MeanAuc(model, zTrain, n, yTrain) / k;
            explicitTest += MeanAuc(model, zTest, m, yTest) / k;
        }
        return
        [
            new MetricScore("modularity", modularity,
                Inv($"mean over code dimensions of 1 − (Σ_k I_jk² − max_k I_jk²) / (max_k I_jk² · (K − 1)) (0 for a dimension with no information), I from {n} examples with z discretised into {s.Bins} equal-width bins, as MIG"),
                new Dictionary<string, double>()),
            new MetricScore("explicitness", explicitTest,
                Inv($"mean over factors of the one-vs-rest ROC AUC, averaged over classes, on {m} test examples of a multinomial logistic regression (L2, C = 1) predicting the factor's class from z standardised by the {n} training codes' mean and std"),
                new Dictionary<string, double> { ["train"] = explicitTrain }),
        ];
    }

    // Mean over the classifier's classes (present in y with both outcomes) of the ROC AUC of its probability.
    private static double MeanAuc(LogisticRegression model, double[] x, int n, int[] y)
    {
        var p = model.PredictProba(x, n);
        int k = model.Classes.Length;
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < k; c++)
        {
            var scores = new double[n];
            var positive = new bool[n];
            for (int i = 0; i < n; i++) { scores[i] = p[i * k + c]; positive[i] = y[i] == model.Classes[c]; }
            double auc = Auc(scores, positive);
            if (double.IsNaN(auc)) continue;
            sum += auc;
            counted++;
        }
        return counted == 0 ? 0.5 : sum / counted;
    }

    /// <summary>ROC AUC of <paramref name="scores"/> for the <paramref name="positive"/> examples (Mann–Whitney, ties half);
    /// NaN when one outcome is missing.</summary>
    public static double Auc(double[] scores, bool[] positive)
    {
        int n = scores.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        long pos = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int t = start; t <= end; t++) if (positive[order[t]]) { rankSum += rank; pos++; }
            start = end + 1;
        }
        long neg = n - pos;
        return pos == 0 || neg == 0 ? double.NaN : (rankSum - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    // I(bin(z_j); v_k) for every code dimension and factor, z binned as numpy.histogram(bins) + digitize.
    private static double[,] InformationMatrix(double[] x, int[] y, int n, int d, int k, int bins)
    {
        var mi = new double[d, k];
        for (int j = 0; j < d; j++)
        {
            var binned = Discretise(Column(x, n, d, j), bins);
            for (int f = 0; f < k; f++) mi[j, f] = MutualInformation(binned, Column(y, n, k, f), n);
        }
        return mi;
    }

    /// <summary>The bin (1 to <paramref name="bins"/>) of each value: equal-width bins between the min and the max,
    /// the max in the last (numpy.digitize(x, numpy.histogram(x, bins)[1][:-1])); all 1 for a constant.</summary>
    public static int[] Discretise(double[] values, int bins)
    {
        double min = values.Min(), max = values.Max();
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = max > min ? Math.Clamp((int)Math.Floor((values[i] - min) / (max - min) * bins) + 1, 1, bins) : 1;
        return result;
    }

    /// <summary>The empirical mutual information of two discrete variables, in nats (sklearn's mutual_info_score).</summary>
    public static double MutualInformation(int[] a, int[] b, int n)
    {
        var joint = new Dictionary<(int, int), int>();
        var pa = new Dictionary<int, int>();
        var pb = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            joint[(a[i], b[i])] = joint.GetValueOrDefault((a[i], b[i])) + 1;
            pa[a[i]] = pa.GetValueOrDefault(a[i]) + 1;
            pb[b[i]] = pb.GetValueOrDefault(b[i]) + 1;
        }
        double mi = 0;
        foreach (var ((u, v), c) in joint) mi += (double)c / n * Math.Log((double)c * n / ((double)pa[u] * pb[v]));
        return Math.Max(0, mi);
    }

    private static int[] Column(int[] matrix, int rows, int cols, int c)
    {
        var column = new int[rows];
        for (int i = 0; i < rows; i++) column[i] = matrix[i * cols + c];
        return column;
    }

    private static double[] Column(double[] matrix, int rows, int cols, int c)
    {
        var column = new double[rows];
        for (int i = 0; i < rows; i++) column[i] = matrix[i * cols + c];
        return column;
    }
}
