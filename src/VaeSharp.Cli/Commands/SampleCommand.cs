using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae sample RUN: decodes z ~ N(0, I) — or z from a fitted sampler (--sampler gmm|posterior) — into a PNG grid
// (and optionally JSON with the values' summary).
internal static class SampleCommand
{
    public const int MaxCount = 10_000;

    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var count = new Option<int>("--count") { Description = "Number of samples.", DefaultValueFactory = _ => 64 };
        var columns = new Option<int?>("--columns") { Description = "Images per grid row (default: √count)." };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/samples.png); for a table run a CSV file of rows (default: RUN/samples.csv)." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var label = new Option<int?>("--label") { Description = "Conditional models: draw this class." };
        var byLabel = new Option<bool>("--grid-by-label") { Description = "Conditional models: one row per class (--count samples per row, default 10)." };
        var samplers = new SamplerOptions();
        var dataDir = CommonOptions.DataDir();
        var cmd = new Command("sample", "Draw new examples from a trained model: z ~ N(0, I) (or --sampler gmm|posterior), decoded to a PNG grid.") { runArg, count, columns, output, seed, threads, json, label, byLabel, dataDir };
        foreach (var option in samplers.All) cmd.Options.Add(option);
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int n = p.GetValue(count);
            if (n is < 1 or > MaxCount) throw new UsageException($"--count {n}: expected 1 to {MaxCount:N0} samples (one PNG grid).");
            if (p.GetValue(label) is int given && p.GetValue(byLabel))
                throw new UsageException($"--label {given} and --grid-by-label: choose one (one class, or a row per class).");
            int cols = p.GetValue(columns) ?? (int)Math.Ceiling(Math.Sqrt(n));
            CommonOptions.Positive(cols, "--columns");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            bool table = config.Table is not null;
            string file = p.GetValue(output) ?? Path.Combine(runPath, table ? "samples.csv" : "samples.png");
            if (table && !file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--out {file}: {runPath} was trained on a table; its samples are rows, written as a .csv file.");
            ImageOutput.EnsureFolder(file);
            if (!model.IsConditional && (p.GetValue(label) is not null || p.GetValue(byLabel)))
                throw new UsageException($"--label and --grid-by-label need a conditional model; {runPath} was trained without --conditional.");
            if (model.IsConditional && p.GetValue(label) is null && !p.GetValue(byLabel))
                throw new UsageException($"{runPath} is a conditional model: give --label C (0 to {model.ClassCount - 1}) or --grid-by-label.");
            if (p.GetValue(label) is int c && (c < 0 || c >= model.ClassCount))
                throw new UsageException($"--label {c}: expected a class from 0 to {model.ClassCount - 1}.");
            var (sampler, fitted, samplerFile) = samplers.Open(p, runPath, config, model, p.GetValue(dataDir));
            float[] values;
            if (p.GetValue(byLabel))
            {
                int perClass = p.GetResult(count) is { Implicit: false } ? n : 10;
                var labels = new int[model.ClassCount * perClass];
                for (int i = 0; i < labels.Length; i++) labels[i] = i / perClass;
                values = Generation.Sample(model, labels.Length, p.GetValue(seed), sampler, labels);
                n = labels.Length;
                cols = perClass;
            }
            else
            {
                values = Generation.Sample(model, n, p.GetValue(seed), sampler, p.GetValue(label) is int lc ? Enumerable.Repeat(lc, n).ToArray() : null);
            }
            if (config.Table is Data.Tables.TableSchema schema)
            {
                int[]? sampleLabels = p.GetValue(byLabel) ? [.. Enumerable.Range(0, n).Select(i => i / cols)] : p.GetValue(label) is int one ? [.. Enumerable.Repeat(one, n)] : null;
                var leading = sampleLabels is null ? null : new[] { new Data.Tables.TableCsv.Column(schema.LabelColumn ?? "label",
                    [.. sampleLabels.Select(l => schema.ClassNames is { } names && l < names.Count ? names[l] : l.ToString(System.Globalization.CultureInfo.InvariantCulture))]) };
                Data.Tables.TableCsv.Write(file, schema, values, n, leading);
            }
            else ImageOutput.SaveGrid(file, values, n, model.InputShape, cols);
            if (p.GetValue(json))
                console.Line(JsonSerializer.Serialize(new { output = file, count = n, seed = p.GetValue(seed), sampler = ConfigJson.Name(sampler.Kind),
                    sampler_description = sampler.Description, sampler_file = samplerFile, sampler_fitted = fitted }, JsonOut.Options));
            else
            {
                if (fitted) console.Line($"Fitted the sampler ({sampler.Description}) and saved it to {samplerFile}");
                console.Line($"Wrote {n} {(table ? "sampled rows" : "samples")} to {file}{(sampler.Kind == SamplerKind.Normal ? "" : $" (z from the {sampler.Description})")}");
                if (model is Models.VqVae { CodePrior: null } && sampler.Kind == SamplerKind.Normal)
                    console.Error($"note: {runPath} has no prior over its codes yet; these samples decode codes drawn uniformly at random ({model.Prior.Description}). Train one with 'vae train-prior {runPath}'.");
            }
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
