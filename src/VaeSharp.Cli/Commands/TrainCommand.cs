using System.CommandLine;
using System.Runtime.InteropServices;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Objectives;
using VaeSharp.Training;
using static VaeSharp.Training.TrainingRequest;

namespace VaeSharp.Cli.Commands;

// vae train: parses the options into a TrainingRequest (only what was typed; a preset and the library's defaults
// fill the rest), starts a TrainingRun and prints its header, one line per epoch and where it wrote.
internal static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var d = BuiltIn;
        var data = new Option<string>("--data")
        {
            Description = $"Data: a set's name ({string.Join(", ", DatasetCatalog.Names)}: dsprites and dsprites-small are generated, with ground-truth factors; or one made by 'vae data import'), a CSV/TSV table, or an image folder.",
            DefaultValueFactory = _ => "mnist",
        };
        var dataOptions = new DataOptionSet();
        var dataDir = CommonOptions.DataDir();
        var family = CommonOptions.Choice("--family", $"Model family: {string.Join("; ", ModelFamilies.All.Select(f => $"{f.Name} = {f.Summary}"))}. Default vae.", [.. ModelFamilies.Names]);
        var conditional = new Option<bool>("--conditional") { Description = "Conditional VAE (--family cvae): the one-hot label joins the encoder and decoder inputs." };
        var epochs = new Option<int>("--epochs") { Description = $"Passes over the training set. Default {d.Epochs}." };
        var batch = new Option<int>("--batch-size") { Description = $"Examples per step. Default {d.BatchSize}." };
        var lr = new Option<float>("--lr") { Description = $"Adam learning rate. Default {Invariant(d.LearningRate)}." };
        var optimizer = CommonOptions.Choice<OptimizerKind>("--optimizer", "adam (default) or adamax (Kingma & Ba 2015, Alg. 2; PyTorch's form).");
        var adamEps = new Option<float>("--adam-epsilon") { Description = $"Adam's ε. Default {Invariant(d.AdamEpsilon)} (the iwae-mnist preset: 1e-4)." };
        var latent = new Option<int>("--latent-dim") { Description = $"Latent dimension. Default {d.LatentDim}." };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, comma-separated (the decoder mirrors them). Default 400, or 256 for conv." };
        var latentSizes = new Option<string>("--latent-sizes") { Description = "iwae-2layer, ladder-vae: |z_i| per stochastic layer, z₁ (next to the data) first, comma-separated, with --hidden giving one width per layer; the latent dimension is their sum. Default 100,50 (iwae-2layer) or 64,32,16,8,4 (ladder-vae)." };
        var activation = CommonOptions.Choice<HiddenActivation>("--activation", "Hidden activation. Default relu.");
        var beta = new Option<float>("--beta") { Description = $"KL weight β (1 = VAE, > 1 = β-VAE). Default {Invariant(d.Beta)}." };
        var likelihood = CommonOptions.Choice<LikelihoodKind>("--likelihood", "p(x|z): bernoulli, gaussian (fixed σ) or gaussian-learned. Default bernoulli; a table gets table (one likelihood per column) by itself.");
        var gaussianStd = new Option<float>("--gaussian-std") { Description = $"σ of the Gaussian likelihood (fixed, or initial when learned). Default {Invariant(d.GaussianStd)}." };
        var binarize = CommonOptions.Choice<Binarization>("--binarize", "none, or dynamic (resample binary pixels every time). Default none.");
        var seed = new Option<ulong>("--seed") { Description = $"Random seed (weights, shuffling, noise). Default {d.Seed}." };
        var threads = CommonOptions.Threads();
        var output = new Option<string?>("--out") { Description = "Run folder to write (default: runs/<data>-vae)." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training examples (quick runs)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test examples." };
        var json = CommonOptions.Json();
        var arch = CommonOptions.Choice<NetworkBody>("--arch", "Network: mlp (dense layers) or conv (stride-2 convolutions + transposed convolutions). Default mlp.");
        var channels = new Option<string>("--channels") { Description = "Conv: channels of each stride-2 convolution, comma-separated. Default 32,64." };
        var kernel = new Option<int>("--kernel-size") { Description = $"Conv: kernel size. Default {d.KernelSize}." };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Conv: batch normalisation after each convolution; iwae-2layer, ladder-vae: after each dense layer (the ladder-mnist preset has it)." };
        var preset = CommonOptions.Choice("--preset",
            "A published configuration; options given explicitly override it: " + string.Join("; ", TrainingPreset.All.Select(p => $"{p.Name} ({p.Description})")) + ".",
            [.. TrainingPreset.All.Select(p => p.Name)]);
        var objective = CommonOptions.Choice<ObjectiveKind>("--objective", "elbo, iwae (importance-weighted bound, Burda et al. 2016), or a disentangling objective: beta-tcvae (Chen et al. 2018; --beta weighs the total correlation), factor-vae (Kim & Mnih 2018), dip-vae-1 or dip-vae-2 (Kumar et al. 2018). Default elbo.");
        var tcAlpha = new Option<float>("--tc-alpha") { Description = "beta-tcvae: weight α of the index-code mutual information. Default 1." };
        var tcGamma = new Option<float>("--tc-gamma") { Description = "beta-tcvae: weight γ of the dimension-wise KL. Default 1." };
        var tcEstimator = CommonOptions.Choice<TcEstimator>("--tc-estimator", "beta-tcvae: mss (minibatch-stratified, default) or mws (minibatch-weighted) estimate of q(z).");
        var factorGamma = new Option<float>("--factor-gamma") { Description = "factor-vae: weight γ of the discriminator's total-correlation estimate. Default 10." };
        var discLr = new Option<float>("--disc-lr") { Description = "factor-vae: the discriminator's Adam learning rate (β₁ 0.5, β₂ 0.9). Default 1e-4." };
        var dipOd = new Option<float>("--dip-lambda-od") { Description = "dip-vae-1/2: weight λ_od of the off-diagonal covariance penalty. Default 10." };
        var dipD = new Option<float>("--dip-lambda-d") { Description = "dip-vae-1/2: weight λ_d of the diagonal penalty. Default 10·λ_od (dip-vae-1), λ_od (dip-vae-2), as disentanglement_lib." };
        var iwaeK = new Option<int>("--iwae-k") { Description = $"Importance samples k of the IWAE bound. Default {d.IwaeSamples}." };
        var klSchedule = CommonOptions.Choice<KlScheduleKind>("--kl-schedule", "KL weight schedule: constant, linear (warm-up) or cyclical (Fu et al. 2019). Default constant.");
        var klWarmup = new Option<int>("--kl-warmup-steps") { Description = "Linear warm-up length in steps (default: one epoch; the iwae-mnist preset: 10 % of the run)." };
        var klWarmupFraction = new Option<double>("--kl-warmup-fraction") { Description = "Linear warm-up over this part of the run's steps, 0 < f ≤ 1 (scales with --epochs; --kl-warmup-steps wins)." };
        var klCycles = new Option<int>("--kl-cycles") { Description = $"Cycles of the cyclical schedule over the run. Default {d.KlCycles}." };
        var klRatio = new Option<float>("--kl-ratio") { Description = $"Part of each cycle in which the weight rises. Default {Invariant(d.KlRatio)}." };
        var capGamma = new Option<float>("--capacity-gamma") { Description = "Capacity control γ·|KL − C(t)| (Burgess et al. 2018); 0 = off (default)." };
        var capMax = new Option<float>("--capacity-max") { Description = $"Final capacity C in nats. Default {Invariant(d.CapacityMax)}." };
        var capSteps = new Option<int>("--capacity-steps") { Description = $"Steps over which C rises from 0 to its maximum. Default {d.CapacitySteps}." };
        var freeBits = new Option<float>("--free-bits") { Description = "Free bits λ per latent dimension in nats (Kingma et al. 2016); 0 = off (default)." };
        var lrSchedule = CommonOptions.Choice<LrScheduleKind>("--lr-schedule", "constant, iwae (the IWAE paper's 10^(−i/7) stages compressed to the run) or cosine. Default constant.");
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop after the epoch during which this much training time has passed (a time budget)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run folder RUN from its last checkpoint, with its own configuration (same bits as an uninterrupted run)." };
        var checkpointMinutes = new Option<double?>("--checkpoint-minutes") { Description = "Also checkpoint within an epoch every M minutes (checkpoints are always written at epoch ends and on Ctrl-C)." };
        var onNonFinite = CommonOptions.Choice<NonFinitePolicy>("--on-nonfinite", "On a non-finite loss or gradient: stop (default, with a diagnosis), skip-batch, or rollback (to the last checkpoint with the learning rate halved, at most 3 times).");
        var maxRollbacks = new Option<int>("--max-rollbacks") { Description = "With --on-nonfinite rollback: how many times at most (default 3)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Train into a folder that already holds a run, replacing its files (otherwise such a folder is refused)." };
        var normalClasses = new Option<string?>("--normal-classes") { Description = "Train (and test) on the examples of these classes only, comma-separated labels (the normal data of 'vae detect'), e.g. 0 or 0,1." };
        var trainNoise = new Option<string?>("--train-noise") { Description = "Denoising VAE (Im et al. 2017): corrupt each training input with gaussian:SIGMA, salt-pepper:P or mask:P and reconstruct the clean one." };
        var codebookSize = new Option<int>("--codebook-size") { Description = "vq-vae: K, the number of codebook vectors. Default 512 (the vqvae presets: 256)." };
        var codeDim = new Option<int>("--code-dim") { Description = "vq-vae: D, the dimension of each code vector (the run's latent_dim; the same as --latent-dim). Default 20 (the vqvae presets: 16)." };
        var commitment = new Option<float>("--commitment") { Description = "vq-vae: β, the weight of the commitment term ‖z_e − sg[e]‖². Default 0.25." };
        var codebookUpdate = CommonOptions.Choice<CodebookUpdate>("--codebook-update", "vq-vae: loss (the codebook term ‖sg[z_e] − e‖² trains it) or ema (exponential moving averages, decay --ema-decay, no codebook term). Default loss (the vqvae presets: ema).");
        var emaDecay = new Option<float>("--ema-decay") { Description = "vq-vae with --codebook-update ema: the decay γ. Default 0.99." };
        var deadCodes = CommonOptions.Choice("--dead-code-restart", "vq-vae: on (default) restarts a code that no encoder output chose for --dead-code-steps steps at a random encoder output of the batch; off keeps it.", ["on", "off"]);
        var deadCodeSteps = new Option<int>("--dead-code-steps") { Description = "vq-vae: steps without an assignment after which a code is dead. Default 100." };
        var residualBlocks = new Option<int>("--residual-blocks") { Description = "vq-vae: residual blocks in the encoder and in the decoder. Default 2." };
        var residualChannels = new Option<int>("--residual-channels") { Description = "vq-vae: hidden channels of a residual block. Default 32." };
        var clipGrad = new Option<float?>("--clip-grad") { Description = "Clip the gradients' total L2 norm to this value before each step (default: no clipping)." };

        var cmd = new Command("train", "Train a model and write a run folder (config.json, model.safetensors, metrics.csv, PNG grids).")
        {
            data, dataDir, family, conditional, epochs, batch, lr, adamEps, latent, latentSizes, hidden, activation, beta, likelihood, gaussianStd, binarize, seed, threads, output,
            trainLimit, testLimit, json, arch, channels, kernel, batchNorm, preset, objective, iwaeK, klSchedule, klWarmup, klWarmupFraction, klCycles, klRatio,
            capGamma, capMax, capSteps, freeBits, lrSchedule, optimizer, maxMinutes, resume, checkpointMinutes, clipGrad, overwrite, onNonFinite, maxRollbacks,
            normalClasses, trainNoise, tcAlpha, tcGamma, tcEstimator, factorGamma, discLr, dipOd, dipD,
            codebookSize, codeDim, commitment, codebookUpdate, emaDecay, deadCodes, deadCodeSteps, residualBlocks, residualChannels,
        };
        dataOptions.AddTo(cmd);
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            T? Given<T>(Option<T> o) where T : struct => p.GetResult(o) is { Implicit: false } ? p.GetValue(o) : null;
            T? Typed<T>(Option<string> o) where T : struct, Enum => p.GetValue(o) is string s ? Serialization.ConfigJson.Parse<T>(s, o.Name) : null;
            foreach (var (o, optionName) in new[] { (epochs, "--epochs"), (batch, "--batch-size"), (latent, "--latent-dim"), (iwaeK, "--iwae-k"),
                (codebookSize, "--codebook-size"), (codeDim, "--code-dim"), (deadCodeSteps, "--dead-code-steps"), (residualChannels, "--residual-channels") })
                if (Given(o) is int v) CommonOptions.Positive(v, optionName);
            if (Given(lr) is float lrValue && (!(lrValue > 0f) || float.IsInfinity(lrValue))) throw new UsageException($"--lr {lrValue}: expected a positive number.");
            if (Given(beta) is float betaValue && (!(betaValue >= 0f) || float.IsInfinity(betaValue))) throw new UsageException($"--beta {betaValue}: expected a number ≥ 0.");
            if (Given(gaussianStd) is float stdValue && !(stdValue > 0f)) throw new UsageException($"--gaussian-std {stdValue}: expected a positive number.");
            if (p.GetValue(trainNoise) is string tn)
                try { Applications.NoiseSpec.Parse(tn); }
                catch (ArgumentException e) { throw new UsageException($"--train-{e.Message}"); }
            if (Given(latent) is int ld && Given(codeDim) is int cd && ld != cd) throw new UsageException($"--latent-dim {ld} and --code-dim {cd}: for a vq-vae both are D; give one.");
            if (Given(residualBlocks) is < 0) throw new UsageException($"--residual-blocks {p.GetValue(residualBlocks)}: expected 0 or more.");
            if (p.GetValue(trainLimit) is <= 0) throw new UsageException("--train-limit: expected a positive integer.");
            if (p.GetValue(testLimit) is <= 0) throw new UsageException("--test-limit: expected a positive integer.");
            if (p.GetValue(maxMinutes) is double mm && !(mm > 0)) throw new UsageException("--max-minutes: expected a positive number of minutes.");
            if (p.GetValue(checkpointMinutes) is double cm && !(cm > 0)) throw new UsageException("--checkpoint-minutes: expected a positive number of minutes.");
            if (p.GetValue(resume) is string resumePath)
            {
                // A resumed run keeps its own configuration: any option that would change its results is refused by name.
                Option[] allowed = [resume, threads, json, dataDir, maxMinutes, checkpointMinutes];
                var given = cmd.Options.Where(o => !allowed.Contains(o) && p.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (given.Count > 0)
                    throw new UsageException($"--resume {resumePath}: the run keeps the configuration in its config.json; {string.Join(", ", given)} would change it (start a new run to change settings).");
                var saved = Serialization.RunFolder.ReadConfig(Path.Combine(resumePath, Serialization.RunFolder.ConfigFile));
                var (savedTrain, savedTest) = LoadData(console, saved, p.GetValue(dataDir));
                var resumeOptions = new RunOptions
                {
                    MaxMinutes = p.GetValue(maxMinutes) ?? saved.MaxMinutes, CheckpointMinutes = p.GetValue(checkpointMinutes),
                    LatentPictures = saved.Preset is string presetName && TrainingPreset.Find(presetName).Defaults.LatentPictures == true,
                };
                using var resumed = TrainingRun.Resume(resumePath, savedTrain, savedTest, resumeOptions);
                return Train(console, resumed, p.GetValue(json));
            }
            string dataName = p.GetValue(data)!;
            // A path is kept whole, so the run reads it from anywhere; a set's name wins over a folder of that name here.
            if (!DatasetCatalog.Names.Contains(dataName.ToLowerInvariant()) && (File.Exists(dataName) || Directory.Exists(dataName))) dataName = Path.GetFullPath(dataName);
            var options = dataOptions.Parse(p);
            var request = new TrainingRequest
            {
                Family = p.GetValue(family), Conditional = p.GetValue(conditional) ? true : null,
                Body = Typed<NetworkBody>(arch), Hidden = p.GetValue(hidden) is string h ? CommonOptions.ParseWidths(h, "--hidden") : null,
                Activation = Typed<HiddenActivation>(activation), Channels = p.GetValue(channels) is string c ? CommonOptions.ParseWidths(c, "--channels") : null,
                KernelSize = Given(kernel), BatchNorm = p.GetValue(batchNorm) ? true : null, LatentDim = Given(latent) ?? Given(codeDim),
                LatentSizes = p.GetValue(latentSizes) is string ls ? CommonOptions.ParseWidths(ls, "--latent-sizes") : null,
                Likelihood = Typed<LikelihoodKind>(likelihood), GaussianStd = Given(gaussianStd), Beta = Given(beta),
                Epochs = Given(epochs), BatchSize = Given(batch), LearningRate = Given(lr), AdamEpsilon = Given(adamEps),
                Binarize = Typed<Binarization>(binarize), LrSchedule = Typed<LrScheduleKind>(lrSchedule), Optimizer = Typed<OptimizerKind>(optimizer), Seed = Given(seed),
                Objective = Typed<ObjectiveKind>(objective), IwaeSamples = Given(iwaeK), KlSchedule = Typed<KlScheduleKind>(klSchedule),
                KlWarmupSteps = Given(klWarmup), KlWarmupFraction = Given(klWarmupFraction), KlCycles = Given(klCycles), KlRatio = Given(klRatio), CapacityGamma = Given(capGamma),
                CapacityMax = Given(capMax), CapacitySteps = Given(capSteps), FreeBits = Given(freeBits), MaxMinutes = p.GetValue(maxMinutes),
                ClipGradNorm = p.GetValue(clipGrad), OnNonFinite = Typed<NonFinitePolicy>(onNonFinite), MaxRollbacks = Given(maxRollbacks),
                TrainNoise = p.GetValue(trainNoise),
                TcAlpha = Given(tcAlpha), TcGamma = Given(tcGamma), TcEstimator = Typed<TcEstimator>(tcEstimator), FactorGamma = Given(factorGamma),
                DiscriminatorLearningRate = Given(discLr), DipLambdaOffDiagonal = Given(dipOd), DipLambdaDiagonal = Given(dipD),
                CodebookSize = Given(codebookSize), Commitment = Given(commitment), CodebookUpdate = Typed<CodebookUpdate>(codebookUpdate), EmaDecay = Given(emaDecay),
                DeadCodeRestart = p.GetValue(deadCodes) is string dc ? dc == "on" : null, DeadCodeSteps = Given(deadCodeSteps),
                ResidualBlocks = Given(residualBlocks), ResidualChannels = Given(residualChannels),
            };

            int[]? classes = p.GetValue(normalClasses) is string nc ? CommonOptions.ParseClasses(nc, "--normal-classes") : null;
            var (train, test) = LoadData(console, new Serialization.RunConfig
            {
                Data = dataName, DataOptions = options, TrainLimit = p.GetValue(trainLimit), TestLimit = p.GetValue(testLimit), NormalClasses = classes,
            }, p.GetValue(dataDir));
            if (request.Conditional == true && train.ClassCount == 0) throw new UsageException($"--conditional: the data set {dataName} has no labels.");
            var (config, runOptions) = request.Resolve(train, dataName, p.GetValue(preset) is string name ? TrainingPreset.Find(name) : null);
            config = config with
            {
                TrainLimit = p.GetValue(trainLimit), TestLimit = p.GetValue(testLimit), MaxMinutes = p.GetValue(maxMinutes), DataOptions = options, NormalClasses = classes,
            };
            using var run = TrainingRun.Start(p.GetValue(output) ?? Path.Combine("runs", train.Name + "-vae"), config, train, test,
                runOptions with { CheckpointMinutes = p.GetValue(checkpointMinutes), Overwrite = p.GetValue(overwrite) });
            return Train(console, run, p.GetValue(json));
        }));
        return cmd;
    }

    // The run's data as its config says (a resumed table run encodes with its own schema; --normal-classes keeps those
    // classes of both splits); lists what --skip-bad left out.
    private static (IDataset Train, IDataset Test) LoadData(CliConsole console, Serialization.RunConfig config, string? dataDir)
    {
        var (train, test) = DatasetCatalog.Load(config, dataDir);
        DataOptionSet.ReportSkipped(console, train);
        IDataset tr = config.TrainLimit is int tl ? train.Take(tl) : train, te = config.TestLimit is int tel ? test.Take(tel) : test;
        if (config.NormalClasses is not int[] normalClasses) return (tr, te);
        try
        {
            return (SubsetDataset.OfClasses(tr, normalClasses), SubsetDataset.OfClasses(te, normalClasses));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--normal-classes: {e.Message}");
        }
    }

    private static int Train(CliConsole console, TrainingRun run, bool json)
    {
        int epochs = run.Config.Training.Epochs;
        if (run.Finished)
        {
            console.Line($"{run.Folder.Path}: the run is complete ({run.Epochs.Count} of {epochs} epochs); nothing to resume.");
            return VaeCli.Ok;
        }
        if (!json)
        {
            console.Line(run.Header);
            console.Line(run.ObjectiveDescription);
        }
        // Ctrl-C or SIGTERM: finish the step, checkpoint, say how to resume; a second Ctrl-C stops at once (the last
        // complete checkpoint stays valid).
        int signalExit = 0;
        void OnSignal(PosixSignalContext context)
        {
            int code = context.Signal == PosixSignal.SIGTERM ? 143 : 130;
            if (Interlocked.CompareExchange(ref signalExit, code, 0) != 0 && context.Signal == PosixSignal.SIGINT)
            {
                // A second Ctrl-C: stop now. The last complete checkpoint stays valid; give the terminal its cursor back.
                if (console.Interactive) Console.Write("\u001b[?25h");
                run.Dispose();
                Environment.Exit(130);
            }
            context.Cancel = true;
            run.RequestStop();
        }
        if (!json) run.Notice += console.Line;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        string? error = null;
        IReadOnlyList<string> written = [];
        try
        {
            while (!run.Finished)
            {
                var report = console.Interactive && !json ? WithProgressBar(run, epochs) : run.RunEpoch();
                if (!json && report is not null) console.Line(report.Format(epochs));
                if (!json && run.StopReason is string reason) console.Line(reason);
            }
            if (!run.Interrupted) written = run.Complete();
        }
        catch (TrainingDivergedException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Engine.IO.FileFormatException or InvalidDataException)
        {
            // The inputs were fine when the run started: a failed write (a full disk, a folder made read-only) is a runtime error.
            error = $"writing the run folder failed: {e.Message} The files written before stay as they were; " +
                    $"once the cause is fixed, 'vae train --resume {run.Folder.Path}' continues from the last checkpoint.";
        }
        int exit = error is not null ? VaeCli.RuntimeError : run.Interrupted ? (signalExit == 0 ? 130 : signalExit) : VaeCli.Ok;
        if (json)
        {
            // One document whatever happened, so a script can tell a finished run from a stopped or failed one.
            console.Line(JsonSerializer.Serialize(new
            {
                run = run.Folder.Path, family = run.Model.Family, objective = run.ObjectiveDescription, epochs = run.Epochs.Select(JsonOut.Epoch),
                files = written, interrupted = run.Interrupted, stop_reason = run.StopReason, error,
                skipped_batches = run.Trainer.SkippedBatches, rollbacks = run.Trainer.Rollbacks,
            }, JsonOut.Options));
            if (error is not null) console.Error($"error: {error}");
            return exit;
        }
        if (error is not null)
        {
            console.Error($"error: {error}");
            return exit;
        }
        if (run.Trainer.SkippedBatches > 0)
            console.Line($"Skipped {run.Trainer.SkippedBatches} batches whose loss or gradient was not finite (--on-nonfinite skip-batch).");
        if (run.Interrupted) return exit;
        if (written.Count > 0) console.Line($"Wrote {string.Join(" and ", written)} to {run.Folder.Path}");
        if (run.Train is MappedImageDataset mapped && mapped.ReadSeconds > 0)
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"Read {mapped.BytesRead / 1e6:F1} MB of training images from the imported file in {mapped.ReadSeconds:F2} s ({mapped.BytesRead / 1e6 / mapped.ReadSeconds:F0} MB/s, {mapped.BytesRead / (double)(mapped.ExampleShape.Aggregate(1, (a, b) => a * b)) / mapped.ReadSeconds:F0} images/s)."));
        if (run.Epochs.Count > 0)
            console.Line(string.Create(CultureInfo.InvariantCulture, $"Done. Test loss {run.Epochs[^1].TestLoss:F2} nats per example. Run folder: {run.Folder.Path}"));
        return exit;
    }

    private static EpochReport? WithProgressBar(TrainingRun run, int epochs)
    {
        EpochReport? result = null;
        int epoch = run.Epochs.Count + 1;
        AnsiConsole.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"Epoch {epoch}/{epochs}");
                long lastUpdate = 0;
                result = run.RunEpoch((step, total, loss) =>
                {
                    // At most ten updates a second: the bar is for a person, the step is hot.
                    long now = Environment.TickCount64;
                    if (now - lastUpdate < 100 && step < total) return;
                    lastUpdate = now;
                    task.MaxValue = total;
                    task.Value = step;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}/{epochs} loss {loss:F2}");
                });
            });
        return result;
    }

    private static string Invariant(float? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
