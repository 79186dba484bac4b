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

    /// <summary>β-TCVAE: α, the weight of the index-code mutual information (β is the family's --beta).</summary>
    public float TcAlpha { get; init; } = 1f;

    /// <summary>β-TCVAE: γ, the weight of the dimension-wise KL.</summary>
    public float TcGamma { get; init; } = 1f;

    /// <summary>β-TCVAE: the minibatch estimator of q(z).</summary>
    public TcEstimator TcEstimator { get; init; } = TcEstimator.Mss;

    /// <summary>FactorVAE: γ, the weight of the discriminator's total-correlation estimate.</summary>
    public float FactorGamma { get; init; } = 10f;

    /// <summary>FactorVAE: the discriminator's learning rate (Adam, β₁ 0.5, β₂ 0.9).</summary>
    public float DiscriminatorLearningRate { get; init; } = 1e-4f;

    /// <summary>FactorVAE: units of each hidden layer of the discriminator.</summary>
    public int DiscriminatorHidden { get; init; } = 1000;

    /// <summary>FactorVAE: hidden layers of the discriminator.</summary>
    public int DiscriminatorLayers { get; init; } = 6;

    /// <summary>DIP-VAE: λ_od, the weight of the off-diagonal covariance penalty.</summary>
    public float DipLambdaOffDiagonal { get; init; } = 10f;

    /// <summary>DIP-VAE: λ_d, the weight of the diagonal penalty; null for disentanglement_lib's choice, 10·λ_od for
    /// DIP-VAE-I and λ_od for DIP-VAE-II.</summary>
    public float? DipLambdaDiagonal { get; init; }

    /// <summary>(λ_od, λ_d) in effect.</summary>
    public (float OffDiagonal, float Diagonal) DipLambdas() =>
        (DipLambdaOffDiagonal, DipLambdaDiagonal ?? (Objective == ObjectiveKind.DipVae1 ? 10f : 1f) * DipLambdaOffDiagonal);

    /// <summary>True for β-TCVAE, FactorVAE and DIP-VAE.</summary>
    [JsonIgnore]
    public bool IsDisentangling => Objective is ObjectiveKind.BetaTcvae or ObjectiveKind.FactorVae or ObjectiveKind.DipVae1 or ObjectiveKind.DipVae2;

    /// <summary>True when a KL control (schedule, capacity, free bits) is on.</summary>
    [JsonIgnore]
    public bool HasKlControls => CapacityGamma > 0f || FreeBits > 0f || KlSchedule != KlScheduleKind.Constant;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Objective)) throw new ArgumentException($"objective {Objective}: expected elbo, iwae, beta-tcvae, factor-vae, dip-vae-1 or dip-vae-2.");
        static bool Weight(float v) => v >= 0f && float.IsFinite(v);
        if (!Weight(TcAlpha)) throw new ArgumentException($"tc_alpha {TcAlpha}: expected a value ≥ 0.");
        if (!Weight(TcGamma)) throw new ArgumentException($"tc_gamma {TcGamma}: expected a value ≥ 0.");
        if (!Enum.IsDefined(TcEstimator)) throw new ArgumentException($"tc_estimator {TcEstimator}: expected mss or mws.");
        if (!Weight(FactorGamma)) throw new ArgumentException($"factor_gamma {FactorGamma}: expected a value ≥ 0.");
        if (!(DiscriminatorLearningRate > 0f) || !float.IsFinite(DiscriminatorLearningRate)) throw new ArgumentException($"discriminator_learning_rate {DiscriminatorLearningRate}: expected a positive value.");
        if (DiscriminatorHidden is < 1 or > 65_536) throw new ArgumentException($"discriminator_hidden {DiscriminatorHidden}: expected 1 to 65536 units.");
        if (DiscriminatorLayers is < 1 or > 64) throw new ArgumentException($"discriminator_layers {DiscriminatorLayers}: expected 1 to 64 layers.");
        if (!Weight(DipLambdaOffDiagonal)) throw new ArgumentException($"dip_lambda_off_diagonal {DipLambdaOffDiagonal}: expected a value ≥ 0.");
        if (DipLambdaDiagonal is float ld && !Weight(ld)) throw new ArgumentException($"dip_lambda_diagonal {ld}: expected a value ≥ 0.");
        if (IsDisentangling && HasKlControls)
            throw new ArgumentException($"objective {Serialization.ConfigJson.Name(Objective)}: the KL controls (schedule, capacity, free bits) apply to the ELBO objective only.");
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
