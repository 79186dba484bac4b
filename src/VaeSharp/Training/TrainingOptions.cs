using VaeSharp.Data;
using VaeSharp.Engine.Optim;
using VaeSharp.Objectives;

namespace VaeSharp.Training;

/// <summary>How a model is trained (saved as the "training" part of a run's config.json). Defaults are the seeds': batch 128, Adam 1e-3, 10 epochs, seed 1.</summary>
public sealed record TrainingOptions
{
    /// <summary>Number of passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adam's ε (1e-8 as in PyTorch; the IWAE paper used 1e-4); Adamax's too.</summary>
    public float AdamEpsilon { get; init; } = 1e-8f;

    /// <summary>The optimiser: Adam (the default, not written to config.json) or Adamax, each with β = (0.9, 0.999).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>How grey values are fed to the likelihood.</summary>
    public Binarization Binarize { get; init; } = Binarization.None;

    /// <summary>The objective and the KL controls.</summary>
    public ObjectiveOptions Objective { get; init; } = new();

    /// <summary>The learning rate over the epochs.</summary>
    public LrScheduleKind LrSchedule { get; init; } = LrScheduleKind.Constant;

    /// <summary>Clip the gradients to this total L2 norm before each step (PyTorch's clip_grad_norm_); null for no clipping.</summary>
    public float? ClipGradNorm { get; init; }

    /// <summary>What to do when a step's loss or gradient is not finite.</summary>
    public NonFinitePolicy OnNonFinite { get; init; } = NonFinitePolicy.Stop;

    /// <summary>With <see cref="NonFinitePolicy.Rollback"/>: how many times at most to go back before stopping.</summary>
    public int MaxRollbacks { get; init; } = 3;

    /// <summary>Corrupt each training batch's input with this noise (gaussian:σ, salt-pepper:p, mask:p) and score the clean
    /// examples: the denoising VAE of Im et al. 2017. Null for none (not written to config.json).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TrainNoise { get; init; }

    /// <summary>Seed for shuffling and noise.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The optimiser these options name, over <paramref name="parameters"/>.</summary>
    public Optimizer CreateOptimizer(VaeSharp.Engine.Nn.ParameterBuffer parameters) => Optimizer switch
    {
        OptimizerKind.Adamax => new Adamax(parameters, LearningRate, epsilon: AdamEpsilon),
        _ => new Adam(parameters, LearningRate, epsilon: AdamEpsilon),
    };

    /// <summary>The learning-rate schedule over epochs (index 0 = the first epoch).</summary>
    public ILearningRateSchedule CreateLrSchedule() => LrSchedule switch
    {
        LrScheduleKind.Iwae => new IwaeLearningRate(LearningRate, Epochs),
        LrScheduleKind.Cosine => new CosineAnnealingLr(LearningRate, Math.Max(1, Epochs)),
        _ => new ConstantLearningRate(LearningRate),
    };

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"epochs {Epochs}: expected an integer ≥ 0.");
        if (BatchSize <= 0) throw new ArgumentException($"batch_size {BatchSize}: expected a positive integer.");
        if (!(LearningRate > 0f) || float.IsInfinity(LearningRate)) throw new ArgumentException($"learning_rate {LearningRate}: expected a positive number.");
        if (!Enum.IsDefined(Binarize)) throw new ArgumentException($"binarize {Binarize}: expected none or dynamic.");
        if (!(AdamEpsilon > 0f) || !float.IsFinite(AdamEpsilon)) throw new ArgumentException($"adam_epsilon {AdamEpsilon}: expected a positive number.");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"optimizer {Optimizer}: expected adam or adamax.");
        if (!Enum.IsDefined(LrSchedule)) throw new ArgumentException($"lr_schedule {LrSchedule}: expected constant, iwae or cosine.");
        if (ClipGradNorm is float clip && !(clip > 0f && float.IsFinite(clip))) throw new ArgumentException($"clip_grad_norm {clip}: expected a positive number (or none).");
        if (!Enum.IsDefined(OnNonFinite)) throw new ArgumentException($"on_non_finite {OnNonFinite}: expected stop, skip-batch or rollback.");
        if (MaxRollbacks is < 0 or > 30) throw new ArgumentException($"max_rollbacks {MaxRollbacks}: expected 0 to 30 (each halves the learning rate).");
        if (TrainNoise is not null)
            try { Applications.NoiseSpec.Parse(TrainNoise); }
            catch (ArgumentException e) { throw new ArgumentException($"train_{e.Message}", e); }
        if (Objective is null) throw new ArgumentException("objective: missing.");
        Objective.Validate();
        if (Objective.Objective == ObjectiveKind.FactorVae && OnNonFinite == NonFinitePolicy.Rollback)
            throw new ArgumentException("on_non_finite rollback: a rollback restores the model but not FactorVAE's discriminator, which no checkpoint holds; use stop or skip-batch.");
    }
}
