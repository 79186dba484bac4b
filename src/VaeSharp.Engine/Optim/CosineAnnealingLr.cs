namespace VaeSharp.Engine.Optim;

// torch.optim.lr_scheduler.CosineAnnealingLR, closed form — Loshchilov & Hutter 2017, "SGDR", Eq. 5
// without restarts: lr(t) = η_min + (base − η_min)·(1 + cos(π·t / T_max)) / 2.
// Past T_max the cosine continues (rises back towards base over the next T_max steps), as PyTorch's does.

/// <summary>Anneals the learning rate from its base to <see cref="MinLearningRate"/> along a half cosine over <see cref="TMax"/> steps.</summary>
public sealed class CosineAnnealingLr : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative rate or <paramref name="tMax"/> below 1.</exception>
    public CosineAnnealingLr(float baseLearningRate, int tMax, float etaMin = 0f)
    {
        BaseLearningRate = OptimGuard.NonNegative(baseLearningRate);
        TMax = OptimGuard.AtLeastOne(tMax);
        MinLearningRate = OptimGuard.NonNegative(etaMin);
    }

    /// <summary>The learning rate at step 0.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Steps from the base rate down to the minimum (half a period).</summary>
    public int TMax { get; }

    /// <summary>The learning rate reached at step <see cref="TMax"/> (η_min).</summary>
    public float MinLearningRate { get; }

    /// <inheritdoc />
    public float LearningRate(int step) =>
        (float)(MinLearningRate + ((double)BaseLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * OptimGuard.StepIndex(step) / TMax)) / 2);
}
