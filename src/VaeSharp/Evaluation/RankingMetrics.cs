namespace VaeSharp.Evaluation;

// How well a score ranks positives (anomalies) above negatives (normal examples), from the scores alone:
//   AUROC = P(s⁺ > s⁻) + ½ P(s⁺ = s⁻)        the Mann–Whitney U statistic over n⁺·n⁻ pairs (ties count half)
//   AUPRC = Σ_t (R_t − R_{t−1}) · P_t         average precision, t over the distinct score values from the highest
//                                             (tied scores enter together, as scikit-learn's average_precision_score)
//   ROC   = (FPR_t, TPR_t) at each distinct score value t, from (0, 0) to (1, 1); ties make one diagonal step.
// Sorting is by score only, so the figures do not depend on the order of the examples.

/// <summary>AUROC, AUPRC (average precision) and the ROC curve of scores where higher means more positive (more anomalous).</summary>
public static class RankingMetrics
{
    /// <summary>The area under the ROC curve: the probability that a random positive scores above a random negative, ties counting half.</summary>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or a class is empty.</exception>
    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var order = Sorted(scores, positive, out int positives, out int negatives);
        // Ranks 1..n in ascending order, ties getting their average rank; U = Σ rank(positives) − n⁺(n⁺+1)/2.
        double rankSum = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            double averageRank = (i + j) / 2.0 + 1;   // ascending ranks of positions i..j
            for (int t = i; t <= j; t++) if (positive[order[t]]) rankSum += averageRank;
            i = j + 1;
        }
        double u = rankSum - positives * (positives + 1.0) / 2;
        return u / ((double)positives * negatives);
    }

    /// <summary>Average precision: Σ over thresholds (from the highest score down) of the recall gained times the precision there.</summary>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or a class is empty.</exception>
    public static double Auprc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var order = Sorted(scores, positive, out int positives, out _);
        double ap = 0;
        int truePositives = 0, taken = 0;
        for (int i = order.Length - 1; i >= 0;)
        {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            int gained = 0;
            for (int t = j; t <= i; t++) if (positive[order[t]]) gained++;
            truePositives += gained;
            taken += i - j + 1;
            ap += (double)gained / positives * truePositives / taken;
            i = j - 1;
        }
        return ap;
    }

    /// <summary>The ROC curve: false- and true-positive rates when flagging every score ≥ each distinct score value, from (0, 0) to (1, 1).</summary>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or a class is empty.</exception>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) Roc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var order = Sorted(scores, positive, out int positives, out int negatives);
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int tp = 0, fp = 0;
        for (int i = order.Length - 1; i >= 0;)
        {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (int t = j; t <= i; t++) { if (positive[order[t]]) tp++; else fp++; }
            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
            i = j - 1;
        }
        return ([.. fpr], [.. tpr]);
    }

    // Indices sorted by ascending score (stable), after the checks.
    private static int[] Sorted(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive, out int positives, out int negatives)
    {
        if (scores.Length != positive.Length) throw new ArgumentException($"{scores.Length} scores but {positive.Length} labels.");
        positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i])) throw new ArgumentException($"Score {i} is NaN; a ranking needs every score.");
            if (positive[i]) positives++;
        }
        negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"A ranking metric needs both classes; there are {positives} positive (anomalous) and {negatives} negative (normal) examples.");
        var keys = scores.ToArray();
        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(keys, order);
        return order;
    }
}
