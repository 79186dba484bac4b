using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Objectives;
using VaeSharp.Serialization;

namespace VaeSharp.Training;

/// <summary>
/// What a user asks of a training run, every setting optional: null means "not given", so a preset's value or the
/// built-in default applies (<see cref="Resolve"/>). The command line and the explorer fill one of these from their
/// inputs; the library turns it into the run's typed configuration.
/// </summary>
public sealed record TrainingRequest
{
    /// <summary>The model family (<see cref="ModelFamilies"/>); default vae, or cvae when <see cref="Conditional"/>.</summary>
    public string? Family { get; init; }
    /// <summary>Condition on the data's labels (the conditional VAE).</summary>
    public bool? Conditional { get; init; }
    /// <summary>Network body.</summary>
    public NetworkBody? Body { get; init; }
    /// <summary>Hidden dense widths (default 400, or 256 for conv).</summary>
    public int[]? Hidden { get; init; }
    /// <summary>Hidden activation.</summary>
    public HiddenActivation? Activation { get; init; }
    /// <summary>Conv channels.</summary>
    public int[]? Channels { get; init; }
    /// <summary>Conv kernel size.</summary>
    public int? KernelSize { get; init; }
    /// <summary>Conv batch normalisation.</summary>
    public bool? BatchNorm { get; init; }
    /// <summary>Latent dimension.</summary>
    public int? LatentDim { get; init; }
    /// <summary>|z_i| per stochastic layer, z₁ first (the hierarchical families iwae-2layer and ladder-vae).</summary>
    public int[]? LatentSizes { get; init; }
    /// <summary>Likelihood.</summary>
    public LikelihoodKind? Likelihood { get; init; }
    /// <summary>σ of a Gaussian likelihood.</summary>
    public float? GaussianStd { get; init; }
    /// <summary>KL weight β.</summary>
    public float? Beta { get; init; }
    /// <summary>Epochs.</summary>
    public int? Epochs { get; init; }
    /// <summary>Batch size.</summary>
    public int? BatchSize { get; init; }
    /// <summary>Learning rate.</summary>
    public float? LearningRate { get; init; }
    /// <summary>Adam's ε.</summary>
    public float? AdamEpsilon { get; init; }

    /// <summary>The optimiser (Adam unless given).</summary>
    public OptimizerKind? Optimizer { get; init; }
    /// <summary>Binarisation.</summary>
    public Binarization? Binarize { get; init; }
    /// <summary>Learning-rate schedule.</summary>
    public LrScheduleKind? LrSchedule { get; init; }
    /// <summary>Seed of the weights, shuffling and noise.</summary>
    public ulong? Seed { get; init; }
    /// <summary>Objective.</summary>
    public ObjectiveKind? Objective { get; init; }
    /// <summary>IWAE samples k.</summary>
    public int? IwaeSamples { get; init; }
    /// <summary>KL schedule.</summary>
    public KlScheduleKind? KlSchedule { get; init; }
    /// <summary>Linear warm-up steps (default: one epoch, or <see cref="KlWarmupFraction"/> of the run).</summary>
    public int? KlWarmupSteps { get; init; }
    /// <summary>Linear warm-up over this part of the run's steps, 0 &lt; f ≤ 1 (resolved to steps: round(f · epochs · steps per
    /// epoch), so it scales with <see cref="Epochs"/>). A request's own <see cref="KlWarmupSteps"/> or fraction wins over a
    /// preset's; its steps win over its fraction.</summary>
    public double? KlWarmupFraction { get; init; }
    /// <summary>Cyclical schedule cycles.</summary>
    public int? KlCycles { get; init; }
    /// <summary>Cyclical schedule ratio.</summary>
    public float? KlRatio { get; init; }
    /// <summary>Capacity γ.</summary>
    public float? CapacityGamma { get; init; }
    /// <summary>Capacity C_max.</summary>
    public float? CapacityMax { get; init; }
    /// <summary>Capacity steps.</summary>
    public int? CapacitySteps { get; init; }
    /// <summary>Free bits λ.</summary>
    public float? FreeBits { get; init; }
    /// <summary>Stop after the epoch during which this much training time has passed.</summary>
    public double? MaxMinutes { get; init; }
    /// <summary>What to do on a non-finite loss or gradient.</summary>
    public NonFinitePolicy? OnNonFinite { get; init; }
    /// <summary>Rollbacks allowed with <see cref="NonFinitePolicy.Rollback"/>.</summary>
    public int? MaxRollbacks { get; init; }
    /// <summary>Clip gradients to this total L2 norm.</summary>
    public float? ClipGradNorm { get; init; }
    /// <summary>Corrupt the training inputs with this noise (the denoising VAE): gaussian:σ, salt-pepper:p or mask:p.</summary>
    public string? TrainNoise { get; init; }
    /// <summary>β-TCVAE's α (index-code MI weight).</summary>
    public float? TcAlpha { get; init; }
    /// <summary>β-TCVAE's γ (dimension-wise KL weight).</summary>
    public float? TcGamma { get; init; }
    /// <summary>β-TCVAE's estimator of q(z).</summary>
    public TcEstimator? TcEstimator { get; init; }
    /// <summary>FactorVAE's γ.</summary>
    public float? FactorGamma { get; init; }
    /// <summary>FactorVAE's discriminator learning rate.</summary>
    public float? DiscriminatorLearningRate { get; init; }
    /// <summary>DIP-VAE's λ_od.</summary>
    public float? DipLambdaOffDiagonal { get; init; }
    /// <summary>DIP-VAE's λ_d (default 10·λ_od for DIP-VAE-I, λ_od for DIP-VAE-II).</summary>
    public float? DipLambdaDiagonal { get; init; }
    /// <summary>vq-vae: K, the number of codes.</summary>
    public int? CodebookSize { get; init; }
    /// <summary>vq-vae: β of the commitment term.</summary>
    public float? Commitment { get; init; }
    /// <summary>vq-vae: how the codebook learns (loss or ema).</summary>
    public CodebookUpdate? CodebookUpdate { get; init; }
    /// <summary>vq-vae: γ of the EMA codebook update.</summary>
    public float? EmaDecay { get; init; }
    /// <summary>vq-vae: restart dead codes at encoder outputs.</summary>
    public bool? DeadCodeRestart { get; init; }
    /// <summary>vq-vae: steps without an assignment after which a code is dead.</summary>
    public int? DeadCodeSteps { get; init; }
    /// <summary>vq-vae: residual blocks of the encoder and of the decoder.</summary>
    public int? ResidualBlocks { get; init; }
    /// <summary>vq-vae: hidden channels of a residual block.</summary>
    public int? ResidualChannels { get; init; }
    /// <summary>After training, write the latent grid and the test set's scatter plot (as the Keras example does).</summary>
    public bool? LatentPictures { get; init; }

    /// <summary>This request with every setting it leaves open taken from <paramref name="defaults"/>.</summary>
    public TrainingRequest Over(TrainingRequest defaults) => new()
    {
        Family = Family ?? defaults.Family, Conditional = Conditional ?? defaults.Conditional,
        Body = Body ?? defaults.Body, Hidden = Hidden ?? defaults.Hidden, Activation = Activation ?? defaults.Activation,
        Channels = Channels ?? defaults.Channels, KernelSize = KernelSize ?? defaults.KernelSize, BatchNorm = BatchNorm ?? defaults.BatchNorm,
        LatentDim = LatentDim ?? defaults.LatentDim, LatentSizes = LatentSizes ?? defaults.LatentSizes, Likelihood = Likelihood ?? defaults.Likelihood, GaussianStd = GaussianStd ?? defaults.GaussianStd,
        Beta = Beta ?? defaults.Beta, Epochs = Epochs ?? defaults.Epochs, BatchSize = BatchSize ?? defaults.BatchSize,
        LearningRate = LearningRate ?? defaults.LearningRate, AdamEpsilon = AdamEpsilon ?? defaults.AdamEpsilon, Optimizer = Optimizer ?? defaults.Optimizer, Binarize = Binarize ?? defaults.Binarize,
        LrSchedule = LrSchedule ?? defaults.LrSchedule, Seed = Seed ?? defaults.Seed, Objective = Objective ?? defaults.Objective,
        IwaeSamples = IwaeSamples ?? defaults.IwaeSamples, KlSchedule = KlSchedule ?? defaults.KlSchedule, KlWarmupSteps = KlWarmupSteps ?? defaults.KlWarmupSteps,
        KlWarmupFraction = KlWarmupFraction ?? defaults.KlWarmupFraction,
        KlCycles = KlCycles ?? defaults.KlCycles, KlRatio = KlRatio ?? defaults.KlRatio, CapacityGamma = CapacityGamma ?? defaults.CapacityGamma,
        CapacityMax = CapacityMax ?? defaults.CapacityMax, CapacitySteps = CapacitySteps ?? defaults.CapacitySteps, FreeBits = FreeBits ?? defaults.FreeBits,
        TcAlpha = TcAlpha ?? defaults.TcAlpha, TcGamma = TcGamma ?? defaults.TcGamma, TcEstimator = TcEstimator ?? defaults.TcEstimator,
        FactorGamma = FactorGamma ?? defaults.FactorGamma, DiscriminatorLearningRate = DiscriminatorLearningRate ?? defaults.DiscriminatorLearningRate,
        DipLambdaOffDiagonal = DipLambdaOffDiagonal ?? defaults.DipLambdaOffDiagonal, DipLambdaDiagonal = DipLambdaDiagonal ?? defaults.DipLambdaDiagonal,
        MaxMinutes = MaxMinutes ?? defaults.MaxMinutes, LatentPictures = LatentPictures ?? defaults.LatentPictures, ClipGradNorm = ClipGradNorm ?? defaults.ClipGradNorm, OnNonFinite = OnNonFinite ?? defaults.OnNonFinite, MaxRollbacks = MaxRollbacks ?? defaults.MaxRollbacks,
        TrainNoise = TrainNoise ?? defaults.TrainNoise,
        CodebookSize = CodebookSize ?? defaults.CodebookSize, Commitment = Commitment ?? defaults.Commitment, CodebookUpdate = CodebookUpdate ?? defaults.CodebookUpdate,
        EmaDecay = EmaDecay ?? defaults.EmaDecay, DeadCodeRestart = DeadCodeRestart ?? defaults.DeadCodeRestart, DeadCodeSteps = DeadCodeSteps ?? defaults.DeadCodeSteps,
        ResidualBlocks = ResidualBlocks ?? defaults.ResidualBlocks, ResidualChannels = ResidualChannels ?? defaults.ResidualChannels,
    };

    /// <summary>The built-in defaults (the PyTorch example's), for every setting that does not depend on the data or
    /// the other settings: hidden widths default to 400 (256 for conv), the linear KL warm-up to one epoch, the family to
    /// vae (cvae when <see cref="Conditional"/>).</summary>
    public static TrainingRequest BuiltIn { get; } = new()
    {
        Conditional = false, Body = NetworkBody.Mlp, Activation = HiddenActivation.Relu, Channels = [32, 64], KernelSize = 3, BatchNorm = false,
        LatentDim = 20, Likelihood = LikelihoodKind.Bernoulli, GaussianStd = 0.1f, Beta = 1f, Epochs = 10, BatchSize = 128, LearningRate = 1e-3f,
        AdamEpsilon = 1e-8f, Binarize = Binarization.None, LrSchedule = LrScheduleKind.Constant, Seed = 1, Objective = ObjectiveKind.Elbo, IwaeSamples = 5,
        KlSchedule = KlScheduleKind.Constant, KlCycles = 4, KlRatio = 0.5f, CapacityGamma = 0f, CapacityMax = 25f, CapacitySteps = 10_000, FreeBits = 0f,
        LatentPictures = false,
    };

    // The vq-vae's own settings onto its configuration; refused for any other family.
    private static ModelConfig WithVqVaeSettings(ModelConfig model, TrainingRequest r)
    {
        if (model is not VqVaeConfig vq)
        {
            var given = new (string Name, bool Set)[]
            {
                ("codebook_size", r.CodebookSize is not null), ("commitment", r.Commitment is not null), ("codebook_update", r.CodebookUpdate is not null),
                ("ema_decay", r.EmaDecay is not null), ("dead_code_restart", r.DeadCodeRestart is not null), ("dead_code_steps", r.DeadCodeSteps is not null),
                ("residual_blocks", r.ResidualBlocks is not null), ("residual_channels", r.ResidualChannels is not null),
            }.Where(g => g.Set).Select(g => g.Name).ToList();
            if (given.Count > 0) throw new ArgumentException($"{string.Join(", ", given)}: the codebook settings apply to family vq-vae only; this run's family is {ModelFamilies.For(model).Name}.");
            return model;
        }
        return vq with
        {
            CodebookSize = r.CodebookSize ?? vq.CodebookSize, Commitment = r.Commitment ?? vq.Commitment, CodebookUpdate = r.CodebookUpdate ?? vq.CodebookUpdate,
            EmaDecay = r.EmaDecay ?? vq.EmaDecay, DeadCodeRestart = r.DeadCodeRestart ?? vq.DeadCodeRestart, DeadCodeSteps = r.DeadCodeSteps ?? vq.DeadCodeSteps,
            ResidualBlocks = r.ResidualBlocks ?? vq.ResidualBlocks, ResidualChannels = r.ResidualChannels ?? vq.ResidualChannels,
        };
    }

    /// <summary>The run's configuration for training on <paramref name="train"/> (named <paramref name="dataName"/>): the
    /// preset's values where this request is silent, then <see cref="BuiltIn"/>, all validated.</summary>
    /// <exception cref="ArgumentException">A value is out of range or does not fit the data; the message names the field.</exception>
    public (RunConfig Config, RunOptions Options) Resolve(IDataset train, string dataName, TrainingPreset? preset = null)
    {
        var r = (preset is null ? this : Over(preset.Defaults)).Over(BuiltIn);
        var family = ModelFamilies.Find(r.Family ?? (r.Conditional == true ? "cvae" : "vae"));
        if (r.Conditional == true && family.ConfigType != typeof(ConditionalVaeConfig))
            throw new ArgumentException($"conditional: the conditional VAE is family cvae, which contradicts family {family.Name}.");
        var body = r.Body!.Value;
        var network = new NetworkConfig
        {
            Body = body, Hidden = r.Hidden ?? (body == NetworkBody.Conv ? [256] : [400]), Activation = r.Activation!.Value,
            Channels = r.Channels!, KernelSize = r.KernelSize!.Value, BatchNorm = r.BatchNorm!.Value,
        };
        ulong seed = r.Seed!.Value;
        var given = preset is null ? this : Over(preset.Defaults);
        var table = train.Table;
        if (table is not null && given.Likelihood is LikelihoodKind kind && kind != LikelihoodKind.Table)
            throw new ArgumentException($"likelihood {ConfigJson.Name(kind)}: {dataName} is a table; its likelihood is one per column (numeric Gaussian, binary Bernoulli, categorical), likelihood table.");
        if (table is null && r.Likelihood == LikelihoodKind.Table)
            throw new ArgumentException($"likelihood table: {dataName} is not a table; expected bernoulli, gaussian or gaussian-learned.");
        if (table is not null && r.Binarize == Binarization.Dynamic)
            throw new ArgumentException($"binarize dynamic: {dataName} is a table; binarisation is for grey images.");
        var model = family.Configure(new ModelSettings(train.ExampleShape, train.ClassCount, r.LatentDim!.Value, network,
            table is null ? r.Likelihood!.Value : LikelihoodKind.Table, table is null ? r.GaussianStd!.Value : given.GaussianStd ?? 1f, r.Beta!.Value, seed,
            r.LatentSizes, HiddenGiven: r.Hidden is not null));
        if (table is not null) model = model with { TableBlocks = table.LikelihoodBlocks };
        model = WithVqVaeSettings(model, r);
        int batchSize = r.BatchSize!.Value;
        if (batchSize <= 0) throw new ArgumentException($"batch_size {batchSize}: expected a positive integer.");
        int stepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
        int? WarmupSteps(TrainingRequest q)
        {
            if (q.KlWarmupSteps is int steps) return steps;
            if (q.KlWarmupFraction is not double f) return null;
            if (!(f > 0 && f <= 1)) throw new ArgumentException($"kl_warmup_fraction {f}: expected the part of the run's steps to warm up over, 0 < f ≤ 1.");
            return (int)Math.Clamp(Math.Round(f * r.Epochs!.Value * (double)stepsPerEpoch), 1, int.MaxValue);
        }
        var objective = new ObjectiveOptions
        {
            Objective = r.Objective!.Value, IwaeSamples = r.IwaeSamples!.Value,
            KlSchedule = r.KlSchedule!.Value, KlWarmupSteps = WarmupSteps(this) ?? (preset is null ? null : WarmupSteps(preset.Defaults)) ?? stepsPerEpoch,
            KlCycles = r.KlCycles!.Value, KlRatio = r.KlRatio!.Value,
            CapacityGamma = r.CapacityGamma!.Value, CapacityMax = r.CapacityMax!.Value, CapacitySteps = r.CapacitySteps!.Value, FreeBits = r.FreeBits!.Value,
        };
        var od = new ObjectiveOptions();
        objective = objective with
        {
            TcAlpha = r.TcAlpha ?? od.TcAlpha, TcGamma = r.TcGamma ?? od.TcGamma, TcEstimator = r.TcEstimator ?? od.TcEstimator, FactorGamma = r.FactorGamma ?? od.FactorGamma,
            DiscriminatorLearningRate = r.DiscriminatorLearningRate ?? od.DiscriminatorLearningRate,
            DipLambdaOffDiagonal = r.DipLambdaOffDiagonal ?? od.DipLambdaOffDiagonal, DipLambdaDiagonal = r.DipLambdaDiagonal ?? od.DipLambdaDiagonal,
        };
        var training = new TrainingOptions
        {
            Epochs = r.Epochs!.Value, BatchSize = batchSize, LearningRate = r.LearningRate!.Value, AdamEpsilon = r.AdamEpsilon!.Value,
            Binarize = r.Binarize!.Value, Objective = objective, LrSchedule = r.LrSchedule!.Value, Seed = seed, ClipGradNorm = r.ClipGradNorm, OnNonFinite = r.OnNonFinite ?? NonFinitePolicy.Stop, MaxRollbacks = r.MaxRollbacks ?? 3,
            TrainNoise = r.TrainNoise, Optimizer = r.Optimizer ?? OptimizerKind.Adam,
        };
        if (model is VqVaeConfig && (objective.Objective != ObjectiveKind.Elbo || objective.HasKlControls))
            throw new ArgumentException($"objective {ConfigJson.Name(objective.Objective)}{(objective.HasKlControls ? " with KL controls" : "")}: a vq-vae trains on its own loss " +
                "(reconstruction + codebook + β·commitment); it has no KL to weigh and its point-mass posterior no density for the IWAE bound or the disentangling objectives.");
        model.Validate();
        training.Validate();
        if (r.MaxMinutes is double m && !(m > 0)) throw new ArgumentException($"max_minutes {m}: expected a positive number of minutes.");
        var config = new RunConfig { Model = model, Training = training, Data = dataName, Preset = preset?.Name, Table = table };
        return (config, new RunOptions { MaxMinutes = r.MaxMinutes, LatentPictures = r.LatentPictures!.Value });
    }
}
