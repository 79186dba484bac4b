using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Evaluation.Disentanglement;
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
        var disentanglement = new Option<bool>("--disentanglement") { Description = "Also compute the disentanglement metrics (beta_vae, factor_vae, mig, dci_*, sap, modularity, explicitness) on a data set with ground-truth factors (dsprites, dsprites-small), with disentanglement_lib's settings; --seed seeds their draws." };
        var pool = new Option<int>("--pool") { Description = "--disentanglement: encode this many training examples (uniformly drawn; all when fewer) and draw the metrics' samples from them.", DefaultValueFactory = _ => 50_000 };
        var metricTrain = new Option<int>("--metric-train") { Description = "--disentanglement: training points of each metric (disentanglement_lib: 10000).", DefaultValueFactory = _ => 10_000 };
        var metricEval = new Option<int>("--metric-eval") { Description = "--disentanglement: evaluation points of each metric (disentanglement_lib: 5000).", DefaultValueFactory = _ => 5_000 };
        var cmd = new Command("eval", "Evaluate a trained model on the test set: loss (−ELBO), reconstruction, KL, active units, KL per latent dimension, and optionally the importance-sampled NLL and the disentanglement metrics.")
        {
            runArg, dataDir, limit, seed, threads, json, nll, k, output, plot, disentanglement, pool, metricTrain, metricEval,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is <= 0) throw new UsageException("--limit: expected a positive integer.");
            string runPath = p.GetValue(runArg)!;
            // Every output is checked before the evaluation (minutes with --nll) starts.
            if (p.GetValue(output) is string outFile) ImageOutput.EnsureFolder(outFile);
            if (p.GetValue(plot) is string plotOut) ImageOutput.EnsureFolder(plotOut);
            CommonOptions.Positive(p.GetValue(pool), "--pool");
            var settings = new DisentanglementSettings { Seed = p.GetValue(seed), TrainPoints = p.GetValue(metricTrain), EvalPoints = p.GetValue(metricEval) };
            try { settings.Validate(); }
            catch (ArgumentException e) { throw new UsageException("--metric-train/--metric-eval: " + e.Message); }
            var (config, model) = RunFolder.Load(runPath);
            var (train, test) = DatasetCatalog.Load(config.Data, p.GetValue(dataDir));
            if (p.GetValue(disentanglement) && train.Factors is null)
                throw new UsageException($"--disentanglement: the run's data set {config.Data} has no ground-truth factors; the metrics need a data set with them (dsprites, dsprites-small).");
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
            IReadOnlyList<MetricScore>? metrics = null;
            if (p.GetValue(disentanglement))
            {
                var codes = FactorCodes.Encode(model, train, p.GetValue(pool), RngStreams.Create(p.GetValue(seed), RngStream.DisentanglementMetrics).Fork(100));
                metrics = DisentanglementMetrics.All(codes, settings);
                fields["disentanglement"] = metrics.ToDictionary(m => m.Key, m => m.Value);
                fields["disentanglement_pool"] = codes.Count;
                fields["disentanglement_details"] = metrics.ToDictionary(m => m.Key, m => m.Details);
                fields["disentanglement_estimators"] = metrics.ToDictionary(m => m.Key, m => m.Estimator);
            }
            string? plotFile = p.GetValue(plot);
            if (plotFile is not null)
            {
                ImageOutput.EnsureFolder(plotFile);
                using var chart = Charts.KlPerDimension(latent, $"{config.Data} test set: KL per latent dimension ({latent.ActiveUnits} of {latent.Activity.Length} active)");
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
                $"{config.Data} test set, {t.Count} examples: Loss {t.Loss:F4}{string.Concat(t.Terms.Select(x => $"  {Models.LossTermLabels.Label(x.Name)} {x.Value:F4}"))} (nats per example)"));
            if (is_ is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture, $"Importance-sampled NLL (k = {is_.Samples}): {is_.Nll:F4} nats  (−ELBO with the same samples: {is_.Elbo:F4})"));
            console.Line($"Active units (Cov_x E[z_u] > {latent.Threshold}): {latent.ActiveUnits} of {latent.Activity.Length}");
            console.Line("KL per dimension: " + string.Join(" ", latent.KlPerDimension.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
            if (plotFile is not null) console.Line($"Wrote the KL per dimension chart to {plotFile}");
            if (metrics is not null)
            {
                console.Line($"Disentanglement (posterior means of {fields["disentanglement_pool"]} {config.Data} training examples, seed {settings.Seed}):");
                foreach (var m in metrics)
                    console.Line(string.Create(CultureInfo.InvariantCulture, $"  {m.Key,-20} {m.Value,7:F4}   {m.Estimator}"));
            }
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
