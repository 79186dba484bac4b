namespace VaeSharp.Models;

/// <summary>
/// A family that reports figures per training epoch besides its loss terms — the VQ-VAE's codebook perplexity and codes
/// in use, which are not sums over examples and so not <see cref="ModelLoss"/> terms. The model tallies them itself
/// during its training-mode <see cref="LatentVariableModel.Loss"/> calls (in buffers, so a checkpoint carries the tally
/// of an epoch in progress); the trainer takes them once at the end of each epoch. They join the per-epoch line
/// (<see cref="LossTermLabels.StatisticLabel"/>), <c>metrics.csv</c> (a column per name, after the loss terms) and
/// <c>vae train --json</c>.
/// </summary>
public interface IEpochStatistics
{
    /// <summary>The figures' names, in report order (lower-case identifiers, as loss terms').</summary>
    IReadOnlyList<string> StatisticNames { get; }

    /// <summary>The figures of the training steps since the last call, in <see cref="StatisticNames"/>' order; starts the next tally.</summary>
    IReadOnlyList<TermValue> TakeEpochStatistics();
}
