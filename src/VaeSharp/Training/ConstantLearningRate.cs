using VaeSharp.Engine.Optim;

namespace VaeSharp.Training;

/// <summary>The same learning rate at every step.</summary>
/// <param name="Rate">The rate.</param>
public sealed record ConstantLearningRate(float Rate) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float LearningRate(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Rate;
    }
}
