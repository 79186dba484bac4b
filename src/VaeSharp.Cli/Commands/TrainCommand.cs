using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Models;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Cli.Commands;

// vae train: builds the model from options, trains epoch by epoch and keeps the run folder current
// after every epoch (config.json, model.safetensors, metrics.csv, reconstruction_E.png, sample_E.png).
internal static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "Data set: mnist or fashion-mnist.", DefaultValueFactory = _ => "mnist" };
        var dataDir = CommonOptions.DataDir();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => 128 };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3f };
        var latent = new Option<int>("--latent-dim") { Description = "Latent dimension.", DefaultValueFactory = _ => 20 };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, comma-separated (the decoder mirrors them).", DefaultValueFactory = _ => "400" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation: relu, tanh, elu, gelu, silu, leaky_relu, softplus.", DefaultValueFactory = _ => "relu" };
        var beta = new Option<float>("--beta") { Description = "KL weight β (1 = VAE, > 1 = β-VAE).", DefaultValueFactory = _ => 1f };
        var likelihood = new Option<string>("--likelihood") { Description = "bernoulli, gaussian (fixed σ) or gaussian-learned.", DefaultValueFactory = _ => "bernoulli" };
        likelihood.AcceptOnlyFromAmong("bernoulli", "gaussian", "gaussian-learned");
        var gaussianStd = new Option<float>("--gaussian-std") { Description = "σ of the Gaussian likelihood (fixed, or initial when learned).", DefaultValueFactory = _ => 0.1f };
        var binarize = new Option<string>("--binarize") { Description = "none, or dynamic (resample binary pixels every time).", DefaultValueFactory = _ => "none" };
        binarize.AcceptOnlyFromAmong("none", "dynamic");
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var output = new Option<string?>("--out") { Description = "Run folder to write (default: runs/<data>-vae)." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training examples (quick runs)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test examples." };
        var json = CommonOptions.Json();

        var cmd = new Command("train", "Train a VAE and write a run folder (config.json, model.safetensors, metrics.csv, PNG grids).")
        {
            data, dataDir, epochs, batch, lr, latent, hidden, activation, beta, likelihood, gaussianStd, binarize, seed, threads, output, trainLimit, testLimit, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            CommonOptions.Positive(p.GetValue(epochs), "--epochs");
            CommonOptions.Positive(p.GetValue(batch), "--batch-size");
            CommonOptions.Positive(p.GetValue(latent), "--latent-dim");
            float lrValue = p.GetValue(lr), betaValue = p.GetValue(beta), stdValue = p.GetValue(gaussianStd);
            if (!(lrValue > 0f) || float.IsInfinity(lrValue)) throw new UsageException($"--lr {lrValue}: expected a positive number.");
            if (!(betaValue >= 0f) || float.IsInfinity(betaValue)) throw new UsageException($"--beta {betaValue}: expected a number ≥ 0.");
            if (!(stdValue > 0f)) throw new UsageException($"--gaussian-std {stdValue}: expected a positive number.");
            if (p.GetValue(trainLimit) is <= 0) throw new UsageException("--train-limit: expected a positive integer.");
            if (p.GetValue(testLimit) is <= 0) throw new UsageException("--test-limit: expected a positive integer.");
            string dataName = p.GetValue(data)!;
            if (!DatasetCatalog.Names.Contains(dataName)) throw new UsageException($"--data '{dataName}': expected one of {string.Join(", ", DatasetCatalog.Names)}.");
            int[] widths = CommonOptions.ParseWidths(p.GetValue(hidden)!, "--hidden");
            try { _ = Engine.Nn.ActivationLayer.FromName(p.GetValue(activation)!); }
            catch (ArgumentException) { throw new UsageException($"--activation '{p.GetValue(activation)}': expected relu, tanh, elu, gelu, silu, leaky_relu, sigmoid or softplus."); }

            var run = RunFolder.Create(p.GetValue(output) ?? Path.Combine("runs", dataName + "-vae"));
            var (train, test) = DatasetCatalog.Load(dataName, p.GetValue(dataDir));
            if (p.GetValue(trainLimit) is int tl) train = train.Take(tl);
            if (p.GetValue(testLimit) is int te) test = test.Take(te);

            var modelConfig = new VaeConfig
            {
                InputShape = train.ExampleShape, Hidden = widths, LatentDim = p.GetValue(latent), Activation = p.GetValue(activation)!,
                Likelihood = p.GetValue(likelihood)!, GaussianStd = stdValue, Beta = betaValue, Seed = p.GetValue(seed),
            };
            var options = new TrainingOptions
            {
                Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch), LearningRate = lrValue, Binarize = p.GetValue(binarize)!, Seed = p.GetValue(seed),
            };
            return Train(console, run, dataName, modelConfig, options, train, test, p.GetValue(json));
        }));
        return cmd;
    }

    private static int Train(CliConsole console, RunFolder run, string dataName, VaeConfig modelConfig, TrainingOptions options,
        IDataset train, IDataset test, bool json)
    {
        var model = new Vae(modelConfig);
        var trainer = new Trainer(model, options);
        var config = new RunConfig { Model = modelConfig, Training = options, Data = dataName };
        run.SaveConfig(config);
        if (!json)
        {
            console.Line($"Training a VAE on {dataName}: {train.Count} train / {test.Count} test examples, {model.ParameterCount():N0} parameters, " +
                         $"latent {modelConfig.LatentDim}, {options.Epochs} epochs, batch {options.BatchSize}, {Engine.EngineSettings.Threads} threads → {run.Path}");
        }
        var all = new List<EpochMetrics>();
        int[] firstTest = Enumerable.Range(0, Math.Min(8, test.Count)).ToArray();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            EpochMetrics m = console.Interactive && !json ? WithProgressBar(trainer, epoch, options.Epochs, train, test) : trainer.TrainEpoch(epoch, train, test);
            all.Add(m);
            run.SaveModel(model);
            run.AppendMetrics(m);
            var (originals, recon) = Generation.Reconstruct(model, test, firstTest);
            run.SaveGrid($"reconstruction_{epoch}.png", Generation.ComparisonRows(originals, recon), 2 * firstTest.Length, modelConfig.InputShape, firstTest.Length);
            run.SaveGrid($"sample_{epoch}.png", Generation.Sample(model, 64, options.Seed), 64, modelConfig.InputShape, 8);
            run.SaveConfig(config with { EpochsCompleted = epoch });
            if (!json) console.Line(Format(m, options.Epochs));
        }
        if (json)
        {
            console.Line(JsonSerializer.Serialize(new { run = run.Path, epochs = all }, JsonOut.Options));
        }
        else if (all.Count > 0)
        {
            var last = all[^1];
            console.Line(string.Create(CultureInfo.InvariantCulture, $"Done. Test loss {last.TestLoss:F2} nats per example. Run folder: {run.Path}"));
        }
        return VaeCli.Ok;
    }

    private static EpochMetrics WithProgressBar(Trainer trainer, int epoch, int epochs, IDataset train, IDataset test)
    {
        EpochMetrics? result = null;
        AnsiConsole.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"Epoch {epoch}/{epochs}");
                result = trainer.TrainEpoch(epoch, train, test, (step, total, loss) =>
                {
                    task.MaxValue = total;
                    task.Value = step;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}/{epochs} loss {loss:F2}");
                });
            });
        return result!;
    }

    internal static string Format(EpochMetrics m, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"Epoch {m.Epoch}/{epochs}  Loss {m.Loss:F4}  Reconstruction Loss {m.Reconstruction:F4}  KL Loss {m.Kl:F4}  " +
        $"| Test Loss {m.TestLoss:F4}  | {m.Seconds:F1} s  {m.ExamplesPerSecond:F0} examples/s");
}
