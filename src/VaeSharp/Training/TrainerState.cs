using VaeSharp.Engine.Random;

namespace VaeSharp.Training;

/// <summary>
/// Everything a <see cref="Trainer"/> needs, besides the model's weights and the optimiser's state, to continue a run
/// exactly where it stopped — at an epoch boundary or in the middle of an epoch.
/// </summary>
/// <param name="Step">Training steps taken.</param>
/// <param name="EpochsCompleted">Epochs finished.</param>
/// <param name="EpochStep">Steps done in the epoch in progress (0 when none is).</param>
/// <param name="ShuffleAtEpochStart">The shuffle stream before the epoch in progress drew its order (null when none is).</param>
/// <param name="Shuffle">The shuffle stream now.</param>
/// <param name="Binarize">The training binarisation stream now.</param>
/// <param name="Noise">The training noise stream now.</param>
/// <param name="PartialLoss">The epoch in progress: sum of loss × batch size so far.</param>
/// <param name="PartialTerms">The epoch in progress: each term's sum of value × batch size so far.</param>
/// <param name="PartialCount">The epoch in progress: examples so far.</param>
/// <param name="PartialSeconds">The epoch in progress: training seconds so far.</param>
/// <param name="LearningRateScale">The factor on the schedule's learning rate (halved by each rollback).</param>
/// <param name="Rollbacks">Rollbacks taken so far.</param>
/// <param name="SkippedBatches">Batches skipped for a non-finite loss or gradient so far.</param>
public sealed record TrainerState(long Step, int EpochsCompleted, int EpochStep, RandomState? ShuffleAtEpochStart,
    RandomState Shuffle, RandomState Binarize, RandomState Noise,
    double PartialLoss, double[] PartialTerms, int PartialCount, double PartialSeconds,
    float LearningRateScale = 1f, int Rollbacks = 0, long SkippedBatches = 0);
