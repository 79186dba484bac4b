using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Serialization;

/// <summary>The contents of a run's config.json: the model, how it was trained, and on what.</summary>
public sealed record RunConfig
{
    /// <summary>File format version.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>The model's configuration (enough to rebuild it).</summary>
    public VaeConfig Model { get; init; } = new();

    /// <summary>The training options.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>The data set name (mnist, fashion-mnist).</summary>
    public string Data { get; init; } = "mnist";

    /// <summary>Epochs completed so far.</summary>
    public int EpochsCompleted { get; init; }
}
