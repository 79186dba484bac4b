using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>The objective a run trains with: <see cref="Elbo"/> with its KL controls, or <see cref="Iwae"/>.</summary>
public sealed class TrainingObjective
{
    /// <summary>Prepares the objective; <paramref name="totalSteps"/> is the run's length (for the cyclical schedule).</summary>
    public TrainingObjective(ObjectiveOptions options, long totalSteps)
    {
        options.Validate();
        Options = options;
        Schedule = new KlSchedule(options.KlSchedule, options.KlWarmupSteps, (int)Math.Clamp(totalSteps, 1, int.MaxValue), options.KlCycles, options.KlRatio);
    }

    /// <summary>The options.</summary>
    public ObjectiveOptions Options { get; }

    /// <summary>The KL weight schedule.</summary>
    public KlSchedule Schedule { get; }

    /// <summary>The loss of a batch at training step <paramref name="step"/> (0-based).</summary>
    public VaeLoss Compute(Vae model, Tensor x, int[]? labels, long step) => Options.Objective == "iwae"
        ? Iwae.Compute(model, x, labels, Options.IwaeSamples)
        : Elbo.Compute(model, x, labels, Options, Schedule, step);
}
