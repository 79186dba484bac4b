using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Data;
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
        var cmd = new Command("eval", "Evaluate a trained model on the test set: loss (−ELBO), reconstruction and KL, per example in nats.") { runArg, dataDir, limit, seed, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is <= 0) throw new UsageException("--limit: expected a positive integer.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            var (_, test) = DatasetCatalog.Load(config.Data, p.GetValue(dataDir));
            if (p.GetValue(limit) is int l) test = test.Take(l);
            var t = Trainer.Evaluate(model, test, config.Training.Binarize, p.GetValue(seed));
            if (p.GetValue(json))
                console.Line(JsonSerializer.Serialize(new { run = runPath, data = config.Data, examples = t.Count, loss = t.Loss, reconstruction_loss = t.Reconstruction, kl_loss = t.Kl }, JsonOut.Options));
            else
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{config.Data} test set, {t.Count} examples: Loss {t.Loss:F4}  Reconstruction Loss {t.Reconstruction:F4}  KL Loss {t.Kl:F4} (nats per example)"));
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
