using VaeSharp.Evaluation;

namespace VaeSharp.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    [Fact]
    public void Auroc_MatchesHandComputedCases()
    {
        // scikit-learn's roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75: of the 4 (positive, negative) pairs, 3 are ordered.
        Assert.Equal(0.75, RankingMetrics.Auroc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
        // A tie between a positive and a negative counts half: pairs (2>1) (2=2) (3>1) (3>2) → 3.5 / 4.
        Assert.Equal(0.875, RankingMetrics.Auroc([1, 2, 2, 3], [false, true, false, true]), 12);
        // Every score tied: chance.
        Assert.Equal(0.5, RankingMetrics.Auroc([7, 7, 7, 7, 7], [true, false, false, true, false]), 12);
        // Perfect and reversed rankings.
        Assert.Equal(1.0, RankingMetrics.Auroc([0, 1, 5, 6], [false, false, true, true]), 12);
        Assert.Equal(0.0, RankingMetrics.Auroc([9, 8, 1, 0], [false, false, true, true]), 12);
    }

    [Fact]
    public void Auroc_EqualsTheBruteForcePairCount_WithManyTies()
    {
        var rng = new System.Random(4);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 60);
            var scores = Enumerable.Range(0, n).Select(_ => (double)rng.Next(0, 6)).ToArray();
            var positive = Enumerable.Range(0, n).Select(i => i == 0 || (i != 1 && rng.Next(2) == 0)).ToArray();
            double pairs = 0, wins = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (positive[i] && !positive[j]) { pairs++; wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0; }
            Assert.Equal(wins / pairs, RankingMetrics.Auroc(scores, positive), 12);
        }
    }

    [Fact]
    public void Auprc_IsAveragePrecision_WithTiedScoresEnteringTogether()
    {
        // scikit-learn's average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.5·1 + 0.5·(2/3).
        Assert.Equal(0.5 + 0.5 * 2 / 3.0, RankingMetrics.Auprc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
        // The tie at 2 (one positive, one negative) enters at once: precision 2/3 at recall 1.
        Assert.Equal(0.5 + 0.5 * 2 / 3.0, RankingMetrics.Auprc([1, 2, 2, 3], [false, true, false, true]), 12);
        // All tied: the precision is the positive fraction.
        Assert.Equal(0.4, RankingMetrics.Auprc([1, 1, 1, 1, 1], [true, false, false, true, false]), 12);
    }

    [Fact]
    public void Roc_StepsThroughDistinctScores_AndItsAreaIsTheAuroc()
    {
        var (fpr, tpr) = RankingMetrics.Roc([1, 2, 2, 3], [false, true, false, true]);
        Assert.Equal([0, 0, 0.5, 1], fpr);
        Assert.Equal([0, 0.5, 1, 1], tpr);
        var rng = new System.Random(8);
        var scores = Enumerable.Range(0, 200).Select(_ => Math.Round(rng.NextDouble() * 20)).ToArray();
        var positive = scores.Select((s, i) => rng.NextDouble() < s / 25 || i == 0).ToArray();
        positive[1] = false;
        var (f, t) = RankingMetrics.Roc(scores, positive);
        double area = 0;
        for (int i = 1; i < f.Length; i++) area += (f[i] - f[i - 1]) * (t[i] + t[i - 1]) / 2;   // trapezoids: ties are diagonal steps
        Assert.Equal(RankingMetrics.Auroc(scores, positive), area, 12);
    }

    [Fact]
    public void Metrics_RefuseOneClassOnly_NaN_AndMismatchedLengths()
    {
        Assert.Contains("both classes", Assert.Throws<ArgumentException>(() => RankingMetrics.Auroc([1, 2], [true, true])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => RankingMetrics.Auprc([1, double.NaN], [true, false])).Message);
        Assert.Contains("2 scores but 3 labels", Assert.Throws<ArgumentException>(() => RankingMetrics.Roc([1, 2], [true, false, true])).Message);
    }
}
