using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Models;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Cli.Commands;

// vae train-prior RUN: the second stage of a VQ-VAE run — encode its train and test sets to code grids once, fit a gated
// PixelCNN to them (conditional on the labels when the data has them), report train and test NLL per epoch, and save it
// as RUN/prior/ (with a grid of samples), after which 'vae sample' and 'vae eval' use it.
internal static class TrainPriorCommand
{
    public static Command Create(CliConsole console)
    {
        var d = new PriorTrainingRequest();
        var runArg = CommonOptions.RunArgument();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training grids.", DefaultValueFactory = _ => d.Training.Epochs };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => d.Training.LearningRate };
        var batch = new Option<int>("--batch-size") { Description = "Code grids per step.", DefaultValueFactory = _ => d.Training.BatchSize };
        var channels = new Option<int>("--channels") { Description = "Channels C of the PixelCNN's code embedding and stacks.", DefaultValueFactory = _ => d.Channels };
        var layers = new Option<int>("--layers") { Description = "Gated layers (the first of mask type A, 7 × 7; the rest of type B, 3 × 3).", DefaultValueFactory = _ => d.Layers };
        var unconditional = new Option<bool>("--unconditional") { Description = "Do not condition on the labels (by default the prior is class-conditional when the data has labels)." };
        var force = new Option<bool>("--force") { Description = "Replace the run's prior if it has one." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var cmd = new Command("train-prior", "Train the prior of a VQ-VAE run: a gated PixelCNN over its code grids (van den Oord et al. 2016), saved in RUN/prior/; then 'vae sample' draws from it.")
        {
            runArg, epochs, lr, batch, channels, layers, unconditional, force, seed, threads, json, dataDir,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            CommonOptions.Positive(p.GetValue(epochs), "--epochs");
            CommonOptions.Positive(p.GetValue(batch), "--batch-size");
            CommonOptions.Positive(p.GetValue(channels), "--channels");
            CommonOptions.Positive(p.GetValue(layers), "--layers");
            if (!(p.GetValue(lr) > 0f) || !float.IsFinite(p.GetValue(lr))) throw new UsageException($"--lr {p.GetValue(lr).ToString(CultureInfo.InvariantCulture)}: expected a positive number.");
            string runPath = p.GetValue(runArg)!;
            bool overwrite = p.GetValue(force);
            if (PriorFolder.Exists(runPath) && !overwrite)
                throw new UsageException($"{PriorFolder.PathOf(runPath)} exists: {runPath} has a prior already; give --force to replace it.");
            var (config, model) = RunFolder.Load(runPath, loadPrior: false);
            if (model is not VqVae vq)
                throw new UsageException($"{runPath} is a {model.Description} run (family {model.Family}); train-prior trains the code prior of a VQ-VAE (vae train --family vq-vae).");
            var (train, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
            // The examples the VQ-VAE was trained and tested on (vae train --train-limit / --test-limit).
            if (config.TrainLimit is int trainLimit) train = train.Take(trainLimit);
            if (config.TestLimit is int testLimit) test = test.Take(testLimit);
            bool text = !p.GetValue(json);
            var request = new PriorTrainingRequest
            {
                Channels = p.GetValue(channels), Layers = p.GetValue(layers), Conditional = !p.GetValue(unconditional), Seed = p.GetValue(seed), Overwrite = overwrite,
                Training = new PriorTrainingOptions { Epochs = p.GetValue(epochs), LearningRate = p.GetValue(lr), BatchSize = p.GetValue(batch) },
            };
            var result = PriorTraining.Run(runPath, vq, train, test, request,
                started: (trainGrids, testGrids, prior, seconds) =>
                {
                    if (!text) return;
                    console.Line(string.Create(CultureInfo.InvariantCulture,
                        $"Encoded {trainGrids.Count} training and {testGrids.Count} test examples of {config.Data} to {vq.GridHeight} × {vq.GridWidth} grids of {vq.CodebookSize} codes in {seconds:F1} s"));
                    console.Line(string.Create(CultureInfo.InvariantCulture,
                        $"Prior: {prior.Description} ({prior.ParameterCount():N0} parameters); Adam, lr {request.Training.LearningRate}, batch {request.Training.BatchSize}, {request.Training.Epochs} epochs, seed {request.Seed}"));
                    if (!prior.Config.IsConditional && train.ClassCount > 0)
                        console.Line("Unconditional (--unconditional): 'vae sample' will take no --label.");
                },
                epochDone: report =>
                {
                    if (text) console.Line(report.Format(request.Training.Epochs));
                });
            var last = result.Epochs[^1];
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    run = runPath, prior = result.Folder, samples = result.SamplesFile, description = result.Prior.Description,
                    parameters = result.Prior.ParameterCount(), conditional = result.Prior.Config.IsConditional, class_count = result.Prior.ClassCount,
                    train_grids = result.Record.TrainGrids, test_grids = result.Record.TestGrids, seconds = result.Record.Seconds,
                    test_nll = last.TestNll, test_bits_per_code = last.TestBitsPerCode, test_bits_per_pixel = last.TestBitsPerPixel,
                    epochs = result.Epochs.Select(e => new
                    {
                        epoch = e.Epoch, train_nll = e.TrainNll, test_nll = e.TestNll, train_bits_per_code = e.TrainBitsPerCode,
                        test_bits_per_code = e.TestBitsPerCode, test_bits_per_pixel = e.TestBitsPerPixel, seconds = e.Seconds,
                    }),
                }, JsonOut.Options));
                return VaeCli.Ok;
            }
            console.Line(string.Create(CultureInfo.InvariantCulture, $"Saved the prior to {result.Folder} ({result.Record.Seconds:F1} s of training) and a grid of its samples to {result.SamplesFile}"));
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
