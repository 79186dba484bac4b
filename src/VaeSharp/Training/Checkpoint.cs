using System.Text.Json;
using System.Text.Json.Serialization;
using VaeSharp.Data;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Serialization;

namespace VaeSharp.Training;

/// <summary>
/// A run folder's <c>checkpoint/</c>: the model's weights (<c>model.safetensors</c>), the optimiser's state
/// (<c>optimizer.safetensors</c>) and <c>state.json</c> — the trainer's position (step, epoch, every random stream,
/// the epoch in progress), the epochs reported so far and the training time. Written whole into
/// <c>checkpoint.new/</c>, each file flushed to disk, then swapped in by renames; the previous checkpoint stays until
/// the new one is complete, so a crash at any moment leaves one whole checkpoint.
/// </summary>
public static class Checkpoint
{
    /// <summary>The checkpoint folder's name in a run folder.</summary>
    public const string FolderName = "checkpoint";

    /// <summary>The version of state.json this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const string ModelFile = "model.safetensors", OptimizerFile = "optimizer.safetensors", StateFile = "state.json";

    // Strict, like config.json: a key twice, a key unknown, a field missing or null where it may not be is refused, not
    // read as a default (a missing random stream would otherwise come back as a position no generator can be in).
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a loss can be NaN before divergence is caught
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>What a checkpoint holds besides the weights and the optimiser state.</summary>
    /// <param name="FormatVersion">state.json's version.</param>
    /// <param name="Trainer">The trainer's position.</param>
    /// <param name="Epochs">The epochs reported so far.</param>
    /// <param name="TrainingSeconds">Training time so far (for the time budget).</param>
    public sealed record State(int FormatVersion, TrainerState Trainer, IReadOnlyList<EpochReport> Epochs, double TrainingSeconds);

    /// <summary>Writes the checkpoint into the run folder <paramref name="runPath"/>.</summary>
    public static void Save(string runPath, Module model, Optimizer optimizer, State state)
    {
        string final = Path.Combine(runPath, FolderName), fresh = final + ".new", old = final + ".old";
        // A crash between the two renames of the last save left only checkpoint.old: make it the checkpoint again first,
        // so there is a readable one throughout this save.
        if (!Directory.Exists(final) && File.Exists(Path.Combine(old, StateFile))) Directory.Move(old, final);
        if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        Directory.CreateDirectory(fresh);
        ModelIO.Save(model, Path.Combine(fresh, ModelFile));
        var tensors = optimizer.StateDict().Select(e => new SafeTensor(e.Key, [e.Value.Length], e.Value));
        SafeTensorsFile.Write(Path.Combine(fresh, OptimizerFile), tensors, new Dictionary<string, string> { ["optimizer"] = optimizer.GetType().Name });
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, Json);
        AtomicFile.Write(Path.Combine(fresh, StateFile), s => s.Write(bytes));
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(fresh, final);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>The folder of the last complete checkpoint of the run at <paramref name="runPath"/>, or null when it has none.</summary>
    public static string? Find(string runPath)
    {
        string final = Path.Combine(runPath, FolderName), old = final + ".old";
        if (File.Exists(Path.Combine(final, StateFile))) return final;
        return File.Exists(Path.Combine(old, StateFile)) ? old : null;   // a crash between the two renames
    }

    /// <summary>Loads the checkpoint in <paramref name="folder"/> into <paramref name="trainer"/> (its model, its optimiser and its
    /// position) for continuing on <paramref name="train"/>, and returns its state. Everything is checked before it is
    /// used: state.json against itself and against the trainer and the data, then the weights, then the optimiser's state
    /// against state.json's step count.</summary>
    /// <exception cref="FileFormatException">A file is missing or malformed, or does not fit the trainer; the message names it and the field.</exception>
    public static State Restore(string folder, Trainer trainer, IDataset train)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        string statePath = Path.Combine(folder, StateFile);
        var state = ReadState(statePath);
        var terms = trainer.Objective(train.Count).TermNames(trainer.Model);
        for (int i = 0; i < state.Epochs.Count; i++)
            if (!state.Epochs[i].Terms.Select(t => t.Name).SequenceEqual(terms))
                throw new FileFormatException(statePath, $"epochs[{i}].terms: [{string.Join(", ", state.Epochs[i].Terms.Select(t => t.Name))}], but the run's objective reports [{string.Join(", ", terms)}].");
        try
        {
            trainer.RestoreState(state.Trainer, train);
        }
        catch (InvalidDataException e)
        {
            throw new FileFormatException(statePath, $"trainer: {e.Message}", e);
        }
        LoadWeights(folder, trainer.Model, trainer.Optimizer, state);
        return state;
    }

    private static void LoadWeights(string folder, Module model, Optimizer optimizer, State state)
    {
        ModelIO.Load(model, Path.Combine(folder, ModelFile));
        string optimizerPath = Path.Combine(folder, OptimizerFile);
        if (!File.Exists(optimizerPath)) throw new FileFormatException(optimizerPath, "file not found");
        var content = SafeTensorsFile.Read(optimizerPath);
        try
        {
            optimizer.LoadState(content.Tensors.ToDictionary(t => t.Name, t => t.Data), optimizerPath);
        }
        catch (InvalidDataException e)
        {
            throw new FileFormatException(optimizerPath, ModelIO.WithoutSource(e.Message, optimizerPath), e);
        }
        // Adam's bias correction depends on its step count: one step per batch that was not skipped for a non-finite loss.
        if (optimizer.StepCount != state.Trainer.Step - state.Trainer.SkippedBatches)
            throw new FileFormatException(optimizerPath, $"'step' is {optimizer.StepCount}, but {StateFile} says the trainer took {state.Trainer.Step} steps ({state.Trainer.SkippedBatches} skipped): the files are not from one checkpoint.");
    }

    // state.json, parsed strictly and checked against itself.
    private static State ReadState(string path)
    {
        if (!File.Exists(path)) throw new FileFormatException(path, "file not found");
        State? state;
        try
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new FileFormatException(path, $"invalid checkpoint state{(e.Path is null ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
        if (state is null) throw new FileFormatException(path, "null: expected the checkpoint state object");
        if (state.FormatVersion != FormatVersion)
            throw new FileFormatException(path, $"format_version {state.FormatVersion}: this VaeSharp reads checkpoint format {FormatVersion}.");
        string? problem = Problem(state);
        if (problem is not null) throw new FileFormatException(path, problem);
        return state;
    }

    // What is wrong with a state that parsed, or null: counters out of range, random streams in no reachable position,
    // partial sums that are not numbers, epoch reports missing, out of order or of differing terms.
    private static string? Problem(State state)
    {
        var t = state.Trainer;
        if (t.Step < 0) return $"trainer.step {t.Step}: expected a count ≥ 0.";
        if (t.SkippedBatches < 0 || t.SkippedBatches > t.Step) return $"trainer.skipped_batches {t.SkippedBatches}: expected 0 to trainer.step ({t.Step}).";
        if (t.EpochsCompleted < 0) return $"trainer.epochs_completed {t.EpochsCompleted}: expected a count ≥ 0.";
        if (t.EpochStep < 0) return $"trainer.epoch_step {t.EpochStep}: expected a count ≥ 0.";
        foreach (var (name, stream) in new (string, RandomState?)[] { ("shuffle_at_epoch_start", t.ShuffleAtEpochStart), ("shuffle", t.Shuffle), ("binarize", t.Binarize), ("noise", t.Noise) })
            if (stream is RandomState s && !s.IsValid())
                return $"trainer.{name} {{counter {s.Counter}, used {s.Used}, has_spare {s.HasSpare}, spare_normal {s.SpareNormal}}}: no generator can be there (used is 0 to 4, a partly used block has a counter past 0, a spare normal is finite).";
        if (t.ShuffleAtEpochStart is null && (t.EpochStep != 0 || t.PartialCount != 0))
            return $"trainer.epoch_step {t.EpochStep}, partial_count {t.PartialCount}: no epoch is in progress (shuffle_at_epoch_start is null), so both must be 0.";
        if (t.PartialCount < 0) return $"trainer.partial_count {t.PartialCount}: expected a count ≥ 0.";
        if (!double.IsFinite(t.PartialLoss)) return $"trainer.partial_loss {t.PartialLoss}: expected a finite sum.";
        int bad = Array.FindIndex(t.PartialTerms, v => !double.IsFinite(v));
        if (bad >= 0) return $"trainer.partial_terms[{bad}] {t.PartialTerms[bad]}: expected a finite sum.";
        if (!(t.PartialSeconds >= 0) || !double.IsFinite(t.PartialSeconds)) return $"trainer.partial_seconds {t.PartialSeconds}: expected a finite time ≥ 0.";
        if (!(state.TrainingSeconds >= 0) || !double.IsFinite(state.TrainingSeconds)) return $"training_seconds {state.TrainingSeconds}: expected a finite time ≥ 0.";

        if (state.Epochs.Count != t.EpochsCompleted)
            return $"epochs: {state.Epochs.Count} reports, but trainer.epochs_completed is {t.EpochsCompleted}.";
        for (int i = 0; i < state.Epochs.Count; i++)
        {
            var e = state.Epochs[i];
            if (e is null) return $"epochs[{i}]: null, expected the report of epoch {i + 1}.";
            if (e.Epoch != i + 1) return $"epochs[{i}].epoch {e.Epoch}: expected {i + 1} (the reports are in order).";
            if (e.Terms is null || e.Terms.Any(term => term.Name is null)) return $"epochs[{i}].terms: missing or unnamed.";
            if (e.Test is { } test && (test.Terms is null || test.Terms.Any(term => term.Name is null))) return $"epochs[{i}].test.terms: missing or unnamed.";
            var first = state.Epochs[0];
            if (!e.Terms.Select(x => x.Name).SequenceEqual(first.Terms.Select(x => x.Name)) || (e.Test is null) != (first.Test is null)
                || (e.Test is not null && !e.Test.Terms.Select(x => x.Name).SequenceEqual(first.Test!.Terms.Select(x => x.Name))))
                return $"epochs[{i}]: its terms differ from those of epochs[0] (every epoch of a run reports the same terms).";
        }
        return null;
    }
}
