using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae latent-grid RUN: decodes an n×n grid of z over [−r, r]² in two latent dimensions (the others 0)
// into one PNG, tiles edge to edge — the Keras VAE example's plot_latent_space (n = 30, r = 1.0).
internal static class LatentGridCommand
{
    public const int MaxN = 100;

    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var n = new Option<int>("--n") { Description = $"Grid points per side (2 to {MaxN}).", DefaultValueFactory = _ => 30 };
        var range = new Option<float>("--range") { Description = "The grid spans [-range, range] in both dimensions.", DefaultValueFactory = _ => 1f };
        var dims = CommonOptions.Dims();
        var label = new Option<int?>("--label") { Description = "Conditional models: decode every cell as this class." };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/latent_grid.png)." };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("latent-grid", "Decode an n×n grid of latent codes over [-r, r]² (rows from +r at the top to -r at the bottom) into one PNG.")
        {
            runArg, n, range, dims, label, output, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int side = p.GetValue(n);
            if (side < 2 || side > MaxN) throw new UsageException($"--n {side}: expected an integer from 2 to {MaxN}.");
            float r = p.GetValue(range);
            if (!(r > 0f) || float.IsInfinity(r)) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--range {r}: expected a positive number."));
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            var (xDim, yDim) = CommonOptions.ParseDims(p.GetValue(dims)!, model.LatentDim);
            int? c = p.GetValue(label);
            if (!model.IsConditional && c is not null)
                throw new UsageException($"--label needs a conditional model; {runPath} was trained without --conditional.");
            if (model.IsConditional && c is null)
                throw new UsageException($"{runPath} is a conditional model: give --label C (0 to {model.ClassCount - 1}).");
            if (c is int lc && (lc < 0 || lc >= model.ClassCount))
                throw new UsageException($"--label {lc}: expected a class from 0 to {model.ClassCount - 1}.");

            string file = p.GetValue(output) ?? Path.Combine(runPath, "latent_grid.png");
            ImageOutput.EnsureFolder(file);
            var image = LatentGrid.SavePng(file, model, side, r, xDim, yDim, c);
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    output = file, n = side, range = r, dims = new[] { xDim, yDim }, label = c, width = image.Width, height = image.Height,
                }, JsonOut.Options));
            }
            else
            {
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote a {side}×{side} grid of decodings, z[{xDim}] and z[{yDim}] from -{r} to {r}, to {file} ({image.Width}×{image.Height} pixels)"));
            }
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
