using VaeSharp.Data;
using VaeSharp.Networks;

namespace VaeSharp.Training;

/// <summary>A published configuration by name: defaults that a request's own settings override.</summary>
/// <param name="Name">The name (<c>--preset NAME</c>).</param>
/// <param name="Description">Where it comes from, in one sentence.</param>
/// <param name="Defaults">The settings it gives.</param>
public sealed record TrainingPreset(string Name, string Description, TrainingRequest Defaults)
{
    /// <summary>The Keras VAE example: conv 32/64 → dense 16 → z = 2, with the latent grid and scatter plot written after
    /// training. Leaky ReLU, since plain ReLU's dense-16 layer dies here (docs/latent-space.md).</summary>
    public static TrainingPreset Keras2D { get; } = new("keras-2d",
        "the Keras VAE example: conv 32/64 → 16 → z = 2, leaky ReLU (plain ReLU collapses here, docs/latent-space.md), latent grid and scatter plot after training",
        new TrainingRequest { Body = NetworkBody.Conv, Hidden = [16], LatentDim = 2, Activation = HiddenActivation.LeakyRelu, LatentPictures = true });

    /// <summary>Burda et al. 2016's MNIST model: 784-200-200-50 tanh, dynamic binarisation, Adam ε = 1e-4, batch 20 (the paper's),
    /// with the schedule that reached the lowest NLL in an hour of one CPU core (docs/benchmarks.md, "Likelihood per hour"): lr 1e-3
    /// cosine-annealed to 0 over 1,900 epochs and a linear KL warm-up over the first 10 % of the steps. The paper's learning-rate
    /// stages are <c>--lr-schedule iwae</c>; <c>--epochs</c> rescales the cosine and the warm-up with it.</summary>
    public static TrainingPreset IwaeMnist { get; } = new("iwae-mnist",
        "Burda et al. 2016: 784-200-200-50 tanh, dynamic binarisation, Adam ε = 1e-4, batch 20; lr 1e-3 cosine-annealed over 1,900 epochs (about an hour on one core) with a KL warm-up over the first 10 % of the steps, the best of the 60-minute study (the paper's stages: --lr-schedule iwae)",
        new TrainingRequest
        {
            Hidden = [200, 200], LatentDim = 50, Activation = HiddenActivation.Tanh, Binarize = Binarization.Dynamic,
            LrSchedule = LrScheduleKind.Cosine, AdamEpsilon = 1e-4f, BatchSize = 20, Epochs = 1900,
            KlSchedule = Objectives.KlScheduleKind.Linear, KlWarmupFraction = 0.1,
        });

    /// <summary>Burda et al. 2016's MNIST model with two stochastic layers (Appendix): 784-100-100-z₁ (100)-50-50-z₂ (50) tanh,
    /// the generative network its mirror, dynamic binarisation, batch 20, Adam ε = 1e-4 and the paper's learning-rate
    /// stages. ELBO training by default; <c>--objective iwae --iwae-k 5</c> for the paper's IWAE.</summary>
    public static TrainingPreset IwaeMnist2Layer { get; } = new("iwae-mnist-2layer",
        "Burda et al. 2016's two-stochastic-layer model: 784-100-100-z₁ 100-50-50-z₂ 50 tanh, dynamic binarisation, batch 20, Adam ε = 1e-4 and the paper's learning-rate stages",
        new TrainingRequest
        {
            Family = "iwae-2layer", Hidden = [100, 50], LatentSizes = [100, 50], Activation = HiddenActivation.Tanh, Binarize = Binarization.Dynamic,
            LrSchedule = LrScheduleKind.Iwae, AdamEpsilon = 1e-4f, BatchSize = 20,
        });

    /// <summary>Sønderby et al. 2016's MNIST Ladder VAE (§3): deterministic blocks of 512-256-128-64-32 units (two dense
    /// layers each, batch normalisation, leaky ReLU), z of 64-32-16-8-4, dynamic binarisation, Adam lr 2e-3, batch 256, and the
    /// linear KL warm-up over 200 epochs (200 × 235 steps of MNIST's 60,000 images at batch 256); 2,000 epochs.</summary>
    public static TrainingPreset LadderMnist { get; } = new("ladder-mnist",
        "Sønderby et al. 2016's MNIST Ladder VAE: 512-256-128-64-32 deterministic units with batch norm and leaky ReLU, z 64-32-16-8-4, dynamic binarisation, Adam 2e-3, batch 256, KL warm-up over 200 epochs",
        new TrainingRequest
        {
            Family = "ladder-vae", Hidden = [512, 256, 128, 64, 32], LatentSizes = [64, 32, 16, 8, 4], Activation = HiddenActivation.LeakyRelu, BatchNorm = true,
            Binarize = Binarization.Dynamic, LearningRate = 2e-3f, BatchSize = 256, KlSchedule = Objectives.KlScheduleKind.Linear, KlWarmupSteps = 200 * 235, Epochs = 2000,
        });

    /// <summary>PyTorch-VAE's VanillaVAE for 64×64 colour images (CelebA in its configs): five stride-2 3×3 convolutions of
    /// 32, 64, 128, 256, 512 channels with batch norm and leaky ReLU straight into z = 128, the decoder their mirror,
    /// Adam 5e-3, batch 64. Its MSE loss with a KL weight of 0.00025 becomes here a Gaussian likelihood with a learned σ
    /// (the σ-VAE), which sets that balance from the data instead.</summary>
    public static TrainingPreset PytorchVae64 { get; } = new("pytorch-vae-64",
        "PyTorch-VAE's VanillaVAE for 64×64 colour images: conv 32/64/128/256/512 with batch norm and leaky ReLU → z = 128, learned-σ Gaussian, Adam 5e-3, batch 64",
        new TrainingRequest
        {
            Body = NetworkBody.Conv, Channels = [32, 64, 128, 256, 512], KernelSize = 3, BatchNorm = true, Hidden = [],
            Activation = HiddenActivation.LeakyRelu, LatentDim = 128, Likelihood = Distributions.LikelihoodKind.GaussianLearned,
            LearningRate = 5e-3f, BatchSize = 64,
        });

    /// <summary>disentanglement_lib's dSprites model (Locatello et al. 2019): conv 32-32-64-64, 4×4 stride 2, dense 256,
    /// 10 latents, Bernoulli; batch 64, Adam lr 1e-4. Our decoder mirrors the encoder and ends in a 3×3 stride-1
    /// transposed convolution to the channels, where disentanglement_lib's last 4×4 up-convolution outputs them.</summary>
    public static TrainingPreset DSpritesConv { get; } = new("dsprites-conv",
        "disentanglement_lib's dSprites model: conv 32-32-64-64 (4×4, stride 2) → 256 → z = 10, Bernoulli, batch 64, Adam lr 1e-4",
        new TrainingRequest
        {
            Body = NetworkBody.Conv, Channels = [32, 32, 64, 64], KernelSize = 4, Hidden = [256], LatentDim = 10, Activation = HiddenActivation.Relu,
            Likelihood = Distributions.LikelihoodKind.Bernoulli, BatchSize = 64, LearningRate = 1e-4f,
        });

    /// <summary>The VQ-VAE of van den Oord et al. 2017 sized for 28×28 MNIST on a few CPU cores: two 4×4 stride-2 convolutions of
    /// 64 and 128 channels (28 → 14 → 7), a 3×3 convolution, two residual blocks of 32 hidden channels, a 7×7 grid of
    /// D = 16 codes from K = 256, β = 0.25, the EMA codebook update (γ = 0.99; it trained faster and further than the
    /// loss update in the same time, docs/vqvae.md), dead codes restarted; Bernoulli likelihood on the grey values,
    /// Adam 1e-3, batch 128.</summary>
    public static TrainingPreset VqVaeMnist { get; } = new("vqvae-mnist",
        "van den Oord et al. 2017's VQ-VAE for MNIST: conv 64/128 (4×4, stride 2) + 2 residual blocks → 7×7 grid of D = 16 codes from K = 256, EMA codebook, β = 0.25, Bernoulli, Adam 1e-3, batch 128",
        VqVaeRequest(Distributions.LikelihoodKind.Bernoulli));

    /// <summary>As <see cref="VqVaeMnist"/> for Fashion-MNIST, with a Gaussian likelihood of fixed σ = 0.1 (a squared error,
    /// the paper's reconstruction loss for images) in place of the Bernoulli.</summary>
    public static TrainingPreset VqVaeFashion { get; } = new("vqvae-fashion",
        "the vqvae-mnist model for Fashion-MNIST with a Gaussian likelihood (σ = 0.1, a squared error) instead of the Bernoulli",
        VqVaeRequest(Distributions.LikelihoodKind.Gaussian));

    private static TrainingRequest VqVaeRequest(Distributions.LikelihoodKind likelihood) => new()
    {
        Family = "vq-vae", Body = NetworkBody.Conv, Channels = [64, 128], KernelSize = 4, Activation = HiddenActivation.Relu, LatentDim = 16,
        CodebookSize = 256, Commitment = 0.25f, CodebookUpdate = Models.CodebookUpdate.Ema, EmaDecay = 0.99f, ResidualBlocks = 2, ResidualChannels = 32,
        Likelihood = likelihood, GaussianStd = 0.1f, LearningRate = 1e-3f, BatchSize = 128,
    };

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<TrainingPreset> All { get; } = [Keras2D, IwaeMnist, IwaeMnist2Layer, LadderMnist, PytorchVae64, DSpritesConv, VqVaeMnist, VqVaeFashion];

    /// <summary>The preset named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such preset; the message lists them.</exception>
    public static TrainingPreset Find(string name) => All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"preset '{name}': expected one of {string.Join(", ", All.Select(p => p.Name))}.");
}
