using System.Text.Json.Serialization;
using VaeSharp.Data;
using VaeSharp.Data.Tables;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Serialization;

/// <summary>The contents of a run's config.json: the model (with its <c>family</c>), how it was trained, and on what.</summary>
public sealed record RunConfig
{
    /// <summary>The format this library writes. Version 1 (no family; architecture and class_count as model fields) still loads.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>File format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The model's configuration (enough to rebuild it).</summary>
    public ModelConfig Model { get; init; } = new VaeConfig();

    /// <summary>The training options.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>The data: a built-in or fetched set's name (mnist, fashion-mnist, breast-cancer, ...), an imported set's
    /// name, or the full path of a CSV file or image folder (see <see cref="DatasetCatalog.Load(string, string?, string?, DataOptions?)"/>).</summary>
    public string Data { get; init; } = "mnist";

    /// <summary>How the data was read (column types, label column, split, image size); null for the defaults.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataOptions? DataOptions { get; init; }

    /// <summary>For a table: its columns with the statistics fitted on the training rows, so every verb encodes and decodes rows
    /// the same way; null for images.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TableSchema? Table { get; init; }

    /// <summary>When the run used only the first N training examples, N (so a resumed run reads the same ones); null for all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>When the run used only the first N test examples, N; null for all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>The run's time budget in minutes (<c>--max-minutes</c>), kept so a resumed run stops where the uninterrupted one would; null for none.</summary>
    public double? MaxMinutes { get; init; }

    /// <summary>When the run trained on some classes only (<c>--normal-classes</c>, the normal data of anomaly detection), those
    /// labels; its training and test sets hold only their examples. Null for all classes (not written, so such a config.json is as before).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int[]? NormalClasses { get; init; }

    /// <summary>The preset the run started from, if any (for the record; its values are in the fields above).</summary>
    public string? Preset { get; init; }

    /// <summary>Epochs completed so far.</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Checks every part (the model's, the training's and its own fields); throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (Model is null) throw new ArgumentException("model: missing.");
        if (Training is null) throw new ArgumentException("training: missing.");
        Model.Validate();
        Training.Validate();
        if (string.IsNullOrEmpty(Data)) throw new ArgumentException("data: missing; expected the data set's name (e.g. mnist).");
        DataOptions?.Validate();
        Table?.Validate();
        if (Table is not null && Table.Width != Model.InputSize)
            throw new ArgumentException($"table: {Table.Width} values per row; the model's input_shape has {Model.InputSize}.");
        if (TrainLimit is <= 0) throw new ArgumentException($"train_limit {TrainLimit}: expected a positive number of examples (or none).");
        if (TestLimit is <= 0) throw new ArgumentException($"test_limit {TestLimit}: expected a positive number of examples (or none).");
        if (Preset is not null && !TrainingPreset.All.Any(p => p.Name == Preset))
            throw new ArgumentException($"preset '{Preset}': expected one of {string.Join(", ", TrainingPreset.All.Select(p => p.Name))} (or none).");
        if (EpochsCompleted < 0) throw new ArgumentException($"epochs_completed {EpochsCompleted}: expected an integer ≥ 0.");
        if (NormalClasses is { } classes && (classes.Length == 0 || classes.Any(c => c < 0) || classes.Distinct().Count() != classes.Length))
            throw new ArgumentException($"normal_classes [{string.Join(", ", classes)}]: expected distinct class labels ≥ 0 (or none).");
        if (MaxMinutes is double m && !(m > 0 && double.IsFinite(m))) throw new ArgumentException($"max_minutes {m}: expected a positive number of minutes (or none).");
    }
}
