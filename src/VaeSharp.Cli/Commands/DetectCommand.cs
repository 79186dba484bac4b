using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Networks;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Cli.Commands;

// vae detect RUN: an anomaly score per example (−ELBO, importance-sampled −log p(x), reconstruction error), sorted,
// with the most anomalous examples and their error maps, a histogram, and with ground truth (--normal-classes) AUROC,
// AUPRC and the ROC curve. --fit stores a threshold at a percentile of the training scores in the run folder; later
// calls flag the examples above it. vae detect --protocol one-class: the one-class table of Ruff et al. 2018.
internal static class DetectCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = new Argument<string?>("run") { Description = "A run folder written by 'vae train' (not with --protocol).", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string?>("--data") { Description = "Data set to score (default: the run's)." };
        var dataDir = CommonOptions.DataDir();
        var split = CommonOptions.Choice("--split", "Which split to score: test (default) or train.", ["test", "train"]);
        var limit = new Option<int?>("--limit") { Description = "Score only the first N examples of the split." };
        var normalClasses = new Option<string?>("--normal-classes") { Description = "Ground truth: these labels are normal, the others anomalous (default: the run's --normal-classes when scoring its data set)." };
        var score = CommonOptions.Choice<AnomalyScoreKind>("--score", "Score that ranks and flags: neg-elbo, nll (importance-sampled, --k) or reconstruction. Default: the stored threshold's, else neg-elbo.");
        var k = new Option<int?>("--k") { Description = "Importance samples per example for the nll score (default 100 when --score nll)." };
        var elboSamples = new Option<int>("--elbo-samples") { Description = "Samples of q(z|x) in the −ELBO score's reconstruction term.", DefaultValueFactory = _ => 1 };
        var fit = new Option<bool>("--fit") { Description = "Score the run's training examples and store a threshold at --percentile in the run folder (threshold.json)." };
        var percentile = new Option<double>("--percentile") { Description = "Percentile of the training scores for --fit.", DefaultValueFactory = _ => 95 };
        var csv = new Option<string?>("--csv") { Description = "Write one row per example, sorted by score (most anomalous first), to this CSV file." };
        var output = new Option<string?>("--out") { Description = "Also write the JSON report (with every row) to this file." };
        var top = new Option<int>("--top") { Description = "How many of the most anomalous examples to list and draw.", DefaultValueFactory = _ => 16 };
        var topPng = new Option<string?>("--top-png") { Description = "Draw the most anomalous examples (row 1), their reconstructions (row 2) and error maps |x − x̂| (row 3) to this PNG." };
        var errorCsv = new Option<string?>("--error-maps") { Description = "Write the error maps |x − x̂| of the --top most anomalous examples to this CSV (index, then one column per value: pixel or table column)." };
        var histogram = new Option<string?>("--histogram") { Description = "Draw the score histogram (normal and anomalous apart with ground truth) to this PNG." };
        var roc = new Option<string?>("--roc") { Description = "With ground truth: draw the ROC curve of each computed score to this PNG." };
        var protocol = CommonOptions.Choice("--protocol", "one-class: train one model per class on its training images, score the whole test set, AUROC per class (Ruff et al. 2018).", ["one-class"]);
        var seeds = new Option<int>("--seeds") { Description = "--protocol: models per class (seeds 1..N).", DefaultValueFactory = _ => 1 };
        var classes = new Option<string?>("--classes") { Description = "--protocol: only these normal classes (default all)." };
        var epochs = new Option<int?>("--epochs") { Description = "--protocol: epochs per model (default 10)." };
        var arch = CommonOptions.Choice<NetworkBody>("--arch", "--protocol: mlp (default) or conv.");
        var hidden = new Option<string?>("--hidden") { Description = "--protocol: hidden widths (default 400, or 256 for conv)." };
        var latent = new Option<int?>("--latent-dim") { Description = "--protocol: latent dimension (default 20)." };
        var channels = new Option<string?>("--channels") { Description = "--protocol: conv channels (default 32,64)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "--protocol: batch size (default 128)." };
        var pcaRank = new Option<int>("--pca-rank")
        {
            Description = "Rank of the ML.NET RandomizedPca baseline: with --protocol (0 = skip); on a run with ground truth, fitted on the run's training examples and compared by AUROC in the same report.",
            DefaultValueFactory = _ => 20,
        };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("detect", "Anomaly scores per example (−ELBO, importance-sampled −log p(x), reconstruction error), thresholds, AUROC/AUPRC with ground truth, and the one-class protocol.")
        {
            runArg, data, dataDir, split, limit, normalClasses, score, k, elboSamples, fit, percentile, csv, output, top, topPng, errorCsv, histogram, roc,
            protocol, seeds, classes, epochs, arch, hidden, latent, channels, batchSize, pcaRank, seed, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is int l) CommonOptions.Positive(l, "--limit");
            if (p.GetValue(k) is int kv) CommonOptions.Positive(kv, "--k");
            CommonOptions.Positive(p.GetValue(elboSamples), "--elbo-samples");
            CommonOptions.Positive(p.GetValue(top), "--top");
            if (!(p.GetValue(percentile) is >= 0 and <= 100)) throw new UsageException($"--percentile {p.GetValue(percentile)}: expected a number from 0 to 100.");
            foreach (var file in new[] { p.GetValue(csv), p.GetValue(output), p.GetValue(topPng), p.GetValue(errorCsv), p.GetValue(histogram), p.GetValue(roc) })
                if (file is not null) ImageOutput.EnsureFolder(file);
            if (p.GetValue(protocol) is not null)
            {
                if (p.GetValue(runArg) is string r) throw new UsageException($"--protocol one-class trains its own models; do not name a run ('{r}').");
                string name = p.GetValue(data) ?? throw new UsageException("--protocol one-class: name the data set with --data (e.g. mnist).");
                CommonOptions.Positive(p.GetValue(seeds), "--seeds");
                if (p.GetValue(pcaRank) < 0) throw new UsageException($"--pca-rank {p.GetValue(pcaRank)}: expected 0 (skip) or a positive rank.");
                var request = new TrainingRequest
                {
                    Epochs = p.GetValue(epochs), Body = p.GetValue(arch) is string a ? ConfigJson.Parse<NetworkBody>(a, "--arch") : null,
                    Hidden = p.GetValue(hidden) is string h ? CommonOptions.ParseWidths(h, "--hidden") : null, LatentDim = p.GetValue(latent),
                    Channels = p.GetValue(channels) is string c ? CommonOptions.ParseWidths(c, "--channels") : null, BatchSize = p.GetValue(batchSize),
                };
                return OneClass(console, p.GetValue(json), p.GetValue(output), name, p.GetValue(dataDir), request, p.GetValue(seeds),
                    p.GetValue(k) ?? 0, p.GetValue(pcaRank), p.GetValue(classes) is string cl ? CommonOptions.ParseClasses(cl, "--classes") : null, p.GetValue(limit));
            }
            string runPath = p.GetValue(runArg) ?? throw new UsageException("Name a run folder (vae detect RUN), or use --protocol one-class.");
            var (config, model) = RunFolder.Load(runPath);
            string dataName = p.GetValue(data) ?? config.Data;
            var (train, test) = CommonOptions.RunData(config, dataName, p.GetValue(dataDir));
            var stored = AnomalyThreshold.Load(runPath);
            var kind = p.GetValue(score) is string s ? ConfigJson.Parse<AnomalyScoreKind>(s, "--score") : stored?.Score ?? AnomalyScoreKind.NegElbo;
            int samples = p.GetValue(k) ?? (kind == AnomalyScoreKind.Nll ? (stored is { Score: AnomalyScoreKind.Nll } ? stored.ImportanceSamples : 100) : 0);
            ulong seedValue = p.GetValue(seed);
            var fields = new Dictionary<string, object?> { ["run"] = runPath, ["data"] = dataName };

            // The run's own training examples (its classes, its limit): what "normal" meant when it was trained.
            IDataset RunTrainingExamples()
            {
                IDataset fitData = dataName == config.Data ? train : DatasetCatalog.Load(config, p.GetValue(dataDir)).Train;
                if (config.TrainLimit is int tl && tl < fitData.Count) fitData = new SubsetDataset(fitData, [.. Enumerable.Range(0, tl)]);
                if (config.NormalClasses is { } nc) fitData = SubsetDataset.OfClasses(fitData, nc);
                return fitData;
            }

            bool withPca = p.GetResult(pcaRank) is { Implicit: false };
            if (withPca && p.GetValue(pcaRank) < 1) throw new UsageException($"--pca-rank {p.GetValue(pcaRank)}: expected a positive rank.");
            AnomalyThreshold? threshold = stored is not null && stored.Score == kind ? stored : null;
            if (p.GetValue(fit))
            {
                var fitData = RunTrainingExamples();
                var fitScores = AnomalyScoring.Score(model, fitData, kind == AnomalyScoreKind.Nll ? samples : 0, p.GetValue(elboSamples), seedValue);
                threshold = AnomalyThreshold.Fit(fitScores.Of(kind), p.GetValue(percentile), kind, kind == AnomalyScoreKind.Nll ? samples : 0, config.Data);
                threshold.Save(runPath);
                fields["threshold_file"] = Path.Combine(runPath, AnomalyThreshold.FileName);
                if (!p.GetValue(json))
                    console.Line(string.Create(CultureInfo.InvariantCulture,
                        $"Fitted the {OneClassProtocol.Name(kind)} threshold on {fitData.Count} training examples: {threshold.Value:G6} (percentile {threshold.Percentile}); wrote {fields["threshold_file"]}"));
            }
            else if (stored is not null && threshold is null && !p.GetValue(json))
                console.Line($"The run's threshold is for the {OneClassProtocol.Name(stored.Score)} score; nothing is flagged by {OneClassProtocol.Name(kind)}.");

            IDataset scored = p.GetValue(split) == "train" ? train : test;
            if (p.GetValue(limit) is int lim && lim < scored.Count) scored = new SubsetDataset(scored, [.. Enumerable.Range(0, lim)]);
            int[]? normal = p.GetValue(normalClasses) is string ncText ? CommonOptions.ParseClasses(ncText, "--normal-classes")
                : dataName == config.Data ? config.NormalClasses : null;
            if (normal is not null && scored.ClassCount == 0) throw new UsageException($"--normal-classes: data set {dataName} has no labels.");
            var scores = AnomalyScoring.Score(model, scored, samples, p.GetValue(elboSamples), seedValue);
            var primary = scores.Of(kind);
            var order = Enumerable.Range(0, scored.Count).OrderByDescending(i => primary[i]).ThenBy(i => i).ToArray();
            bool[]? anomalous = normal is null ? null : [.. Enumerable.Range(0, scored.Count).Select(i => !normal.Contains(scored.Label(i)))];

            fields["split"] = p.GetValue(split) ?? "test";
            fields["examples"] = scored.Count;
            fields["score"] = OneClassProtocol.Name(kind);
            fields["k"] = samples > 0 ? samples : null;
            fields["normal_classes"] = normal;
            fields["threshold"] = threshold is null ? null : new Dictionary<string, object?> { ["value"] = threshold.Value, ["percentile"] = threshold.Percentile, ["fitted_on"] = threshold.FittedOn };
            int flagged = threshold is null ? 0 : primary.Count(threshold.Flags);
            fields["flagged"] = threshold is null ? null : flagged;
            Dictionary<string, double>? aurocs = null, auprcs = null;
            if (withPca && anomalous is null)
                throw new UsageException("--pca-rank on a run compares ML.NET's RandomizedPca with the model by AUROC; it needs ground truth (--normal-classes).");
            if (anomalous is not null)
            {
                int positives = anomalous.Count(a => a);
                if (positives == 0 || positives == anomalous.Length)
                    throw new UsageException($"--normal-classes: the {scored.Count} scored examples are all {(positives == 0 ? "normal" : "anomalous")}; AUROC needs both.");
                aurocs = scores.Kinds.ToDictionary(OneClassProtocol.Name, kd => RankingMetrics.Auroc(scores.Of(kd), anomalous));
                auprcs = scores.Kinds.ToDictionary(OneClassProtocol.Name, kd => RankingMetrics.Auprc(scores.Of(kd), anomalous));
                if (withPca)
                {
                    // The .NET tool a user would otherwise reach for, fitted on the same normal examples, scored on the same ones.
                    PcaBaseline pca;
                    try { pca = PcaBaseline.Fit(RunTrainingExamples(), p.GetValue(pcaRank), (int)(seedValue % int.MaxValue)); }
                    catch (ArgumentException e) { throw new UsageException($"--pca-rank: {e.Message}"); }
                    var pcaScores = pca.Score(scored);
                    aurocs["pca"] = RankingMetrics.Auroc(pcaScores, anomalous);
                    auprcs["pca"] = RankingMetrics.Auprc(pcaScores, anomalous);
                    fields["pca_rank"] = p.GetValue(pcaRank);
                }
                fields["anomalies"] = positives;
                fields["auroc"] = aurocs;
                fields["auprc"] = auprcs;
            }

            var files = new List<string>();
            if (p.GetValue(csv) is string csvFile)
            {
                var text = new StringBuilder("rank,index,label,score,neg_elbo,nll,reconstruction,flagged\n");
                for (int r = 0; r < order.Length; r++)
                {
                    int i = order[r];
                    text.Append(CultureInfo.InvariantCulture, $"{r + 1},{SourceIndex(scored, i)},{(scored.ClassCount > 0 ? scored.Label(i).ToString(CultureInfo.InvariantCulture) : "")},{primary[i]:R},{scores.NegElbo[i]:R},{(scores.Nll is null ? "" : scores.Nll[i].ToString("R", CultureInfo.InvariantCulture))},{scores.Reconstruction[i]:R},{(threshold is null ? "" : threshold.Flags(primary[i]) ? "1" : "0")}\n");
                }
                var bytes = Encoding.UTF8.GetBytes(text.ToString());
                Engine.IO.AtomicFile.Write(csvFile, st => st.Write(bytes));
                files.Add(csvFile);
            }
            int shown = Math.Min(p.GetValue(top), scored.Count);
            if (p.GetValue(topPng) is string pngFile)
            {
                var (x, xHat, err) = AnomalyScoring.ErrorMaps(model, scored, order[..shown]);
                var shape = scored.ExampleShape;
                int channels = shape.Length == 3 ? shape[0] : 1, height = shape.Length == 3 ? shape[1] : 1, width = shape[^1];
                if (shape.Length is not (2 or 3) || channels is not (1 or 3))
                    throw new UsageException($"--top-png: examples of shape [{string.Join(", ", shape)}] are not images; use --csv.");
                float[] all = [.. x, .. xHat, .. err];
                ImageGrid.SavePng(pngFile, all, 3 * shown, channels, height, width, shown);
                files.Add(pngFile);
            }
            if (p.GetValue(errorCsv) is string errFile)
            {
                var (_, _, err) = AnomalyScoring.ErrorMaps(model, scored, order[..shown]);
                int size = err.Length / Math.Max(1, shown);
                var text = new StringBuilder("rank,index," + string.Join(",", Enumerable.Range(0, size).Select(j => $"v{j}")) + "\n");
                for (int r = 0; r < shown; r++)
                    text.Append(CultureInfo.InvariantCulture, $"{r + 1},{SourceIndex(scored, order[r])},")
                        .AppendJoin(',', err.AsSpan(r * size, size).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
                var bytes = Encoding.UTF8.GetBytes(text.ToString());
                Engine.IO.AtomicFile.Write(errFile, st => st.Write(bytes));
                files.Add(errFile);
            }
            if (p.GetValue(histogram) is string histFile)
            {
                using var chart = AnomalyCharts.ScoreHistogram(primary, anomalous, threshold?.Value,
                    $"{dataName} {fields["split"]}: {OneClassProtocol.Name(kind)} scores of {scored.Count} examples", ScoreLabel(kind));
                chart.SavePng(histFile);
                files.Add(histFile);
            }
            if (p.GetValue(roc) is string rocFile)
            {
                if (anomalous is null) throw new UsageException("--roc needs ground truth: name the normal classes with --normal-classes.");
                var curves = scores.Kinds.Select(kd =>
                {
                    var (fpr, tpr) = RankingMetrics.Roc(scores.Of(kd), anomalous);
                    return (OneClassProtocol.Name(kd), fpr, tpr, aurocs![OneClassProtocol.Name(kd)]);
                }).ToList();
                using var chart = AnomalyCharts.Roc(curves, $"{dataName}: normal {string.Join(",", normal!)} vs the rest");
                chart.SavePng(rocFile);
                files.Add(rocFile);
            }
            fields["files"] = files;
            fields["top"] = order[..shown].Select(i => SourceIndex(scored, i)).ToArray();
            fields["rows"] = order.Select((i, r) => new Dictionary<string, object?>
            {
                ["rank"] = r + 1, ["index"] = SourceIndex(scored, i), ["label"] = scored.ClassCount > 0 ? scored.Label(i) : null, ["score"] = primary[i],
                ["neg_elbo"] = scores.NegElbo[i], ["nll"] = scores.Nll?[i], ["reconstruction"] = scores.Reconstruction[i],
                ["flagged"] = threshold is null ? null : threshold.Flags(primary[i]),
            }).ToArray();
            string report = JsonSerializer.Serialize(fields, JsonOut.Options);
            JsonOut.WriteFile(p.GetValue(output), report);
            if (p.GetValue(json))
            {
                console.Line(report);
                return VaeCli.Ok;
            }
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"Scored {scored.Count} {dataName} {fields["split"]} examples by {OneClassProtocol.Name(kind)}{(samples > 0 ? $" (k = {samples})" : "")} with {model.Description} from {runPath}."));
            if (threshold is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture, $"Threshold {threshold.Value:G6} (percentile {threshold.Percentile} of {threshold.FittedOn} training scores): {flagged} of {scored.Count} flagged."));
            if (aurocs is not null)
                foreach (var (name, value) in aurocs)
                    console.Line(string.Create(CultureInfo.InvariantCulture, $"{name,-15} AUROC {value:F4}  AUPRC {auprcs![name]:F4}  (normal: {string.Join(",", normal!)}; {fields["anomalies"]} anomalies)"));
            console.Line("Most anomalous: " + string.Join(", ", order[..Math.Min(shown, 10)].Select(i =>
                string.Create(CultureInfo.InvariantCulture, $"#{SourceIndex(scored, i)}{(scored.ClassCount > 0 ? $" ({scored.Label(i)})" : "")} {primary[i]:F2}"))));
            foreach (var f in files) console.Line($"Wrote {f}");
            return VaeCli.Ok;
        }));
        return cmd;
    }

    private static int SourceIndex(IDataset data, int i) => data is SubsetDataset s ? s.SourceIndex(i) : i;

    private static string ScoreLabel(AnomalyScoreKind kind) => kind switch
    {
        AnomalyScoreKind.NegElbo => "−ELBO (nats)",
        AnomalyScoreKind.Nll => "−log p(x), importance-sampled (nats)",
        _ => "squared reconstruction error",
    };

    private static int OneClass(CliConsole console, bool json, string? outFile, string dataName, string? dataDir, TrainingRequest request, int seedCount,
        int k, int pcaRank, int[]? classes, int? limit)
    {
        var (train, test) = DatasetCatalog.Load(dataName, dataDir);
        IDataset testSet = limit is int l && l < test.Count ? new SubsetDataset(test, [.. Enumerable.Range(0, l)]) : test;
        if (classes is not null)
            foreach (int c in classes)
                if (c >= train.ClassCount) throw new UsageException($"--classes: data set {dataName} has classes 0 to {train.ClassCount - 1}; {c} is not one.");
        var seeds = Enumerable.Range(1, seedCount).Select(i => (ulong)i).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = OneClassProtocol.Run(train, testSet, request, seeds, k, pcaRank, classes, json ? null : console.Line);
        double seconds = clock.Elapsed.TotalSeconds;
        var kinds = result.Rows[0].Auroc.Keys.OrderBy(x => x).ToArray();
        var doc = new Dictionary<string, object?>
        {
            ["protocol"] = "one-class", ["data"] = dataName, ["model"] = result.Model, ["seeds"] = seeds, ["k"] = k > 0 ? k : null,
            ["pca_rank"] = pcaRank > 0 ? pcaRank : null, ["test_examples"] = testSet.Count, ["seconds"] = seconds,
            ["rows"] = result.Rows.Select(r => new Dictionary<string, object?>
            {
                ["class"] = r.Class, ["name"] = r.ClassName, ["train_examples"] = r.TrainCount, ["train_seconds"] = r.TrainSeconds,
                ["auroc"] = kinds.ToDictionary(OneClassProtocol.Name, kd => r.Auroc[kd]),
                ["auroc_mean"] = kinds.ToDictionary(OneClassProtocol.Name, r.Mean), ["auroc_std"] = kinds.ToDictionary(OneClassProtocol.Name, r.Std),
                ["pca_auroc"] = r.PcaAuroc,
            }).ToArray(),
            ["mean"] = kinds.ToDictionary(OneClassProtocol.Name, result.Mean), ["pca_mean"] = result.PcaMean,
        };
        string report = JsonSerializer.Serialize(doc, JsonOut.Options);
        JsonOut.WriteFile(outFile, report);
        if (json)
        {
            console.Line(report);
            return VaeCli.Ok;
        }
        console.Line("");
        console.Line($"One-class AUROC on {dataName} ({result.Model}; {seedCount} seed{(seedCount > 1 ? "s" : "")}; test set {testSet.Count}):");
        console.Line("| class | " + string.Join(" | ", kinds.Select(OneClassProtocol.Name)) + (pcaRank > 0 ? " | PCA (ML.NET, rank " + pcaRank + ")" : "") + " | train s/model |");
        console.Line("|---|" + string.Concat(kinds.Select(_ => "---|")) + (pcaRank > 0 ? "---|" : "") + "---|");
        string Cell(double mean, double std) => seedCount > 1 ? string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ± {std:F4}") : string.Create(CultureInfo.InvariantCulture, $"{mean:F4}");
        foreach (var r in result.Rows)
            console.Line($"| {r.Class}{(r.ClassName == r.Class.ToString(CultureInfo.InvariantCulture) ? "" : " " + r.ClassName)} | " + string.Join(" | ", kinds.Select(kd => Cell(r.Mean(kd), r.Std(kd))))
                + (r.PcaAuroc is double pa ? string.Create(CultureInfo.InvariantCulture, $" | {pa:F4}") : "") + string.Create(CultureInfo.InvariantCulture, $" | {r.TrainSeconds:F1} |"));
        console.Line("| **mean** | " + string.Join(" | ", kinds.Select(kd => string.Create(CultureInfo.InvariantCulture, $"**{result.Mean(kd):F4}**")))
            + (result.PcaMean is double pm ? string.Create(CultureInfo.InvariantCulture, $" | **{pm:F4}**") : "") + " | |");
        console.Line(string.Create(CultureInfo.InvariantCulture, $"Total {seconds:F0} s."));
        return VaeCli.Ok;
    }
}
