namespace VaeSharp.Training;

/// <summary>How a model is trained (saved as the "training" part of a run's config.json). Defaults are the seeds': batch 128, Adam 1e-3, 10 epochs, seed 1.</summary>
public sealed record TrainingOptions
{
    /// <summary>Number of passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>"none" (grey values as Bernoulli targets, the seeds' choice) or "dynamic" (a fresh binary sample x ~ Bernoulli(pixel) each time an example is used).</summary>
    public string Binarize { get; init; } = "none";

    /// <summary>Seed for shuffling and noise.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"epochs {Epochs}: expected an integer ≥ 0.");
        if (BatchSize <= 0) throw new ArgumentException($"batch_size {BatchSize}: expected a positive integer.");
        if (!(LearningRate > 0f) || float.IsInfinity(LearningRate)) throw new ArgumentException($"lr {LearningRate}: expected a positive number.");
        if (Binarize is not ("none" or "dynamic")) throw new ArgumentException($"binarize '{Binarize}': expected none or dynamic.");
    }
}
