using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.Tensors;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae impute RUN --mask SPEC: hides values of the test examples, fills them by each method (the model's one pass,
// pseudo-Gibbs, Metropolis-within-Gibbs; the mean and kNN baselines) and reports the error on the hidden values in one
// table, with a picture of the first examples. Observed values are returned unchanged.
internal static class ImputeCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var data = new Option<string?>("--data") { Description = "Data set (default: the run's)." };
        var dataDir = CommonOptions.DataDir();
        var maskOption = new Option<string?>("--mask")
        {
            Description = "Values to hide: random:P, rect:X,Y,W,H, bottom-half, or a mask image (white = missing); for a table random:P (each cell " +
                "with probability P) or missing (only its own empty cells). Default bottom-half, or for a table random:0.2. A table's empty cells are filled too.",
        };
        var methods = new Option<string>("--methods") { Description = "Comma-separated: one-pass, pseudo-gibbs, metropolis-gibbs, mean, knn.", DefaultValueFactory = _ => "one-pass,pseudo-gibbs,metropolis-gibbs,mean,knn" };
        var iterations = new Option<int>("--iterations") { Description = "Iterations T of the pseudo-Gibbs and Metropolis-within-Gibbs chains.", DefaultValueFactory = _ => 50 };
        var draws = new Option<int>("--draws") { Description = "Independent chains (multiple imputations) averaged per example.", DefaultValueFactory = _ => 1 };
        var knnK = new Option<int>("--knn-k") { Description = "Neighbours of the kNN baseline.", DefaultValueFactory = _ => 5 };
        var knnPool = new Option<int>("--knn-pool") { Description = "Training examples the kNN baseline searches (the first N).", DefaultValueFactory = _ => 10_000 };
        var limit = new Option<int?>("--limit") { Description = "Impute only the first N test examples." };
        var png = new Option<string?>("--png") { Description = "Draw the first examples: original, masked (missing in grey), then one row per method, to this PNG." };
        var show = new Option<int>("--show") { Description = "Examples in the --png picture.", DefaultValueFactory = _ => 10 };
        var output = new Option<string?>("--out") { Description = "Also write the JSON report to this file." };
        var csvOut = new Option<string?>("--csv") { Description = "Table runs: write the test rows, hidden and empty cells filled by the first of --methods, as CSV in the table's columns and units." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("impute", "Fill hidden values of the test examples (one pass, pseudo-Gibbs, Metropolis-within-Gibbs) and compare with mean and kNN imputation.")
        {
            runArg, data, dataDir, maskOption, methods, iterations, draws, knnK, knnPool, limit, png, show, output, csvOut, seed, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            foreach (var (o, name) in new[] { (iterations, "--iterations"), (draws, "--draws"), (knnK, "--knn-k"), (knnPool, "--knn-pool"), (show, "--show") })
                CommonOptions.Positive(p.GetValue(o), name);
            if (p.GetValue(limit) is int l) CommonOptions.Positive(l, "--limit");
            var chosen = p.GetValue(methods)!.Split(',', StringSplitOptions.TrimEntries).Select(m => ConfigJson.Parse<ImputationMethod>(m, "--methods")).Distinct().ToArray();
            foreach (var file in new[] { p.GetValue(png), p.GetValue(output), p.GetValue(csvOut) }) if (file is not null) ImageOutput.EnsureFolder(file);
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            var table = config.Table;
            MaskSpec spec;
            try { spec = MaskSpec.Parse(p.GetValue(maskOption) ?? (table is null ? "bottom-half" : "random:0.2")); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            if (table is null && p.GetValue(csvOut) is not null) throw new UsageException($"--csv: {runPath} was not trained on a table; its examples are images (use --png).");
            string dataName = p.GetValue(data) ?? config.Data;
            var (train, test) = CommonOptions.RunData(config, dataName, p.GetValue(dataDir));
            BatchLoader.CheckFits(test, model);
            IDataset scored = p.GetValue(limit) is int lim && lim < test.Count ? new SubsetDataset(test, [.. Enumerable.Range(0, lim)]) : test;
            var mean = Imputation.MeanOf(train);
            int size = mean.Length;
            (float[], int, int)? pool = null;
            if (chosen.Contains(ImputationMethod.Knn))
            {
                int count = Math.Min(p.GetValue(knnPool), train.Count);
                var values = new float[count * size];
                train.CopyExamples([.. Enumerable.Range(0, count)], values);
                if (p.GetValue(knnK) > count) throw new UsageException($"--knn-k {p.GetValue(knnK)}: the pool has {count} examples.");
                pool = (values, count, p.GetValue(knnK));
            }
            ulong seedValue = p.GetValue(seed);
            // The masks: one per example from the corruption stream, the same for every method.
            var maskRng = RngStreams.Create(seedValue, RngStream.Corruption);
            var masks = new float[scored.Count * size];
            try
            {
                for (int i = 0; i < scored.Count; i++)
                    (table is null ? spec.Build(scored.ExampleShape, maskRng) : spec.BuildForTable(table, maskRng)).CopyTo(masks, i * size);
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            // The data's own missing values (a table's empty cells) are filled too, but have no truth to score against.
            var observedInData = new float[masks.Length];
            scored.CopyMask([.. Enumerable.Range(0, scored.Count)], observedInData);
            int hidden = 0, empty = 0;
            for (int i = 0; i < masks.Length; i++)
            {
                if (observedInData[i] == 0f) { empty++; masks[i] = 0f; }
                else if (masks[i] == 0f) hidden++;
            }
            if (hidden == 0 && empty == 0) throw new UsageException($"--mask {spec.Text}: hides no value{(spec.OnlyMissing ? $", and {dataName}'s test rows have no empty cells" : "")}.");

            var truth = new float[scored.Count * size];
            scored.CopyExamples([.. Enumerable.Range(0, scored.Count)], truth);
            var results = new List<Dictionary<string, object?>>();
            string? filledRows = null;
            var pictures = new Dictionary<ImputationMethod, float[]>();
            int shown = Math.Min(p.GetValue(show), scored.Count);
            foreach (var method in chosen)
            {
                var rng = RngStreams.Create(seedValue, RngStream.ApplicationSampling);
                var imputed = new float[truth.Length];
                var clock = Stopwatch.StartNew();
                const int batchSize = 250;
                for (int start = 0; start < scored.Count; start += batchSize)
                {
                    int n = Math.Min(batchSize, scored.Count - start);
                    using var _ = TensorScope.Begin();
                    var batch = BatchLoader.Load(scored, [.. Enumerable.Range(start, n)], model.IsConditional);
                    var shape = batch.X.Shape.ToArray();
                    batch = batch with { Mask = Tensor.FromArray(masks.AsSpan(start * size, n * size), shape) };
                    Imputation.Impute(model, batch, method, mean, rng, p.GetValue(iterations), p.GetValue(draws), pool).CopyTo(imputed, start * size);
                }
                double seconds = clock.Elapsed.TotalSeconds;
                double se = 0, ae = 0;
                for (int i = 0; i < truth.Length; i++)
                {
                    if (masks[i] != 0f || observedInData[i] == 0f) continue;
                    double e = imputed[i] - truth[i];
                    se += e * e;
                    ae += Math.Abs(e);
                }
                results.Add(new Dictionary<string, object?>
                {
                    ["method"] = ConfigJson.Name(method), ["rmse"] = hidden > 0 ? Math.Sqrt(se / hidden) : null, ["mae"] = hidden > 0 ? ae / hidden : null, ["seconds"] = seconds,
                });
                pictures[method] = imputed[..(shown * size)];
                if (method == chosen[0] && table is not null && p.GetValue(csvOut) is string csvFile)
                {
                    Data.Tables.TableCsv.Write(csvFile, table, imputed, scored.Count);
                    filledRows = csvFile;
                }
            }
            var files = new List<string>();
            if (filledRows is not null) files.Add(filledRows);
            if (p.GetValue(png) is string pngFile)
            {
                var shape = scored.ExampleShape;
                if (shape.Length is not (2 or 3)) throw new UsageException("--png: the examples are not images.");
                var masked = truth[..(shown * size)].Select((v, i) => masks[i] == 0f ? 0.5f : v);
                float[] all = [.. truth[..(shown * size)], .. masked, .. chosen.SelectMany(m => pictures[m])];
                ImageGrid.SavePng(pngFile, all, (2 + chosen.Length) * shown, shape.Length == 3 ? shape[0] : 1, shape[^2], shape[^1], shown);
                files.Add(pngFile);
            }
            var doc = new Dictionary<string, object?>
            {
                ["run"] = runPath, ["data"] = dataName, ["examples"] = scored.Count, ["mask"] = spec.Text, ["hidden_values"] = hidden, ["empty_values"] = empty,
                ["units"] = table is null ? "pixel values" : "standardised numeric columns, 0/1 binary and one-hot categorical values",
                ["iterations"] = p.GetValue(iterations), ["draws"] = p.GetValue(draws), ["knn_k"] = p.GetValue(knnK), ["knn_pool"] = pool?.Item2,
                ["seed"] = seedValue, ["results"] = results, ["files"] = files,
            };
            string report = JsonSerializer.Serialize(doc, JsonOut.Options);
            JsonOut.WriteFile(p.GetValue(output), report);
            if (p.GetValue(json))
            {
                console.Line(report);
                return VaeCli.Ok;
            }
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"Imputed {hidden} hidden values ({spec.Text}){(empty > 0 ? $" and {empty} empty ones (not scored)" : "")} of {scored.Count} {dataName} test examples with {model.Description} from {runPath} (T = {p.GetValue(iterations)}, draws = {p.GetValue(draws)}){(table is null ? "" : "; errors in standardised units (numeric), 0/1 and one-hot values")}:"));
            console.Line("| method | RMSE (hidden) | MAE (hidden) | seconds |");
            console.Line("|---|---|---|---|");
            foreach (var r in results)
                console.Line(string.Create(CultureInfo.InvariantCulture, $"| {r["method"]} | {(r["rmse"] is double rmse ? rmse.ToString("F4", CultureInfo.InvariantCulture) : "—")} | {(r["mae"] is double mae ? mae.ToString("F4", CultureInfo.InvariantCulture) : "—")} | {(double)r["seconds"]!:F1} |"));
            foreach (var f in files) console.Line($"Wrote {f}");
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
