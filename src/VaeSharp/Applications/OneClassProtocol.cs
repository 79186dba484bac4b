using System.Diagnostics;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Applications;

// The one-class protocol of Ruff et al., "Deep One-Class Classification", ICML 2018: for each class c, train a model
// on the training examples of class c only, score the whole test set, and measure the AUROC with class c normal and
// every other class anomalous. Repeated over seeds (each seed: the model's weights, shuffling and noise). Beside the
// VAE's scores, the same script fits ML.NET's randomized PCA on the same training examples (our PCA baseline).

/// <summary>Runs the one-class anomaly-detection protocol over a labelled data set.</summary>
public static class OneClassProtocol
{
    /// <summary>Trains one model per class and seed and measures the AUROC of each score.</summary>
    /// <param name="train">The training set (labelled).</param>
    /// <param name="test">The test set (labelled, the same classes).</param>
    /// <param name="request">The training settings (the seed is replaced by each of <paramref name="seeds"/>).</param>
    /// <param name="seeds">One model per class per seed.</param>
    /// <param name="importanceSamples">k of the importance-sampled −log p(x) score; 0 to skip it.</param>
    /// <param name="pcaRank">Rank of the PCA baseline; 0 to skip it.</param>
    /// <param name="classes">The classes to take as normal, one at a time (default: all).</param>
    /// <param name="log">Called with a line after each model.</param>
    /// <exception cref="ArgumentException">The data sets have no labels, or an argument is out of range.</exception>
    public static OneClassResult Run(IDataset train, IDataset test, TrainingRequest request, IReadOnlyList<ulong> seeds, int importanceSamples = 0,
        int pcaRank = 20, IReadOnlyList<int>? classes = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(request);
        if (train.ClassCount == 0 || test.ClassCount == 0) throw new ArgumentException($"The one-class protocol needs labels; data set {train.Name} has none.");
        if (seeds.Count == 0) throw new ArgumentException("The one-class protocol needs at least one seed.");
        classes ??= [.. Enumerable.Range(0, train.ClassCount)];
        var rows = new List<OneClassRow>();
        var testLabels = BatchLoader.Labels(test, [.. Enumerable.Range(0, test.Count)]);
        string? description = null;
        foreach (int c in classes)
        {
            var normal = SubsetDataset.OfClasses(train, [c]);
            var anomalous = testLabels.Select(label => label != c).ToArray();
            var auroc = new Dictionary<AnomalyScoreKind, double[]>();
            double seconds = 0;
            for (int s = 0; s < seeds.Count; s++)
            {
                var (config, _) = (request with { Seed = seeds[s] }).Resolve(normal, train.Name);
                var model = ModelFamilies.Create(config.Model);
                description ??= $"{model.Description}, {config.Model.Network.Body.ToString().ToLowerInvariant()}, latent {config.Model.LatentDim}, {config.Training.Epochs} epochs";
                var trainer = new Trainer(model, config.Training);
                var clock = Stopwatch.StartNew();
                for (int epoch = 1; epoch <= config.Training.Epochs; epoch++) trainer.TrainEpoch(epoch, normal, null);
                seconds += clock.Elapsed.TotalSeconds;
                var scores = AnomalyScoring.Score(model, test, importanceSamples, seed: seeds[s]);
                foreach (var kind in scores.Kinds)
                {
                    if (!auroc.TryGetValue(kind, out var values)) auroc[kind] = values = new double[seeds.Count];
                    values[s] = RankingMetrics.Auroc(scores.Of(kind), anomalous);
                }
                log?.Invoke($"class {c} seed {seeds[s]}: " + string.Join(", ", auroc.Select(kv => $"{Name(kv.Key)} {kv.Value[s]:F4}")));
            }
            double? pca = null;
            if (pcaRank > 0) pca = RankingMetrics.Auroc(PcaBaseline.Fit(normal, pcaRank).Score(test), anomalous);
            rows.Add(new OneClassRow(c, train.ClassNames is { } names && c < names.Count ? names[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture),
                normal.Count, auroc, pca, seconds / seeds.Count));
        }
        return new OneClassResult(train.Name, description ?? "", [.. seeds], rows);
    }

    /// <summary>The CLI and config name of a score kind.</summary>
    public static string Name(AnomalyScoreKind kind) => Serialization.ConfigJson.Name(kind);
}

/// <summary>One normal class of the one-class protocol: the AUROC of each score per seed, the PCA baseline's, the training time.</summary>
/// <param name="Class">The normal class.</param>
/// <param name="ClassName">Its name.</param>
/// <param name="TrainCount">Training examples of the class.</param>
/// <param name="Auroc">Per score, the AUROC of each seed's model.</param>
/// <param name="PcaAuroc">The PCA baseline's AUROC, or null when skipped.</param>
/// <param name="TrainSeconds">Mean training time of one model, seconds.</param>
public sealed record OneClassRow(int Class, string ClassName, int TrainCount, IReadOnlyDictionary<AnomalyScoreKind, double[]> Auroc, double? PcaAuroc, double TrainSeconds)
{
    /// <summary>Mean AUROC of <paramref name="kind"/> over the seeds.</summary>
    public double Mean(AnomalyScoreKind kind) => Auroc[kind].Average();

    /// <summary>Sample standard deviation of the AUROC of <paramref name="kind"/> over the seeds (0 for one seed).</summary>
    public double Std(AnomalyScoreKind kind)
    {
        var v = Auroc[kind];
        if (v.Length < 2) return 0;
        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }
}

/// <summary>The one-class protocol's table: a row per normal class.</summary>
/// <param name="Data">The data set.</param>
/// <param name="Model">The model and its training, in words.</param>
/// <param name="Seeds">The seeds.</param>
/// <param name="Rows">One row per class.</param>
public sealed record OneClassResult(string Data, string Model, ulong[] Seeds, IReadOnlyList<OneClassRow> Rows)
{
    /// <summary>The mean over classes of the per-class mean AUROC of <paramref name="kind"/>.</summary>
    public double Mean(AnomalyScoreKind kind) => Rows.Average(r => r.Mean(kind));

    /// <summary>The mean PCA baseline AUROC over classes, or null when skipped.</summary>
    public double? PcaMean => Rows.All(r => r.PcaAuroc is not null) ? Rows.Average(r => r.PcaAuroc!.Value) : null;
}
