using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae eval RUN: the test-set loss terms per example in nats (deterministic for a given --seed), the latent
// statistics, and with --plot FILE the KL per latent dimension as a bar chart.
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var dataDir = CommonOptions.DataDir();
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N test examples." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var nll = new Option<bool>("--nll") { Description = "Also estimate −log p(x) by importance sampling (log-mean-exp over k samples of q(z|x))." };
        var k = new Option<int>("--k") { Description = "Importance samples per example for --nll.", DefaultValueFactory = _ => 5000 };
        var output = new Option<string?>("--out") { Description = "Also write the results as JSON to this file." };
        var plot = new Option<string?>("--plot") { Description = "Also draw the KL per latent dimension as a bar chart (PNG) to this file." };
        var cmd = new Command("eval", "Evaluate a trained model on the test set: loss (−ELBO), reconstruction, KL, active units, KL per latent dimension, and optionally the importance-sampled NLL.") { runArg, dataDir, limit, seed, threads, json, nll, k, output, plot };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is <= 0) throw new UsageException("--limit: expected a positive integer.");
            string runPath = p.GetValue(runArg)!;
            // Every output is checked before the evaluation (minutes with --nll) starts.
            if (p.GetValue(output) is string outFile) ImageOutput.EnsureFolder(outFile);
            if (p.GetValue(plot) is string plotOut) ImageOutput.EnsureFolder(plotOut);
            var (config, model) = RunFolder.Load(runPath);
            var (_, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
            if (p.GetValue(limit) is int l) test = test.Take(l);
            CommonOptions.Positive(p.GetValue(k), "--k");
            var t = LossEvaluation.Evaluate(model, test, config.Training.Binarize, p.GetValue(seed));
            var latent = LatentStatistics.Compute(model, test);
            LikelihoodEstimate? is_ = p.GetValue(nll) ? ImportanceSampling.Estimate(model, test, p.GetValue(k), p.GetValue(seed), config.Training.Binarize) : null;
            var fields = new Dictionary<string, object?> { ["run"] = runPath, ["data"] = config.Data, ["family"] = model.Family, ["examples"] = t.Count, ["loss"] = t.Loss };
            foreach (var term in t.Terms) fields[Models.LossTermLabels.Column(term.Name)] = term.Value;
            fields["nll"] = is_?.Nll;
            fields["nll_k"] = is_?.Samples;
            fields["elbo_k"] = is_?.Elbo;
            fields["active_units"] = latent.ActiveUnits;
            fields["latent_dim"] = latent.Activity.Length;
            fields["activity"] = latent.Activity;
            fields["kl_per_dimension"] = latent.KlPerDimension;
            string? plotFile = p.GetValue(plot);
            if (plotFile is not null)
            {
                ImageOutput.EnsureFolder(plotFile);
                using var chart = Charts.KlPerDimension(latent, $"{test.Name} test set: KL per latent dimension ({latent.ActiveUnits} of {latent.Activity.Length} active)");
                chart.SavePng(plotFile);
                fields["plot"] = plotFile;
            }
            string report = JsonSerializer.Serialize(fields, JsonOut.Options);
            if (p.GetValue(output) is string file)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(report);
                Engine.IO.AtomicFile.Write(file, s => s.Write(bytes));
            }
            if (p.GetValue(json))
            {
                console.Line(report);
                return VaeCli.Ok;
            }
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"{test.Name} test set, {t.Count} examples: Loss {t.Loss:F4}{string.Concat(t.Terms.Select(x => $"  {Models.LossTermLabels.Label(x.Name)} {x.Value:F4}"))} (nats per example)"));
            if (is_ is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture, $"Importance-sampled NLL (k = {is_.Samples}): {is_.Nll:F4} nats  (−ELBO with the same samples: {is_.Elbo:F4})"));
            console.Line($"Active units (Cov_x E[z_u] > {latent.Threshold}): {latent.ActiveUnits} of {latent.Activity.Length}");
            console.Line("KL per dimension: " + string.Join(" ", latent.KlPerDimension.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
            if (plotFile is not null) console.Line($"Wrote the KL per dimension chart to {plotFile}");
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
