using System.Text.Json;
using System.Text.Json.Serialization;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
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

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a loss can be NaN before divergence is caught
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

    /// <summary>Loads the checkpoint in <paramref name="folder"/> into <paramref name="model"/> and <paramref name="optimizer"/> and returns its state.</summary>
    /// <exception cref="FileFormatException">A file is missing or malformed; the message names it.</exception>
    public static State Load(string folder, Module model, Optimizer optimizer)
    {
        string statePath = Path.Combine(folder, StateFile);
        State? state;
        try
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllBytes(statePath), Json);
        }
        catch (JsonException e)
        {
            throw new FileFormatException(statePath, $"invalid checkpoint state{(e.Path is null ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
        if (state?.Trainer is null || state.Epochs is null) throw new FileFormatException(statePath, "trainer or epochs: missing");
        if (state.FormatVersion != FormatVersion)
            throw new FileFormatException(statePath, $"format_version {state.FormatVersion}: this VaeSharp reads checkpoint format {FormatVersion}.");
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
            throw new FileFormatException(optimizerPath, e.Message, e);
        }
        return state;
    }
}
