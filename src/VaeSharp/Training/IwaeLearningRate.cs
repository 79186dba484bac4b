using VaeSharp.Engine.Optim;

namespace VaeSharp.Training;

/// <summary>
/// The IWAE paper's schedule (Burda et al. 2016, §5): 3^i epochs at lr·10^(−i/7) for i = 0..7, 3,280 epochs in all.
/// This keeps the stages' proportions within a run of <see cref="Epochs"/> epochs: epoch t (0-based) sits at
/// position t/Epochs·3280 of the paper's run.
/// </summary>
public sealed class IwaeLearningRate : ILearningRateSchedule
{
    /// <summary>Creates the schedule for a run of <paramref name="epochs"/> epochs.</summary>
    public IwaeLearningRate(float baseLearningRate, int epochs)
    {
        BaseLearningRate = baseLearningRate;
        Epochs = Math.Max(1, epochs);
    }

    /// <summary>The rate of the first stage.</summary>
    public float BaseLearningRate { get; }

    /// <summary>The run's length in epochs.</summary>
    public int Epochs { get; }

    /// <inheritdoc />
    public float LearningRate(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        double total = 0, position = (double)step / Epochs * 3280.0;
        for (int i = 0; i <= 7; i++)
        {
            total += Math.Pow(3, i);
            if (position < total) return (float)(BaseLearningRate * Math.Pow(10, -i / 7.0));
        }
        return (float)(BaseLearningRate * Math.Pow(10, -1.0));
    }
}
