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

    /// <summary>The data set name (mnist, fashion-mnist).</summary>
    public string Data { get; init; } = "mnist";

    /// <summary>When the run used only the first N training examples, N (so a resumed run reads the same ones); null for all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>When the run used only the first N test examples, N; null for all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>The preset the run started from, if any (for the record; its values are in the fields above).</summary>
    public string? Preset { get; init; }

    /// <summary>Epochs completed so far.</summary>
    public int EpochsCompleted { get; init; }
}
