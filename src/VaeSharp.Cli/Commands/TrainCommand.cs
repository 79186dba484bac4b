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
        var arch = new Option<string>("--arch") { Description = "Network: mlp (dense layers) or conv (stride-2 convolutions + transposed convolutions).", DefaultValueFactory = _ => "mlp" };
        arch.AcceptOnlyFromAmong("mlp", "conv");
        var channels = new Option<string>("--channels") { Description = "Conv: channels of each stride-2 convolution, comma-separated.", DefaultValueFactory = _ => "32,64" };
        var kernel = new Option<int>("--kernel-size") { Description = "Conv: kernel size.", DefaultValueFactory = _ => 3 };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Conv: batch normalisation after each convolution." };
        var conditional = new Option<bool>("--conditional") { Description = "Conditional VAE: the one-hot label joins the encoder and decoder inputs." };
        var preset = new Option<string?>("--preset") { Description = "A published configuration: keras-2d (Keras example: conv 32/64 → 16 → z=2; leaky ReLU, since plain ReLU collapses here, docs/latent-space.md) or iwae-mnist (Burda et al.: 784-200-200-50 tanh, dynamic binarisation, the paper's Adam schedule). Options given explicitly override it." };
        preset.AcceptOnlyFromAmong("keras-2d", "iwae-mnist");
        var objective = new Option<string>("--objective") { Description = "elbo, or iwae (importance-weighted bound, Burda et al. 2016).", DefaultValueFactory = _ => "elbo" };
        objective.AcceptOnlyFromAmong("elbo", "iwae");
        var iwaeK = new Option<int>("--iwae-k") { Description = "Importance samples k of the IWAE bound.", DefaultValueFactory = _ => 5 };
        var klSchedule = new Option<string>("--kl-schedule") { Description = "KL weight schedule: constant, linear (warm-up) or cyclical (Fu et al. 2019).", DefaultValueFactory = _ => "constant" };
        klSchedule.AcceptOnlyFromAmong("constant", "linear", "cyclical");
        var klWarmup = new Option<int>("--kl-warmup-steps") { Description = "Linear warm-up length in steps (default: one epoch)." };
        var klCycles = new Option<int>("--kl-cycles") { Description = "Cycles of the cyclical schedule over the run.", DefaultValueFactory = _ => 4 };
        var klRatio = new Option<float>("--kl-ratio") { Description = "Part of each cycle in which the weight rises.", DefaultValueFactory = _ => 0.5f };
        var capGamma = new Option<float>("--capacity-gamma") { Description = "Capacity control γ·|KL − C(t)| (Burgess et al. 2018); 0 = off.", DefaultValueFactory = _ => 0f };
        var capMax = new Option<float>("--capacity-max") { Description = "Final capacity C in nats.", DefaultValueFactory = _ => 25f };
        var capSteps = new Option<int>("--capacity-steps") { Description = "Steps over which C rises from 0 to its maximum.", DefaultValueFactory = _ => 10_000 };
        var freeBits = new Option<float>("--free-bits") { Description = "Free bits λ per latent dimension in nats (Kingma et al. 2016); 0 = off.", DefaultValueFactory = _ => 0f };
        var lrSchedule = new Option<string>("--lr-schedule") { Description = "constant, or iwae (the IWAE paper's 10^(−i/7) stages compressed to the run).", DefaultValueFactory = _ => "constant" };
        lrSchedule.AcceptOnlyFromAmong("constant", "iwae");
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop after the epoch during which this much training time has passed (a time budget)." };

        var cmd = new Command("train", "Train a VAE and write a run folder (config.json, model.safetensors, metrics.csv, PNG grids).")
        {
            data, dataDir, epochs, batch, lr, latent, hidden, activation, beta, likelihood, gaussianStd, binarize, seed, threads, output, trainLimit, testLimit, json,
            arch, channels, kernel, batchNorm, conditional, preset, objective, iwaeK, klSchedule, klWarmup, klCycles, klRatio, capGamma, capMax, capSteps, freeBits, lrSchedule, maxMinutes,
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

            // A preset sets defaults; options the user typed win.
            T Pick<T>(Option<T> o, T presetValue) => p.GetResult(o) is { Implicit: false } ? p.GetValue(o)! : presetValue;
            string? presetName = p.GetValue(preset);
            bool keras = presetName == "keras-2d", iwae = presetName == "iwae-mnist";
            string archName = Pick(arch, keras ? "conv" : p.GetValue(arch)!);
            int trainSteps = (train.Count + p.GetValue(batch) - 1) / p.GetValue(batch);
            var modelConfig = new VaeConfig
            {
                Architecture = archName,
                InputShape = train.ExampleShape,
                Hidden = p.GetResult(hidden) is { Implicit: false } ? widths : keras ? [16] : iwae ? [200, 200] : archName == "conv" ? [256] : widths,
                LatentDim = Pick(latent, keras ? 2 : iwae ? 50 : p.GetValue(latent)),
                Activation = Pick(activation, iwae ? "tanh" : keras ? "leaky_relu" : p.GetValue(activation)!),
                Channels = CommonOptions.ParseWidths(p.GetValue(channels)!, "--channels"),
                KernelSize = p.GetValue(kernel),
                BatchNorm = p.GetValue(batchNorm),
                ClassCount = p.GetValue(conditional) ? train.ClassCount : 0,
                Likelihood = p.GetValue(likelihood)!, GaussianStd = stdValue, Beta = betaValue, Seed = p.GetValue(seed),
            };
            if (p.GetValue(conditional) && train.ClassCount == 0) throw new UsageException($"--conditional: the data set {dataName} has no labels.");
            var objectiveOptions = new Objectives.ObjectiveOptions
            {
                Objective = p.GetValue(objective)!, IwaeSamples = p.GetValue(iwaeK),
                KlSchedule = p.GetValue(klSchedule)!, KlWarmupSteps = p.GetResult(klWarmup) is { Implicit: false } ? p.GetValue(klWarmup) : trainSteps,
                KlCycles = p.GetValue(klCycles), KlRatio = p.GetValue(klRatio),
                CapacityGamma = p.GetValue(capGamma), CapacityMax = p.GetValue(capMax), CapacitySteps = p.GetValue(capSteps), FreeBits = p.GetValue(freeBits),
            };
            var options = new TrainingOptions
            {
                Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch), LearningRate = lrValue,
                Binarize = Pick(binarize, iwae ? "dynamic" : p.GetValue(binarize)!), Seed = p.GetValue(seed),
                Objective = objectiveOptions, LrSchedule = Pick(lrSchedule, iwae ? "iwae" : p.GetValue(lrSchedule)!),
                AdamEpsilon = iwae ? 1e-4f : 1e-8f,
            };
            try { modelConfig.Validate(); options.Validate(); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            if (p.GetValue(maxMinutes) is <= 0) throw new UsageException("--max-minutes: expected a positive number of minutes.");
            int code = Train(console, run, dataName, modelConfig, options, train, test, p.GetValue(json), p.GetValue(maxMinutes));
            if (code == VaeCli.Ok && keras && modelConfig.LatentDim >= 2) SaveLatentPictures(console, run, test, p.GetValue(json));
            return code;
        }));
        return cmd;
    }

    private static int Train(CliConsole console, RunFolder run, string dataName, VaeConfig modelConfig, TrainingOptions options,
        IDataset train, IDataset test, bool json, double? maxMinutes)
    {
        double trainingSeconds = 0;
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
            if (model.IsConditional)
            {
                var (byLabel, labels) = Generation.SampleByLabel(model, 10, options.Seed);
                run.SaveGrid($"sample_{epoch}.png", byLabel, labels.Length, modelConfig.InputShape, 10);
            }
            else
            {
                run.SaveGrid($"sample_{epoch}.png", Generation.Sample(model, 64, options.Seed), 64, modelConfig.InputShape, 8);
            }
            run.SaveConfig(config with { EpochsCompleted = epoch });
            if (!json) console.Line(Format(m, options.Epochs));
            trainingSeconds += m.Seconds;
            if (maxMinutes is double limit && trainingSeconds >= limit * 60 && epoch < options.Epochs)
            {
                if (!json) console.Line(string.Create(CultureInfo.InvariantCulture, $"Time budget of {limit} minutes reached after epoch {epoch} ({trainingSeconds / 60:F1} min of training); stopping."));
                break;
            }
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

    // The Keras example's two pictures, from the saved model: the decoded latent square (n = 30, r = 1) and
    // the test set's posterior means coloured by digit. A conditional model gets only the scatter plot
    // (its grid needs a class: 'vae latent-grid RUN --label C').
    private static void SaveLatentPictures(CliConsole console, RunFolder run, IDataset test, bool json)
    {
        var (_, model) = RunFolder.Load(run.Path);
        if (!model.IsConditional) LatentGrid.SavePng(run.File("latent_grid.png"), model);
        var embedding = LatentEmbedding.Compute(model, test);
        Imaging.PngWriter.Write(run.File("latent_scatter.png"), embedding.Plot(title: $"{test.Name} test set: posterior means E[z|x]"));
        if (!json) console.Line($"Wrote {(model.IsConditional ? "" : "latent_grid.png and ")}latent_scatter.png to {run.Path}");
    }

    internal static string Format(EpochMetrics m, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"Epoch {m.Epoch}/{epochs}  Loss {m.Loss:F4}  Reconstruction Loss {m.Reconstruction:F4}  KL Loss {m.Kl:F4}  " +
        $"| Test Loss {m.TestLoss:F4}  | {m.Seconds:F1} s  {m.ExamplesPerSecond:F0} examples/s");
}
