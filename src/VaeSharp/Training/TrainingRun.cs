using System.Globalization;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Training;

/// <summary>
/// A training run in a run folder, epoch by epoch: after every epoch the folder holds the current
/// <c>model.safetensors</c>, <c>metrics.csv</c> (columns from the objective's loss terms), <c>loss.png</c> (its curves so far),
/// <c>reconstruction_E.png</c>,
/// <c>sample_E.png</c> and <c>config.json</c> with the epochs completed, so a run stopped at any point is a usable
/// run. Front ends (the CLI, the explorer) create one, call <see cref="RunEpoch"/> until <see cref="Finished"/>,
/// and show what it reports; then <see cref="Complete"/>.
/// </summary>
public sealed class TrainingRun
{
    private readonly List<EpochReport> _epochs = [];
    private readonly int[] _reconstructionIndices;
    private double _trainingSeconds;

    private TrainingRun(RunFolder folder, RunConfig config, RunOptions options, IDataset train, IDataset test)
    {
        Folder = folder;
        Config = config;
        Options = options;
        Train = train;
        Test = test;
        Model = ModelFamilies.Create(config.Model);
        Trainer = new Trainer(Model, config.Training);
        _reconstructionIndices = Enumerable.Range(0, Math.Min(options.ReconstructionCount, test.Count)).ToArray();
    }

    /// <summary>Creates (or reuses) the folder <paramref name="path"/>, builds the model and writes config.json.</summary>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    /// <exception cref="ArgumentException">The data does not fit the configuration.</exception>
    public static TrainingRun Start(string path, RunConfig config, IDataset train, IDataset test, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        BatchLoader.CheckShape(train, config.Model.InputShape);
        BatchLoader.CheckShape(test, config.Model.InputShape);
        var run = new TrainingRun(RunFolder.Create(path), config, options ?? new RunOptions(), train, test);
        run.Folder.SaveConfig(config);
        return run;
    }

    /// <summary>The run folder.</summary>
    public RunFolder Folder { get; }

    /// <summary>The configuration (as saved, without the epoch count).</summary>
    public RunConfig Config { get; }

    /// <summary>How the run is carried out.</summary>
    public RunOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public LatentVariableModel Model { get; }

    /// <summary>The trainer.</summary>
    public Trainer Trainer { get; }

    /// <summary>The training set.</summary>
    public IDataset Train { get; }

    /// <summary>The test set.</summary>
    public IDataset Test { get; }

    /// <summary>The epochs completed so far.</summary>
    public IReadOnlyList<EpochReport> Epochs => _epochs;

    /// <summary>True when all epochs ran or the time budget ended the run.</summary>
    public bool Finished => _epochs.Count >= Config.Training.Epochs || StopReason is not null;

    /// <summary>Why the run stopped before its last epoch, or null.</summary>
    public string? StopReason { get; private set; }

    /// <summary>"Training a VAE on mnist: 60000 train / 10000 test examples, 652,824 parameters, latent 20, 10 epochs, batch 128, 2 threads → runs/mnist-vae".</summary>
    public string Header => string.Create(CultureInfo.InvariantCulture,
        $"Training a {Model.Description} on {Config.Data}: {Train.Count} train / {Test.Count} test examples, {Model.ParameterCount():N0} parameters, " +
        $"latent {Model.LatentDim}, {Config.Training.Epochs} epochs, batch {Config.Training.BatchSize}, {Engine.EngineSettings.Threads} threads → {Folder.Path}");

    /// <summary>How the reported Loss is made of the terms (the objective's own words).</summary>
    public string ObjectiveDescription => Trainer.Objective(Train.Count).Describe(Model);

    /// <summary>Trains the next epoch and writes the folder's files.</summary>
    /// <param name="progress">Called after each step with (steps done, steps in the epoch, running loss).</param>
    /// <exception cref="InvalidOperationException">The run has finished.</exception>
    public EpochReport RunEpoch(Action<int, int, double>? progress = null)
    {
        if (Finished) throw new InvalidOperationException("The run has finished.");
        int epoch = _epochs.Count + 1;
        var report = Trainer.TrainEpoch(epoch, Train, Test, progress);
        _epochs.Add(report);
        Folder.SaveModel(Model);
        Folder.AppendMetrics(report);
        Folder.SaveLossChart(_epochs, $"{Model.Description} on {Config.Data}: loss per epoch");
        SaveGrids(epoch);
        Folder.SaveConfig(Config with { EpochsCompleted = epoch });
        _trainingSeconds += report.Seconds;
        if (Options.MaxMinutes is double limit && _trainingSeconds >= limit * 60 && epoch < Config.Training.Epochs)
            StopReason = string.Create(CultureInfo.InvariantCulture,
                $"Time budget of {limit} minutes reached after epoch {epoch} ({_trainingSeconds / 60:F1} min of training); stopping.");
        return report;
    }

    /// <summary>Runs every remaining epoch, calling <paramref name="onEpoch"/> after each, then <see cref="Complete"/>.</summary>
    public IReadOnlyList<string> RunToEnd(Action<EpochReport>? onEpoch = null, Action<int, int, double>? progress = null, CancellationToken cancel = default)
    {
        while (!Finished && !cancel.IsCancellationRequested)
        {
            var report = RunEpoch(progress);
            onEpoch?.Invoke(report);
        }
        return Complete();
    }

    /// <summary>Writes what comes after training (the latent pictures, when asked for) and returns the files written.</summary>
    public IReadOnlyList<string> Complete()
    {
        if (!Options.LatentPictures || Model.LatentDim < 2 || _epochs.Count == 0) return [];
        var written = new List<string>();
        if (!Model.IsConditional)
        {
            LatentGrid.SavePng(Folder.File("latent_grid.png"), Model);
            written.Add("latent_grid.png");
        }
        var embedding = LatentEmbedding.Compute(Model, Test);
        using (var scatter = embedding.Plot(title: $"{Test.Name} test set: posterior means E[z|x]"))
            scatter.SavePng(Folder.File("latent_scatter.png"));
        written.Add("latent_scatter.png");
        return written;
    }

    private void SaveGrids(int epoch)
    {
        var shape = Model.InputShape;
        var (originals, recon) = Generation.Reconstruct(Model, Test, _reconstructionIndices);
        Folder.SaveGrid($"reconstruction_{epoch}.png", Generation.ComparisonRows(originals, recon), 2 * _reconstructionIndices.Length, shape, _reconstructionIndices.Length);
        ulong seed = Config.Training.Seed;
        if (Model.IsConditional)
        {
            var (byLabel, labels) = Generation.SampleByLabel(Model, 10, seed);
            Folder.SaveGrid($"sample_{epoch}.png", byLabel, labels.Length, shape, 10);
        }
        else
        {
            Folder.SaveGrid($"sample_{epoch}.png", Generation.Sample(Model, 64, seed), 64, shape, 8);
        }
    }
}
