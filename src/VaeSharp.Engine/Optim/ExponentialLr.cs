namespace VaeSharp.Engine.Optim;

// torch.optim.lr_scheduler.ExponentialLR, closed form: lr(t) = base · γᵗ.

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every step.</summary>
public sealed class ExponentialLr : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative base rate or γ ≤ 0.</exception>
    public ExponentialLr(float baseLearningRate, float gamma)
    {
        BaseLearningRate = OptimGuard.NonNegative(baseLearningRate);
        Gamma = OptimGuard.Positive(gamma);
    }

    /// <summary>The learning rate at step 0.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Decay factor per step.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    public float LearningRate(int step) => (float)(BaseLearningRate * Math.Pow(Gamma, OptimGuard.StepIndex(step)));
}
