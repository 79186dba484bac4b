using System.Diagnostics;
using System.Globalization;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.IO;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Training;

/// <summary>
/// A training run in a run folder, epoch by epoch: after every epoch the folder holds the current
/// <c>model.safetensors</c>, <c>metrics.csv</c> (columns from the objective's loss terms), <c>loss.png</c> (its curves so
/// far), <c>reconstruction_E.png</c>, <c>sample_E.png</c>, <c>config.json</c> with the epochs completed, and a
/// <see cref="Checkpoint"/> — also every <see cref="RunOptions.CheckpointMinutes"/> within an epoch and when the run is
/// stopped — from which <see cref="Resume"/> continues to the same bits. One process at a time owns the folder (a
/// <c>.lock</c> file with its pid). Front ends create one, call <see cref="RunEpoch"/> until <see cref="Finished"/>, show
/// what it reports, then <see cref="Complete"/> and dispose it.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    private readonly List<EpochReport> _epochs = [];
    private readonly int[] _reconstructionIndices;
    private readonly RunLock _lock;
    private double _trainingSeconds;
    private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();
    private volatile bool _stopRequested;

    private TrainingRun(RunFolder folder, RunConfig config, RunOptions options, IDataset train, IDataset test, LatentVariableModel model, RunLock runLock)
    {
        Folder = folder;
        Config = config;
        Options = options;
        Train = train;
        Test = test;
        Model = model;
        _lock = runLock;
        Trainer = new Trainer(Model, config.Training);
        _reconstructionIndices = Enumerable.Range(0, Math.Min(options.ReconstructionCount, test.Count)).ToArray();
    }

    /// <summary>Creates (or reuses) the folder <paramref name="path"/>, builds the model and writes config.json.</summary>
    /// <exception cref="IOException">The folder cannot be written, or another process is training in it.</exception>
    /// <exception cref="ArgumentException">The data does not fit the configuration.</exception>
    public static TrainingRun Start(string path, RunConfig config, IDataset train, IDataset test, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new RunOptions();
        var model = Prepare(config, options, train, test);
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(e => !Path.GetFileName(e).StartsWith('.')) && !options.Overwrite)
            throw new IOException($"'{path}' already holds files{(File.Exists(Path.Combine(path, RunFolder.ConfigFile)) ? " (a run)" : "")}: " +
                "--overwrite replaces that run, --resume continues it, or name another folder with --out.");
        var folder = RunFolder.Create(path);
        var runLock = RunLock.Acquire(folder.Path);
        try
        {
            if (options.Overwrite) folder.ClearRun();
            var run = new TrainingRun(folder, config, options, train, test, model, runLock);
            folder.SaveConfig(config);
            run.SaveCheckpoint();   // step 0: a run killed in its first epoch resumes
            run.KeepRollbackPoint();
            return run;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Continues the run at <paramref name="path"/> from its last checkpoint, with the run's own configuration:
    /// the weights, the optimiser, every random stream and the epoch in progress come back, so the run ends with the
    /// same bits as one never interrupted. <paramref name="train"/> and <paramref name="test"/> must be the run's data.</summary>
    /// <exception cref="FileFormatException">The run has no checkpoint, or a file of it is malformed.</exception>
    public static TrainingRun Resume(string path, IDataset train, IDataset test, RunOptions? options = null)
    {
        if (!Directory.Exists(path)) throw new FileFormatException(path, "run folder not found");
        var config = RunFolder.ReadConfig(Path.Combine(path, RunFolder.ConfigFile));
        string checkpoint = Checkpoint.Find(path) ?? throw new FileFormatException(Path.Combine(path, Checkpoint.FolderName),
            "no checkpoint to resume from (the run was written before checkpoints, or never finished a step)");
        if (config.Training.Objective.Objective == Objectives.ObjectiveKind.FactorVae)
            throw new ArgumentException($"{path}: a factor-vae run cannot be resumed: its discriminator (and its optimiser) is not in the checkpoint, so the run would not continue as it was. Start a new run.");
        options ??= new RunOptions();
        var model = Prepare(config, options, train, test);
        var folder = RunFolder.Create(path);
        var runLock = RunLock.Acquire(folder.Path);
        try
        {
            var run = new TrainingRun(folder, config, options, train, test, model, runLock);
            var state = Checkpoint.Restore(checkpoint, run.Trainer, train);
            run._epochs.AddRange(state.Epochs);
            run._trainingSeconds = state.TrainingSeconds;
            folder.RestoreMetrics(state.Epochs);
            run.KeepRollbackPoint();   // a rollback after resuming goes back to where the run was resumed or a later epoch end
            return run;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    private static LatentVariableModel Prepare(RunConfig config, RunOptions options, IDataset train, IDataset test)
    {
        if (train.Count == 0 || test.Count == 0) throw new ArgumentException($"Data set {train.Name}: the {(train.Count == 0 ? "training" : "test")} set is empty.");
        if (options.ReconstructionCount < 1) throw new ArgumentException($"reconstruction_count {options.ReconstructionCount}: expected a positive number of test images.");
        if (options.CheckpointMinutes is double m && !(m > 0)) throw new ArgumentException($"checkpoint_minutes {m}: expected a positive number of minutes.");
        var model = ModelFamilies.Create(config.Model);
        BatchLoader.CheckFits(train, model);
        BatchLoader.CheckFits(test, model);
        return model;
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

    /// <summary>True when all epochs ran, the time budget ended the run, or a stop was requested and taken.</summary>
    public bool Finished => _epochs.Count >= Config.Training.Epochs || StopReason is not null;

    /// <summary>Why the run stopped before its last epoch, or null.</summary>
    public string? StopReason { get; private set; }

    /// <summary>True when the run stopped on <see cref="RequestStop"/> (it can be resumed).</summary>
    public bool Interrupted { get; private set; }

    /// <summary>"Training a VAE on mnist: 60000 train / 10000 test examples, 652,824 parameters, latent 20, 10 epochs, batch 128, 2 threads → runs/mnist-vae".</summary>
    public string Header => string.Create(CultureInfo.InvariantCulture,
        $"{(Trainer.Step > 0 ? $"Resuming after {Trainer.Step} steps (in epoch {Trainer.EpochsCompleted + 1}): t" : "T")}raining a {Model.Description}{(Config.Training.Objective.IsDisentangling ? $" with the {Serialization.ConfigJson.Name(Config.Training.Objective.Objective)} objective" : "")} on {Config.Data}: " +
        $"{Train.Count} train / {Test.Count} test examples, {Model.ParameterCount():N0} parameters, " +
        $"latent {Model.LatentDim}, {Config.Training.Epochs} epochs, batch {Config.Training.BatchSize}{(Config.Training.Optimizer == OptimizerKind.Adam ? "" : ", " + Config.Training.Optimizer)}, {Engine.EngineSettings.Threads} threads → {Folder.Path}");

    /// <summary>How the reported Loss is made of the terms (the objective's own words).</summary>
    public string ObjectiveDescription => Trainer.Objective(Train.Count).Describe(Model);

    /// <summary>Asks the run to stop after the step in progress (thread-safe; a signal handler may call it). The next
    /// <see cref="RunEpoch"/> returns null after writing a checkpoint.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Trains the next epoch (or the rest of the one in progress) and writes the folder's files.</summary>
    /// <param name="progress">Called after each step with (steps done, steps in the epoch, running loss).</param>
    /// <returns>The epoch's figures, or null when <see cref="RequestStop"/> stopped it within the epoch (a checkpoint is written).</returns>
    /// <exception cref="InvalidOperationException">The run has finished.</exception>
    /// <exception cref="TrainingDivergedException">A step went non-finite; the last checkpoint is intact.</exception>
    public EpochReport? RunEpoch(Action<int, int, double>? progress = null)
    {
        if (Finished) throw new InvalidOperationException("The run has finished.");
        int epoch = _epochs.Count + 1;
        EpochReport? report;
        while (true)
        {
            try
            {
                report = Trainer.ContinueEpoch(epoch, Train, Test, StepHook, progress);
                break;
            }
            catch (TrainingDivergedException e) when (Config.Training.OnNonFinite == NonFinitePolicy.Rollback
                && Trainer.Rollbacks < Config.Training.MaxRollbacks && _rollbackPoint is { } point && point.State.Trainer.Step < e.Step)
            {
                RollBack(point, e);
                epoch = _epochs.Count + 1;
            }
        }
        if (report is null)
        {
            SaveCheckpoint();
            Interrupt(epoch);
            return null;
        }
        _epochs.Add(report);
        _trainingSeconds += report.Seconds;
        Folder.SaveModel(Model);
        Folder.AppendMetrics(report);
        Folder.SaveLossChart(_epochs, $"{Model.Description} on {Config.Data}: loss per epoch");
        SaveGrids(epoch);
        Folder.SaveConfig(Config with { EpochsCompleted = epoch });
        SaveCheckpoint();
        KeepRollbackPoint();
        if (Options.MaxMinutes is double limit && _trainingSeconds >= limit * 60 && epoch < Config.Training.Epochs)
            StopReason = string.Create(CultureInfo.InvariantCulture,
                $"Time budget of {limit} minutes reached after epoch {epoch} ({_trainingSeconds / 60:F1} min of training); stopping.");
        else if (_stopRequested && epoch < Config.Training.Epochs) Interrupt(epoch + 1);
        return report;
    }

    /// <summary>Messages about what the run did on its own (a rollback); the CLI prints them.</summary>
    public event Action<string>? Notice;

    // The rollback point: the state at the start and at the end of every epoch (or where a resumed run began), held in
    // memory, so a rollback goes to the same place in an uninterrupted and a resumed run whatever timed checkpoints did.
    private sealed record RollbackPoint(Checkpoint.State State, float[] Weights, IReadOnlyDictionary<string, float[]> Optimizer);
    private RollbackPoint? _rollbackPoint;

    private void KeepRollbackPoint()
    {
        if (Config.Training.OnNonFinite != NonFinitePolicy.Rollback) return;
        var weights = Model.StateDict().SelectMany(e => e.Tensor.ToArray()).ToArray();
        _rollbackPoint = new RollbackPoint(new Checkpoint.State(Checkpoint.FormatVersion, Trainer.CaptureState(), [.. _epochs], _trainingSeconds),
            weights, Trainer.Optimizer.StateDict());
    }

    // Back to the rollback point with the learning rate halved (NonFinitePolicy.Rollback).
    private void RollBack(RollbackPoint point, TrainingDivergedException cause)
    {
        int taken = Trainer.Rollbacks;
        float scale = Trainer.LearningRateScale;
        int at = 0;
        foreach (var (_, t) in Model.StateDict()) { point.Weights.AsSpan(at, t.Size).CopyTo(t.Data); at += t.Size; }
        Trainer.Optimizer.LoadState(point.Optimizer);
        var state = point.State;
        Trainer.RestoreState(state.Trainer with { Rollbacks = taken, LearningRateScale = scale }, Train);
        Trainer.HalveLearningRateForRollback();
        _epochs.Clear();
        _epochs.AddRange(state.Epochs);
        _trainingSeconds = state.TrainingSeconds;
        Folder.RestoreMetrics(state.Epochs);
        Notice?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"Rollback {Trainer.Rollbacks} of {Config.Training.MaxRollbacks}: back to the state after {Trainer.Step} steps with the learning rate × {Trainer.LearningRateScale} ({cause.Message})"));
    }

    private void Interrupt(int epoch)
    {
        Interrupted = true;
        StopReason = $"Stopped after {Trainer.Step} steps (in epoch {epoch}); checkpoint written. Resume with: vae train --resume {Folder.Path}";
    }

    // Between steps: a timed checkpoint when one is due, and whether to stop.
    private bool StepHook()
    {
        if (Options.CheckpointMinutes is double minutes && _sinceCheckpoint.Elapsed.TotalMinutes >= minutes) SaveCheckpoint();
        return _stopRequested;
    }

    private void SaveCheckpoint()
    {
        Checkpoint.Save(Folder.Path, Model, Trainer.Optimizer, new Checkpoint.State(Checkpoint.FormatVersion, Trainer.CaptureState(), [.. _epochs], _trainingSeconds));
        _sinceCheckpoint.Restart();
    }

    /// <summary>Runs every remaining epoch, calling <paramref name="onEpoch"/> after each, then <see cref="Complete"/>.</summary>
    public IReadOnlyList<string> RunToEnd(Action<EpochReport>? onEpoch = null, Action<int, int, double>? progress = null, CancellationToken cancel = default)
    {
        using var _ = cancel.Register(RequestStop);
        while (!Finished)
        {
            var report = RunEpoch(progress);
            if (report is not null) onEpoch?.Invoke(report);
        }
        return Complete();
    }

    /// <summary>Writes what comes after training (the latent pictures, when asked for) and returns the files written;
    /// nothing when the run was interrupted.</summary>
    public IReadOnlyList<string> Complete()
    {
        if (Interrupted || !Options.LatentPictures || Model.LatentDim < 2 || _epochs.Count == 0) return [];
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

    /// <summary>Releases the folder's lock.</summary>
    public void Dispose() => _lock.Dispose();

    private void SaveGrids(int epoch)
    {
        var shape = Model.InputShape;
        if (shape.Length == 1) return;   // a table's rows are no pictures: `vae sample` and `vae reconstruct` write them as CSV
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
