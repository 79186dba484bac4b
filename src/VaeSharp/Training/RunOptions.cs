namespace VaeSharp.Training;

/// <summary>How a <see cref="TrainingRun"/> is carried out, beyond what is saved in its config.json.</summary>
public sealed record RunOptions
{
    /// <summary>Stop after the epoch during which this much training time (minutes) has passed; null for no limit.</summary>
    public double? MaxMinutes { get; init; }

    /// <summary>After the last epoch, write latent_grid.png (unconditional models) and latent_scatter.png, as the Keras example does.</summary>
    public bool LatentPictures { get; init; }

    /// <summary>Also write a checkpoint within an epoch when this many minutes have passed since the last one; null for
    /// checkpoints at epoch ends (and on a stop) only.</summary>
    public double? CheckpointMinutes { get; init; }

    /// <summary>Start in a folder that already holds files, removing the previous run's files (config, model, metrics,
    /// charts, grids, checkpoint); without it such a folder is refused.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Test examples shown in each epoch's reconstruction grid.</summary>
    public int ReconstructionCount { get; init; } = 8;
}
