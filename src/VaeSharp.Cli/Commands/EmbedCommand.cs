using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae embed RUN: the posterior means E_q[z | x] of the run's test set, as a scatter plot of two latent
// dimensions coloured by label, with the class names in its legend (the Keras VAE example's
// plot_label_clusters), and optionally as CSV.
internal static class EmbedCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var limit = new Option<int?>("--limit") { Description = "Embed only the first N test examples." };
        var dims = CommonOptions.Dims();
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/latent_scatter.png)." };
        var csv = new Option<string?>("--csv") { Description = "Also write every example's posterior mean as CSV: index,label,z0,...,z{L-1}, then the ground-truth factor values where the data set has them (dsprites: shape,scale,orientation,pos_x,pos_y)." };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("embed", "Encode the test set to its posterior means E[z|x] and plot two latent dimensions coloured by label (PNG), optionally as CSV.")
        {
            runArg, limit, dims, output, csv, dataDir, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is int l && l <= 0) throw new UsageException($"--limit {l}: expected a positive integer.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            if (p.GetValue(csv) is string csvOut) ImageOutput.EnsureFolder(csvOut);   // both outputs checked before either is written
            var (xDim, yDim) = CommonOptions.ParseDims(p.GetValue(dims)!, model.LatentDim);
            var (_, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));

            var embedding = LatentEmbedding.Compute(model, test, p.GetValue(limit));
            string file = p.GetValue(output) ?? Path.Combine(runPath, "latent_scatter.png");
            ImageOutput.EnsureFolder(file);
            using var chart = embedding.Plot(xDim, yDim, $"{test.Name} test set: posterior means E[z|x]");
            var image = chart.SavePng(file);
            string? csvFile = p.GetValue(csv);
            if (csvFile is not null)
            {
                ImageOutput.EnsureFolder(csvFile);
                embedding.WriteCsv(csvFile);
            }
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    output = file, csv = csvFile, examples = embedding.Count, latent_dim = embedding.LatentDim, dims = new[] { xDim, yDim },
                    width = image.Width, height = image.Height,
                }, JsonOut.Options));
            }
            else
            {
                console.Line($"Wrote the posterior means of {embedding.Count} {test.Name} test examples, z[{xDim}] against z[{yDim}], to {file}" +
                             (csvFile is null ? "" : $"; all {embedding.LatentDim} dimensions to {csvFile}"));
            }
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
