using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Tests.Applications;

public sealed class AnomalyScoringTests
{
    // A VAE trained on prototype 0 of TwoPrototypes only: prototype 1 is the anomaly.
    private static (Vae Model, ByteImageDataset Data) TrainedOnClassZero()
    {
        var data = TestData.TwoPrototypes(400);
        var model = new Vae(TestData.SmallVae(latent: 2, hidden: 16));
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 8, BatchSize = 32, LearningRate = 3e-3f });
        var normal = SubsetDataset.OfClasses(data, [0]);
        for (int e = 1; e <= 8; e++) trainer.TrainEpoch(e, normal, null);
        return (model, data);
    }

    [Fact]
    public void Scores_RankTheUnseenClassAsAnomalous_ByEveryScore()
    {
        var (model, data) = TrainedOnClassZero();
        var scores = AnomalyScoring.Score(model, data, importanceSamples: 16);
        var anomalous = Enumerable.Range(0, data.Count).Select(i => data.Label(i) == 1).ToArray();
        foreach (var kind in Enum.GetValues<AnomalyScoreKind>())
            Assert.True(RankingMetrics.Auroc(scores.Of(kind), anomalous) > 0.95, $"{kind}: AUROC {RankingMetrics.Auroc(scores.Of(kind), anomalous)}");
        // −log p(x) ≤ −ELBO on average (the ELBO is a lower bound), up to Monte Carlo noise.
        Assert.True(scores.Nll!.Average() <= scores.NegElbo.Average() + 0.5, $"nll {scores.Nll!.Average()} vs −ELBO {scores.NegElbo.Average()}");
        // Deterministic for a seed.
        Assert.Equal(scores.NegElbo, AnomalyScoring.Score(model, data).NegElbo);
    }

    [Fact]
    public void ErrorMaps_AreTheAbsoluteErrors_WhoseSquaresSumToTheReconstructionScore()
    {
        var (model, data) = TrainedOnClassZero();
        var scores = AnomalyScoring.Score(model, data);
        int[] picked = [5, 0, 17];
        var (x, xHat, err) = AnomalyScoring.ErrorMaps(model, data, picked);
        Assert.Equal(3 * 16, err.Length);
        for (int n = 0; n < picked.Length; n++)
        {
            var own = new float[16];
            data.CopyExamples([picked[n]], own);
            Assert.Equal(own, x.AsSpan(n * 16, 16).ToArray());
            double sum = 0;
            for (int j = 0; j < 16; j++)
            {
                Assert.Equal(MathF.Abs(x[n * 16 + j] - xHat[n * 16 + j]), err[n * 16 + j]);
                sum += (double)err[n * 16 + j] * err[n * 16 + j];
            }
            Assert.Equal(scores.Reconstruction[picked[n]], sum, 5);
        }
    }

    [Fact]
    public void PerExampleLikelihood_AveragesToTheEstimate_Exactly()
    {
        var (model, data) = TrainedOnClassZero();
        var subset = new SubsetDataset(data, [.. Enumerable.Range(0, 37)]);
        var perExample = ImportanceSampling.PerExample(model, subset, 20, seed: 3, rowsPerPass: 100);
        var estimate = ImportanceSampling.Estimate(model, subset, 20, seed: 3, rowsPerPass: 100);
        double sum = 0;
        foreach (double v in perExample) sum += v;
        Assert.Equal(estimate.Nll, sum / subset.Count);
    }

    [Fact]
    public void SubsetOfClasses_KeepsTheSourceLabelsAndOrder()
    {
        var data = TestData.TwoPrototypes(10);
        var ones = SubsetDataset.OfClasses(data, [1]);
        Assert.Equal(5, ones.Count);
        Assert.Equal(2, ones.ClassCount);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(1, ones.Label(i)));
        Assert.Equal([1, 3, 5, 7, 9], Enumerable.Range(0, 5).Select(ones.SourceIndex));
        var a = new float[16];
        var b = new float[16];
        ones.CopyExamples([2], a);
        data.CopyExamples([5], b);
        Assert.Equal(b, a);
        Assert.Contains("classes 0 to 1", Assert.Throws<ArgumentException>(() => SubsetDataset.OfClasses(data, [2])).Message);
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() => SubsetDataset.OfClasses(TestData.Noise(4), [0])).Message);
    }

    [Fact]
    public void PcaBaseline_ScoresExamplesOffTheNormalSubspaceHigher()
    {
        // Normal: the mean plus a combination of two directions (rank 2) and little noise; anomalous: uniform noise.
        // ML.NET scores the part of x − mean outside the subspace relative to |x − mean|, so the normal examples score near 0.
        var rng = new System.Random(3);
        int n = 300;
        var bytes = new byte[n * 16];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 3 == 0 ? 1 : 0;
            double a = rng.NextDouble() - 0.5, b = rng.NextDouble() - 0.5;
            for (int j = 0; j < 16; j++)
                bytes[i * 16 + j] = labels[i] == 1 ? (byte)rng.Next(256)
                    : (byte)Math.Clamp(128 + 150 * (a * (j < 8 ? 1 : -1) + b * (j % 2 == 0 ? 1 : -1)) + rng.NextDouble(), 0, 255);
        }
        var data = new ByteImageDataset("low-rank", bytes, n, [1, 4, 4], labels, 2);
        var pca = PcaBaseline.Fit(SubsetDataset.OfClasses(data, [0]), rank: 2);
        var anomalous = labels.Select(l => l == 1).ToArray();
        double auroc = RankingMetrics.Auroc(pca.Score(data), anomalous);
        Assert.True(auroc > 0.95, $"AUROC {auroc}");
        Assert.Contains("expected 1 to 16", Assert.Throws<ArgumentException>(() => PcaBaseline.Fit(data, rank: 17)).Message);
    }
}
