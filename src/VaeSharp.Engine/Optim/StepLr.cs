namespace VaeSharp.Engine.Optim;

// torch.optim.lr_scheduler.StepLR, closed form: lr(t) = base · γ^⌊t / stepSize⌋.

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps.</summary>
public sealed class StepLr : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative base rate, a step size below 1, or γ ≤ 0.</exception>
    public StepLr(float baseLearningRate, int stepSize, float gamma = 0.1f)
    {
        BaseLearningRate = OptimGuard.NonNegative(baseLearningRate);
        StepSize = OptimGuard.AtLeastOne(stepSize);
        Gamma = OptimGuard.Positive(gamma);
    }

    /// <summary>The learning rate at step 0.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>Decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    public float LearningRate(int step) =>
        (float)(BaseLearningRate * Math.Pow(Gamma, OptimGuard.StepIndex(step) / StepSize));
}
