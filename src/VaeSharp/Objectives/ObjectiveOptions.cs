using System.Text.Json.Serialization;

namespace VaeSharp.Objectives;

/// <summary>
/// Which objective trains the model and how the KL term is controlled (saved in config.json under training.objective).
/// </summary>
public sealed record ObjectiveOptions
{
    /// <summary>The family's ELBO with the KL controls below, or the IWAE bound with <see cref="IwaeSamples"/> samples.</summary>
    public ObjectiveKind Objective { get; init; } = ObjectiveKind.Elbo;

    /// <summary>k, the number of importance samples of the IWAE bound.</summary>
    public int IwaeSamples { get; init; } = 5;

    /// <summary>The KL weight schedule.</summary>
    public KlScheduleKind KlSchedule { get; init; } = KlScheduleKind.Constant;

    /// <summary>Steps of the linear warm-up.</summary>
    public int KlWarmupSteps { get; init; }

    /// <summary>Cycles of the cyclical schedule over the whole run.</summary>
    public int KlCycles { get; init; } = 4;

    /// <summary>Part of each cycle during which the weight rises.</summary>
    public float KlRatio { get; init; } = 0.5f;

    /// <summary>Capacity control (Burgess et al. 2018): γ of γ·|KL − C(t)|; 0 switches it off.</summary>
    public float CapacityGamma { get; init; }

    /// <summary>C_max, the capacity (nats) reached at <see cref="CapacitySteps"/>.</summary>
    public float CapacityMax { get; init; } = 25f;

    /// <summary>Steps over which C rises linearly from 0 to C_max.</summary>
    public int CapacitySteps { get; init; } = 10_000;

    /// <summary>Free bits λ per latent dimension (Kingma et al. 2016), in nats; 0 switches it off.</summary>
    public float FreeBits { get; init; }

    /// <summary>True when a KL control (schedule, capacity, free bits) is on.</summary>
    [JsonIgnore]
    public bool HasKlControls => CapacityGamma > 0f || FreeBits > 0f || KlSchedule != KlScheduleKind.Constant;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Objective)) throw new ArgumentException($"objective {Objective}: expected elbo or iwae.");
        if (IwaeSamples < 1) throw new ArgumentException($"iwae_samples {IwaeSamples}: expected an integer ≥ 1.");
        if (!Enum.IsDefined(KlSchedule)) throw new ArgumentException($"kl_schedule {KlSchedule}: expected constant, linear or cyclical.");
        if (KlSchedule == KlScheduleKind.Linear && KlWarmupSteps <= 0) throw new ArgumentException($"kl_warmup_steps {KlWarmupSteps}: a linear KL warm-up needs a positive number of steps.");
        if (KlCycles <= 0) throw new ArgumentException($"kl_cycles {KlCycles}: expected a positive integer.");
        if (!(KlRatio > 0f && KlRatio <= 1f)) throw new ArgumentException($"kl_ratio {KlRatio}: expected a value in (0, 1].");
        if (!(CapacityGamma >= 0f) || !float.IsFinite(CapacityGamma)) throw new ArgumentException($"capacity_gamma {CapacityGamma}: expected a value ≥ 0.");
        if (!(CapacityMax >= 0f) || !float.IsFinite(CapacityMax)) throw new ArgumentException($"capacity_max {CapacityMax}: expected a value ≥ 0.");
        if (CapacitySteps <= 0) throw new ArgumentException($"capacity_steps {CapacitySteps}: expected a positive integer.");
        if (!(FreeBits >= 0f) || !float.IsFinite(FreeBits)) throw new ArgumentException($"free_bits {FreeBits}: expected a value ≥ 0.");
        if (Objective == ObjectiveKind.Iwae && HasKlControls)
            throw new ArgumentException("objective iwae: the KL controls (schedule, capacity, free bits) apply to the ELBO objective only.");
    }
}
