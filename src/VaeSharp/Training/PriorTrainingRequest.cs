namespace VaeSharp.Training;

/// <summary>What <see cref="PriorTraining.Run"/> builds and how it trains it: the PixelCNN's width and depth, whether it is
/// conditioned on the data's labels, the training options, and whether an existing prior may be replaced.</summary>
public sealed record PriorTrainingRequest
{
    /// <summary>C, the channels of the PixelCNN.</summary>
    public int Channels { get; init; } = 64;

    /// <summary>Gated layers.</summary>
    public int Layers { get; init; } = 8;

    /// <summary>The first layer's kernel (odd).</summary>
    public int FirstKernel { get; init; } = 7;

    /// <summary>The later layers' kernel (odd).</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>Condition on the labels when the data has them (false: an unconditional prior).</summary>
    public bool Conditional { get; init; } = true;

    /// <summary>Seed of the initial weights and of the training order; the sample grid's draws use it too.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Epochs, learning rate and batch size (its seed is <see cref="Seed"/>).</summary>
    public PriorTrainingOptions Training { get; init; } = new();

    /// <summary>Replace a prior the run has.</summary>
    public bool Overwrite { get; init; }
}
