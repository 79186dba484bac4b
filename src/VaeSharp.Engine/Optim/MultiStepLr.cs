namespace VaeSharp.Engine.Optim;

// torch.optim.lr_scheduler.MultiStepLR, closed form: lr(t) = base · γ^(number of milestones ≤ t).
// Milestones are sorted; a repeated milestone applies γ once per occurrence, as PyTorch's Counter does.

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> at each milestone step.</summary>
public sealed class MultiStepLr : ILearningRateSchedule
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative base rate, a milestone below 1, or γ ≤ 0.</exception>
    public MultiStepLr(float baseLearningRate, IEnumerable<int> milestones, float gamma = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        BaseLearningRate = OptimGuard.NonNegative(baseLearningRate);
        Gamma = OptimGuard.Positive(gamma);
        _milestones = milestones.Order().ToArray();
        foreach (int milestone in _milestones) OptimGuard.AtLeastOne(milestone, nameof(milestones));
    }

    /// <summary>The learning rate at step 0.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Steps at which the rate is multiplied by <see cref="Gamma"/>, ascending.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>Decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    public float LearningRate(int step)
    {
        OptimGuard.StepIndex(step);
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= step) passed++;
        return (float)(BaseLearningRate * Math.Pow(Gamma, passed));
    }
}
