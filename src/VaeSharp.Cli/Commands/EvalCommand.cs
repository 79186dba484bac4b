using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Cli.Commands;

// vae eval RUN: the test-set loss terms per example in nats (deterministic for a given --seed).
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
        var cmd = new Command("eval", "Evaluate a trained model on the test set: loss (−ELBO), reconstruction, KL, active units, KL per latent dimension, and optionally the importance-sampled NLL.") { runArg, dataDir, limit, seed, threads, json, nll, k, output };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is <= 0) throw new UsageException("--limit: expected a positive integer.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            var (_, test) = DatasetCatalog.Load(config.Data, p.GetValue(dataDir));
            if (p.GetValue(limit) is int l) test = test.Take(l);
            CommonOptions.Positive(p.GetValue(k), "--k");
            var t = Trainer.Evaluate(model, test, config.Training.Binarize, p.GetValue(seed));
            var latent = LatentStatistics.Compute(model, test);
            LikelihoodEstimate? is_ = p.GetValue(nll) ? ImportanceSampling.Estimate(model, test, p.GetValue(k), p.GetValue(seed), config.Training.Binarize) : null;
            string report = JsonSerializer.Serialize(new
                {
                    run = runPath, data = config.Data, examples = t.Count, loss = t.Loss, reconstruction_loss = t.Reconstruction, kl_loss = t.Kl,
                    nll = is_?.Nll, nll_k = is_?.Samples, elbo_k = is_?.Elbo,
                    active_units = latent.ActiveUnits, latent_dim = latent.Activity.Length, activity = latent.Activity, kl_per_dimension = latent.KlPerDimension,
                }, JsonOut.Options);
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
                $"{config.Data} test set, {t.Count} examples: Loss {t.Loss:F4}  Reconstruction Loss {t.Reconstruction:F4}  KL Loss {t.Kl:F4} (nats per example)"));
            if (is_ is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture, $"Importance-sampled NLL (k = {is_.Samples}): {is_.Nll:F4} nats  (−ELBO with the same samples: {is_.Elbo:F4})"));
            console.Line($"Active units (Cov_x E[z_u] > {latent.Threshold}): {latent.ActiveUnits} of {latent.Activity.Length}");
            console.Line("KL per dimension: " + string.Join(" ", latent.KlPerDimension.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
