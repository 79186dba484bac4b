using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae traverse RUN: one row per latent dimension (sorted by KL on the test set), each varying that dimension over
// [−k, k] around the prior mean or an example's posterior mean, labelled with its KL and, where the data set has
// ground-truth factors, its most informative factor; optionally an animated GIF of the same traversals.
internal static class TraverseCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var range = new Option<float>("--range") { Description = "k: each dimension takes values evenly spaced over [−k, k].", DefaultValueFactory = _ => 2f };
        var steps = new Option<int>("--steps") { Description = "Values per row (2 to 64).", DefaultValueFactory = _ => 9 };
        var around = new Option<int?>("--around") { Description = "Traverse around the posterior mean of this test example (default: the prior mean 0)." };
        var limit = new Option<int>("--limit") { Description = "Test examples for the KL per dimension and the factor labels.", DefaultValueFactory = _ => 5000 };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/traversal.png)." };
        var gif = new Option<string?>("--gif") { Description = "Also write the traversals as an animated GIF (all dimensions at once, −k → k and back) to this file." };
        var delay = new Option<int>("--gif-delay") { Description = "Hundredths of a second per GIF frame.", DefaultValueFactory = _ => 12 };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("traverse", "Latent traversals: one row per latent dimension sorted by KL, each varying that dimension over [−k, k]; labelled with its KL and most informative ground-truth factor (PNG, optionally GIF).")
        {
            runArg, range, steps, around, limit, output, gif, delay, dataDir, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            float k = p.GetValue(range);
            if (!(k > 0f) || float.IsInfinity(k)) throw new UsageException($"--range {k}: expected a positive number.");
            int n = p.GetValue(steps);
            if (n is < 2 or > 64) throw new UsageException($"--steps {n}: expected 2 to 64.");
            CommonOptions.Positive(p.GetValue(limit), "--limit");
            if (p.GetValue(delay) is < 0 or > 65_535) throw new UsageException($"--gif-delay {p.GetValue(delay)}: expected 0 to 65535 hundredths of a second.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            if (model.IsConditional) throw new UsageException($"{runPath} is a conditional model; traversals need an unconditional one.");
            string file = p.GetValue(output) ?? Path.Combine(runPath, "traversal.png");
            ImageOutput.EnsureFolder(file);
            if (p.GetValue(gif) is string gifOut) ImageOutput.EnsureFolder(gifOut);   // every output checked before any is written
            var (_, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
            if (p.GetValue(around) is int a && (a < 0 || a >= test.Count)) throw new UsageException($"--around {a}: expected a test example from 0 to {test.Count - 1}.");
            if (p.GetValue(gif) is not null && model.InputShape[0] != 1) throw new UsageException("--gif: the GIF writer takes gray images; this model's images have colour channels.");
            var traversal = LatentTraversal.Compute(model, test, k, n, p.GetValue(around), p.GetValue(limit));
            ImageCodec.WritePng(file, traversal.Render());
            string? gifFile = p.GetValue(gif);
            if (gifFile is not null) GifWriter.Write(gifFile, traversal.Frames(), p.GetValue(delay));
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    output = file, gif = gifFile, range = k, steps = n, @base = traversal.Base,
                    rows = traversal.Order.Select(d => new
                    {
                        dim = d, kl = traversal.KlPerDimension[d], factor = traversal.Factors[d]?.Name, factor_nmi = traversal.Factors[d]?.Score,
                    }),
                }, JsonOut.Options));
                return VaeCli.Ok;
            }
            console.Line($"Wrote the traversals of {model.LatentDim} latent dimensions over [−{k}, {k}] around {traversal.Base} to {file}" + (gifFile is null ? "" : $" and {gifFile}"));
            for (int r = 0; r < traversal.Order.Length; r++) console.Line("  " + traversal.RowLabel(r));
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
