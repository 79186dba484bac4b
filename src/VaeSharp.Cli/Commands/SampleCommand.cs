using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae sample RUN: decodes z ~ N(0, I) into a PNG grid (and optionally JSON with the values' summary).
internal static class SampleCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var count = new Option<int>("--count") { Description = "Number of samples.", DefaultValueFactory = _ => 64 };
        var columns = new Option<int?>("--columns") { Description = "Images per grid row (default: √count)." };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/samples.png)." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("sample", "Draw new examples from a trained model: z ~ N(0, I), decoded to a PNG grid.") { runArg, count, columns, output, seed, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int n = p.GetValue(count);
            CommonOptions.Positive(n, "--count");
            int cols = p.GetValue(columns) ?? (int)Math.Ceiling(Math.Sqrt(n));
            CommonOptions.Positive(cols, "--columns");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            string file = p.GetValue(output) ?? Path.Combine(runPath, "samples.png");
            var values = Generation.Sample(model, n, p.GetValue(seed));
            ImageOutput.SaveGrid(file, values, n, config.Model.InputShape, cols);
            if (p.GetValue(json)) console.Line(JsonSerializer.Serialize(new { output = file, count = n, seed = p.GetValue(seed) }, JsonOut.Options));
            else console.Line($"Wrote {n} samples to {file}");
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
