using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae augment RUN --count N --out DIR: N new labelled examples per class (a conditional model by class, another by
// perturbing the posteriors of real training examples), written as MNIST idx files or an ImageFolder of PNGs.
// --experiment: what they buy a small classifier trained on few real examples per class, over seeds.
internal static class AugmentCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var data = new Option<string?>("--data") { Description = "Data set whose labelled training examples are perturbed (default: the run's)." };
        var dataDir = CommonOptions.DataDir();
        var count = new Option<int>("--count") { Description = "New examples per class.", DefaultValueFactory = _ => 1000 };
        var format = CommonOptions.Choice("--format", "idx (MNIST-format train-images/train-labels files), png (one folder per class) or, for a table run, csv (augmented.csv: the label column, then the table's columns in their units). Default idx, or csv for a table.", ["idx", "png", "csv"]);
        var output = new Option<string?>("--out") { Description = "Folder to write the new examples to." };
        var spread = new Option<float>("--spread") { Description = "Unconditional models: the posterior's standard deviation is multiplied by this.", DefaultValueFactory = _ => 1f };
        var experiment = new Option<bool>("--experiment") { Description = "Measure the benefit: a logistic-regression classifier on --real-per-class real examples per class, with and without --count generated per class." };
        var realPerClass = new Option<int>("--real-per-class") { Description = "--experiment: real training examples per class.", DefaultValueFactory = _ => 100 };
        var seeds = new Option<int>("--seeds") { Description = "--experiment: repetitions (seeds 1..N).", DefaultValueFactory = _ => 3 };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("augment", "Generate new labelled examples (idx files, an image folder, or CSV rows for a table) and measure what they add to a small classifier.")
        {
            runArg, data, dataDir, count, format, output, spread, experiment, realPerClass, seeds, seed, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            CommonOptions.Positive(p.GetValue(count), "--count");
            CommonOptions.Positive(p.GetValue(realPerClass), "--real-per-class");
            CommonOptions.Positive(p.GetValue(seeds), "--seeds");
            if (!(p.GetValue(spread) >= 0) || !float.IsFinite(p.GetValue(spread))) throw new UsageException($"--spread {p.GetValue(spread)}: expected a number ≥ 0.");
            if (p.GetValue(output) is null && !p.GetValue(experiment)) throw new UsageException("Name the folder to write with --out (or measure with --experiment).");
            if (p.GetValue(output) is string o && Directory.Exists(o) && Directory.EnumerateFileSystemEntries(o).Any())
                throw new UsageException($"--out {o}: the folder is not empty; name a new one.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            string dataName = p.GetValue(data) ?? config.Data;
            var (train, test) = CommonOptions.RunData(config, dataName, p.GetValue(dataDir));
            if (train.ClassCount == 0) throw new UsageException($"Data set {dataName} has no labels; augmentation makes labelled examples.");
            var table = train.Table;
            string chosenFormat = p.GetValue(format) ?? (table is null ? "idx" : "csv");
            if (table is null && chosenFormat == "csv") throw new UsageException($"--format csv: {dataName} is not a table; write images as idx or png.");
            if (table is not null && chosenFormat != "csv") throw new UsageException($"--format {chosenFormat}: {dataName} is a table; its new rows are written as csv.");
            var doc = new Dictionary<string, object?> { ["run"] = runPath, ["data"] = dataName, ["model"] = model.Description, ["per_class"] = p.GetValue(count),
                ["method"] = model.IsConditional ? "conditional generation" : $"posterior perturbation (spread {p.GetValue(spread).ToString(CultureInfo.InvariantCulture)})" };
            if (p.GetValue(output) is string folder)
            {
                var generated = Augmentation.Generate(model, train, p.GetValue(count), RngStreams.Create(p.GetValue(seed), RngStream.ApplicationSampling), p.GetValue(spread));
                // Written to a hidden sibling first and renamed, so a failure leaves no half-written folder.
                string full = Path.GetFullPath(folder), staging = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
                if (Directory.Exists(staging)) Directory.Delete(staging, true);
                try
                {
                    if (chosenFormat == "png") Augmentation.WriteImageFolder(generated, staging);
                    else if (chosenFormat == "csv") WriteRows(generated, table!, staging);
                    else Augmentation.WriteIdx(generated, staging);
                    if (Directory.Exists(full)) Directory.Delete(full);
                    Directory.Move(staging, full);
                }
                catch
                {
                    if (Directory.Exists(staging)) Directory.Delete(staging, true);
                    throw;
                }
                doc["out"] = folder;
                doc["format"] = chosenFormat;
                doc["examples"] = generated.Count;
                if (!p.GetValue(json)) console.Line($"Wrote {generated.Count} {dataName} examples ({p.GetValue(count)} per class, {doc["method"]}) as {doc["format"]} to {folder}");
            }
            if (p.GetValue(experiment))
            {
                var list = Enumerable.Range(1, p.GetValue(seeds)).Select(i => (ulong)i).ToArray();
                var results = Augmentation.Experiment(model, train, test, list, p.GetValue(realPerClass), p.GetValue(count), p.GetValue(spread));
                doc["experiment"] = new Dictionary<string, object?>
                {
                    ["real_per_class"] = p.GetValue(realPerClass), ["generated_per_class"] = p.GetValue(count), ["classifier"] = "ML.NET L-BFGS multinomial logistic regression",
                    ["seeds"] = results.Select(r => new { seed = r.Seed, real = r.Real, augmented = r.Augmented }).ToArray(),
                    ["real_mean"] = results.Average(r => r.Real), ["augmented_mean"] = results.Average(r => r.Augmented),
                };
                if (!p.GetValue(json))
                {
                    console.Line($"Test accuracy of a logistic regression on {p.GetValue(realPerClass)} real {dataName} examples per class, without and with {p.GetValue(count)} generated per class ({doc["method"]}):");
                    console.Line("| seed | real only | real + generated |");
                    console.Line("|---|---|---|");
                    foreach (var r in results) console.Line(string.Create(CultureInfo.InvariantCulture, $"| {r.Seed} | {r.Real:F4} | {r.Augmented:F4} |"));
                    console.Line(string.Create(CultureInfo.InvariantCulture, $"| mean | {results.Average(r => r.Real):F4} | {results.Average(r => r.Augmented):F4} |"));
                }
            }
            if (p.GetValue(json)) console.Line(JsonSerializer.Serialize(doc, JsonOut.Options));
            return VaeCli.Ok;
        }));
        return cmd;
    }

    // A table's new rows as FOLDER/augmented.csv: the label column (the table's own name and class names), then its columns.
    private static void WriteRows(IDataset generated, Data.Tables.TableSchema table, string folder)
    {
        Directory.CreateDirectory(folder);
        var values = new float[generated.Count * table.Width];
        generated.CopyExamples([.. Enumerable.Range(0, generated.Count)], values);
        var labels = Enumerable.Range(0, generated.Count).Select(i => generated.Label(i))
            .Select(l => table.ClassNames is { } names && l < names.Count ? names[l] : l.ToString(CultureInfo.InvariantCulture)).ToArray();
        Data.Tables.TableCsv.Write(Path.Combine(folder, "augmented.csv"), table, values, generated.Count, [new Data.Tables.TableCsv.Column(table.LabelColumn ?? "label", labels)]);
    }
}
