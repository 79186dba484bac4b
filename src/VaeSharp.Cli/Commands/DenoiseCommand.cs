using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae denoise RUN --noise SPEC: corrupts the test examples, passes them through the model (x̂ = E[x | z = μ(x̃)]) and
// reports the PSNR against the clean examples before and after; --compare RUN2 ... puts other models (a denoising VAE
// trained with --train-noise) through the same corrupted examples.
internal static class DenoiseCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var compare = new Option<string[]>("--compare") { Description = "Other run folders to denoise the same corrupted examples with.", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string?>("--data") { Description = "Data set (default: the run's)." };
        var dataDir = CommonOptions.DataDir();
        var noise = new Option<string>("--noise") { Description = "gaussian:SIGMA (clamped to [0, 1]), salt-pepper:P or mask:P.", DefaultValueFactory = _ => "gaussian:0.3" };
        var limit = new Option<int?>("--limit") { Description = "Only the first N test examples." };
        var png = new Option<string?>("--png") { Description = "Draw the first examples: clean, noisy, then each model's output, to this PNG." };
        var show = new Option<int>("--show") { Description = "Examples in the --png picture.", DefaultValueFactory = _ => 10 };
        var output = new Option<string?>("--out") { Description = "Also write the JSON report to this file." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("denoise", "Corrupt the test examples with noise, reconstruct them, and report the PSNR before and after (optionally for several models).")
        {
            runArg, compare, data, dataDir, noise, limit, png, show, output, seed, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is int l) CommonOptions.Positive(l, "--limit");
            CommonOptions.Positive(p.GetValue(show), "--show");
            NoiseSpec spec;
            try { spec = NoiseSpec.Parse(p.GetValue(noise)!); }
            catch (ArgumentException e) { throw new UsageException($"--{e.Message}"); }
            foreach (var file in new[] { p.GetValue(png), p.GetValue(output) }) if (file is not null) ImageOutput.EnsureFolder(file);
            string[] runs = [p.GetValue(runArg)!, .. p.GetValue(compare) ?? []];
            var loaded = runs.Select(r => (Path: r, Run: RunFolder.Load(r))).ToList();
            string dataName = p.GetValue(data) ?? loaded[0].Run.Config.Data;
            var (_, test) = CommonOptions.RunData(loaded[0].Run.Config, dataName, p.GetValue(dataDir));
            IDataset set = p.GetValue(limit) is int lim && lim < test.Count ? new SubsetDataset(test, [.. Enumerable.Range(0, lim)]) : test;
            int size = set.ExampleShape.Aggregate(1, (a, b) => a * b);
            var clean = new float[set.Count * size];
            set.CopyExamples([.. Enumerable.Range(0, set.Count)], clean);
            var noisy = (float[])clean.Clone();
            spec.Apply(noisy, RngStreams.Create(p.GetValue(seed), RngStream.Corruption));
            IDataset noisySet = new ArrayDataset(set.Name, noisy, set.ExampleShape, set.ClassCount > 0 ? [.. Enumerable.Range(0, set.Count).Select(set.Label)] : null, set.ClassCount, set.ClassNames);
            double before = ImageQuality.MeanPsnr(clean, noisy, set.Count);
            var results = new List<Dictionary<string, object?>>();
            var outputs = new List<float[]>();
            int shown = Math.Min(p.GetValue(show), set.Count);
            foreach (var (path, (config, model)) in loaded)
            {
                BatchLoader.CheckFits(set, model);
                var denoised = Reconstruct(model, noisySet, size);
                var plain = Reconstruct(model, set, size);
                results.Add(new Dictionary<string, object?>
                {
                    ["run"] = path, ["model"] = model.Description, ["train_noise"] = config.Training.TrainNoise,
                    ["psnr_noisy"] = before, ["psnr_denoised"] = ImageQuality.MeanPsnr(clean, denoised, set.Count),
                    ["psnr_clean_reconstruction"] = ImageQuality.MeanPsnr(clean, plain, set.Count),
                });
                outputs.Add(denoised[..(shown * size)]);
            }
            var files = new List<string>();
            if (p.GetValue(png) is string pngFile)
            {
                var shape = set.ExampleShape;
                if (shape.Length is not (2 or 3)) throw new UsageException("--png: the examples are not images.");
                float[] all = [.. clean[..(shown * size)], .. noisy[..(shown * size)], .. outputs.SelectMany(o => o)];
                ImageGrid.SavePng(pngFile, all, (2 + outputs.Count) * shown, shape.Length == 3 ? shape[0] : 1, shape[^2], shape[^1], shown);
                files.Add(pngFile);
            }
            var doc = new Dictionary<string, object?> { ["data"] = dataName, ["examples"] = set.Count, ["noise"] = spec.Text, ["seed"] = p.GetValue(seed), ["results"] = results, ["files"] = files };
            string report = JsonSerializer.Serialize(doc, JsonOut.Options);
            JsonOut.WriteFile(p.GetValue(output), report);
            if (p.GetValue(json))
            {
                console.Line(report);
                return VaeCli.Ok;
            }
            console.Line($"Denoised {set.Count} {dataName} test examples corrupted by {spec.Text} (PSNR in dB against the clean examples, mean over examples):");
            console.Line("| run | model | trained with noise | PSNR noisy | PSNR denoised | PSNR of the clean reconstruction |");
            console.Line("|---|---|---|---|---|---|");
            foreach (var r in results)
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {r["run"]} | {r["model"]} | {r["train_noise"] ?? "none"} | {(double)r["psnr_noisy"]!:F2} | {(double)r["psnr_denoised"]!:F2} | {(double)r["psnr_clean_reconstruction"]!:F2} |"));
            foreach (var f in files) console.Line($"Wrote {f}");
            return VaeCli.Ok;
        }));
        return cmd;
    }

    // E[x | z = μ(x)] of every example.
    private static float[] Reconstruct(Models.LatentVariableModel model, IDataset data, int size)
    {
        var result = new float[data.Count * size];
        Inference.ForEachBatch(model, data, (batch, start) =>
            model.DecodeMean(model.Encode(batch).Mean, model.IsConditional ? batch.Labels : null).Data.CopyTo(result.AsSpan(start * size)));
        return result;
    }
}
