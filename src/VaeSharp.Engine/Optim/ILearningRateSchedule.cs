namespace VaeSharp.Engine.Optim;

// A learning-rate schedule is a pure function of the step (or epoch) index t = 0, 1, 2, ...: the
// closed forms of PyTorch's lr_scheduler classes, where LearningRate(t) is the lr PyTorch's scheduler
// sets after t calls to scheduler.step(). Apply it between steps:
//   optimizer.LearningRate = schedule.LearningRate(epoch);
// Being stateless, a schedule needs nothing saved: resuming at step t is asking for LearningRate(t).

/// <summary>A learning rate as a function of the step or epoch index.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (0 = the start).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    float LearningRate(int step);
}
