namespace VaeSharp.Training;

/// <summary>
/// A training step produced a non-finite loss or gradient; the step was stopped before the optimiser changed the weights.
/// The message is the diagnosis: which step, which loss term or parameter went non-finite first, the learning rate and
/// the gradient norms of the last steps, and what to try.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with its diagnosis.</summary>
    public TrainingDivergedException(string diagnosis, long step, int epoch) : base(diagnosis)
    {
        Step = step;
        Epoch = epoch;
    }

    /// <summary>The training step (0-based) that diverged.</summary>
    public long Step { get; }

    /// <summary>The epoch (1-based) it was in.</summary>
    public int Epoch { get; }
}
