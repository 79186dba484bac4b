namespace VaeSharp.Training;

/// <summary>What a run does when a step's loss or gradient is not finite (config.json and command-line names in brackets).</summary>
public enum NonFinitePolicy
{
    /// <summary>Stop the run with a diagnosis; the last checkpoint stays intact ("stop").</summary>
    Stop,
    /// <summary>Skip that batch (no update) and go on; <see cref="Trainer.SkippedBatches"/> counts them and the CLI reports the count ("skip-batch").</summary>
    SkipBatch,
    /// <summary>Go back to the last checkpoint with the learning rate halved, at most <see cref="TrainingOptions.MaxRollbacks"/> times ("rollback").</summary>
    Rollback,
}
