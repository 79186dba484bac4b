using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae reconstruct RUN: test images in the first row, their reconstructions E[x | z = μ(x)] below.
internal static class ReconstructCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var count = new Option<int>("--count") { Description = "Number of test images.", DefaultValueFactory = _ => 8 };
        var start = new Option<int>("--start") { Description = "Index of the first test image.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/reconstruction.png)." };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("reconstruct", "Reconstruct test images: originals over reconstructions, as a PNG.") { runArg, count, start, output, dataDir, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int n = p.GetValue(count), first = p.GetValue(start);
            CommonOptions.Positive(n, "--count");
            if (first < 0) throw new UsageException($"--start {first}: expected an integer ≥ 0.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            var (_, test) = DatasetCatalog.Load(config.Data, p.GetValue(dataDir));
            if (first + n > test.Count) throw new UsageException($"--start {first} --count {n}: the test set has {test.Count} images.");
            var indices = Enumerable.Range(first, n).ToArray();
            var (originals, recon) = Generation.Reconstruct(model, test, indices);
            string file = p.GetValue(output) ?? Path.Combine(runPath, "reconstruction.png");
            ImageOutput.EnsureFolder(file);
            ImageOutput.SaveGrid(file, Generation.ComparisonRows(originals, recon), 2 * n, model.InputShape, n);
            double mse = Generation.PixelMse(originals, recon);
            if (p.GetValue(json)) console.Line(JsonSerializer.Serialize(new { output = file, count = n, start = first, pixel_mse = mse }, JsonOut.Options));
            else console.Line($"Wrote {n} test images and their reconstructions to {file} (pixel MSE {mse:F5})");
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
