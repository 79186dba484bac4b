namespace VaeSharp.Training;

/// <summary>How <see cref="PriorTrainer"/> trains a code prior: Adam with a fixed learning rate on shuffled minibatches of grids.
/// Written as <c>RUN/prior/config.json</c>'s <c>training</c> part.</summary>
public sealed record PriorTrainingOptions
{
    /// <summary>Passes over the training grids.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Grids per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the training order (stream <see cref="RngStream.PriorTraining"/>, fork 1).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it and the expected values.</exception>
    public void Validate()
    {
        if (Epochs < 1 || Epochs > 10_000) throw new ArgumentException($"epochs {Epochs}: expected 1 to 10,000.");
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate)) throw new ArgumentException($"learning_rate {LearningRate}: expected a positive number.");
        if (BatchSize < 1 || BatchSize > 100_000) throw new ArgumentException($"batch_size {BatchSize}: expected 1 to 100,000.");
    }
}
