namespace VaeSharp.Engine.Optim;

// Linear warm-up followed by another schedule, as PyTorch writes it:
//   SequentialLR([LinearLR(start_factor=s, total_iters=W), inner], milestones=[W])
//   lr(t) = inner(0) · (s + (1 − s)·t / W)   for t < W
//   lr(t) = inner(t − W)                      for t ≥ W   (the inner schedule starts afresh after warm-up)
// s defaults to LinearLR's 1/3. For warm-up then cosine decay: new LinearWarmup(W, new CosineAnnealingLr(lr, T)).

/// <summary>Ramps the learning rate linearly up to an inner schedule's start, then follows that schedule.</summary>
public sealed class LinearWarmup : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> below 1, or <paramref name="startFactor"/> outside [0, 1].</exception>
    public LinearWarmup(int warmupSteps, ILearningRateSchedule inner, float startFactor = 1f / 3f)
    {
        ArgumentNullException.ThrowIfNull(inner);
        WarmupSteps = OptimGuard.AtLeastOne(warmupSteps);
        StartFactor = OptimGuard.ClosedUnit(startFactor);
        Inner = inner;
    }

    /// <summary>Length W of the warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>Fraction of the inner schedule's first rate used at step 0.</summary>
    public float StartFactor { get; }

    /// <summary>The schedule followed after warm-up, from its own step 0.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <inheritdoc />
    public float LearningRate(int step)
    {
        OptimGuard.StepIndex(step);
        if (step >= WarmupSteps) return Inner.LearningRate(step - WarmupSteps);
        double factor = StartFactor + (1.0 - StartFactor) * step / WarmupSteps;
        return (float)(Inner.LearningRate(0) * factor);
    }
}
