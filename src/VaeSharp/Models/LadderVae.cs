using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Tensors;
using VaeSharp.Networks;
using VaeSharp.Objectives;

namespace VaeSharp.Models;

/// <summary>The Ladder VAE's configuration (family <c>ladder-vae</c>); by default the paper's MNIST model: deterministic
/// blocks of 512, 256, 128, 64, 32 units, z of 64, 32, 16, 8, 4, batch normalisation, leaky ReLU.</summary>
public sealed record LadderVaeConfig : HierarchicalConfig
{
    /// <summary>The paper's MNIST model.</summary>
    public LadderVaeConfig()
    {
        LatentSizes = [64, 32, 16, 8, 4];
        LatentDim = 124;
        Network = new NetworkConfig { Hidden = [512, 256, 128, 64, 32], Activation = HiddenActivation.LeakyRelu, BatchNorm = true };
    }
}

/// <summary>
/// The Ladder VAE — Sønderby, Raiko, Maaløe, Sønderby &amp; Winther, "Ladder Variational Autoencoders", NeurIPS 2016:
/// <code>
///   bottom-up:  d_i = block_i(d_{i−1}), d_0 = x;   (μ̂_i, σ̂_i²) = heads(d_i)                       deterministic
///   top-down:   p(z_L) = N(0, I);  p(z_i | z_{i+1}) = N(μ_p,i, σ_p,i²) = heads(block(z_{i+1}))      generative
///   posterior:  q(z_L | x) = N(μ̂_L, σ̂_L²);  q(z_i | z_{i+1}, x) = N(μ_q,i, σ_q,i²), precision-weighted:
///               σ_q² = 1 / (σ̂⁻² + σ_p⁻²),   μ_q = (μ̂ σ̂⁻² + μ_p σ_p⁻²) σ_q²                          (eq. 18–19)
///   p(x | z₁)   a block over z₁ → the likelihood's parameters
///   loss = −ELBO = E_q[−log p(x | z₁)] + w(t) Σ_i KL(q(z_i | ·) ‖ p(z_i | z_{i+1}))                 <see cref="HierarchicalElbo"/>
/// </code>
/// The generative top-down pass is shared by the prior and the posterior. Batch normalisation in every deterministic
/// layer and the KL warm-up w(t) (<c>--kl-schedule linear</c>) are, the paper says, what make the deep model train.
/// State dict: <c>up{i}</c> (block), <c>up{i}_mu</c>, <c>up{i}_logvar</c>; <c>down{i}</c>, <c>down{i}_mu</c>, <c>down{i}_logvar</c>
/// (i &lt; L); <c>decoder</c>, <c>decoder_out</c>; <c>likelihood</c>. Weights drawn in that order from <see cref="RngStream.Weights"/>.
/// </summary>
public sealed class LadderVae : LatentVariableModel
{
    private readonly Sequential[] _up, _down;
    private readonly Linear[] _upMu, _upLogVar, _downMu, _downLogVar;
    private readonly Sequential _decoder;
    private readonly Linear _decoderOut;
    private readonly HierarchicalGaussian.LayerPosterior[] _posteriorLayers;

    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed.</summary>
    public LadderVae(LadderVaeConfig config) : base(config)
    {
        Config = config;
        var rng = RngStreams.Create(config.Seed, RngStream.Weights);
        var sizes = config.LatentSizes;
        int layers = sizes.Length, depth = config.BlockDepth;
        var net = config.Network;
        _up = new Sequential[layers]; _upMu = new Linear[layers]; _upLogVar = new Linear[layers];
        for (int i = 0; i < layers; i++)
        {
            _up[i] = RegisterModule($"up{i + 1}", Layers.Block(i == 0 ? config.InputSize : net.Hidden[i - 1], net.Hidden[i], depth, net.Activation, net.BatchNorm, rng));
            _upMu[i] = RegisterModule($"up{i + 1}_mu", new Linear(net.Hidden[i], sizes[i], rng));
            _upLogVar[i] = RegisterModule($"up{i + 1}_logvar", new Linear(net.Hidden[i], sizes[i], rng));
        }
        _down = new Sequential[layers - 1]; _downMu = new Linear[layers - 1]; _downLogVar = new Linear[layers - 1];
        for (int i = layers - 2; i >= 0; i--)
        {
            _down[i] = RegisterModule($"down{i + 1}", Layers.Block(sizes[i + 1], net.Hidden[i + 1], depth, net.Activation, net.BatchNorm, rng));
            _downMu[i] = RegisterModule($"down{i + 1}_mu", new Linear(net.Hidden[i + 1], sizes[i], rng));
            _downLogVar[i] = RegisterModule($"down{i + 1}_logvar", new Linear(net.Hidden[i + 1], sizes[i], rng));
        }
        _decoder = RegisterModule("decoder", Layers.Block(sizes[0], net.Hidden[0], depth, net.Activation, net.BatchNorm, rng));
        _decoderOut = RegisterModule("decoder_out", new Linear(net.Hidden[0], config.InputSize, rng));
        Likelihood = RegisterModule("likelihood", Likelihood.Create(config));
        Prior = new HierarchicalPrior(sizes, TopDown);
        _posteriorLayers = new HierarchicalGaussian.LayerPosterior[layers];
        _posteriorLayers[layers - 1] = (_, up) => new DiagonalGaussian(up[0], up[1]);
        for (int i = 0; i < layers - 1; i++)
        {
            int layer = i;
            _posteriorLayers[i] = (above, up) => Merge(new DiagonalGaussian(up[0], up[1]), TopDown(layer, above!));
        }
        LossTermNames = HierarchicalElbo.TermNames(layers);
    }

    /// <summary>The configuration the model was built from.</summary>
    public new LadderVaeConfig Config { get; }

    /// <inheritdoc />
    public override Likelihood Likelihood { get; }

    /// <summary>p(z_L) Π p(z_i | z_{i+1}), the top-down pass.</summary>
    public override HierarchicalPrior Prior { get; }

    /// <inheritdoc />
    public override string Description => $"Ladder VAE (Sønderby et al. 2016; z {string.Join("-", Config.LatentSizes)})";

    /// <inheritdoc />
    public override IReadOnlyList<string> LossTermNames { get; }

    /// <summary>The precision-weighted combination of the bottom-up Gaussian N(μ̂, σ̂²) and the top-down prior N(μ_p, σ_p²):
    /// σ_q² = 1 / (σ̂⁻² + σ_p⁻²), μ_q = (μ̂ σ̂⁻² + μ_p σ_p⁻²) σ_q² (Sønderby et al. 2016, eq. 18–19), computed in the
    /// log-variances without forming a precision (which overflows for log σ² &lt; −88):
    /// <code>
    ///   w = σ̂⁻² / (σ̂⁻² + σ_p⁻²) = sigmoid(log σ_p² − log σ̂²),   μ_q = μ_p + w (μ̂ − μ_p),   log σ_q² = log σ̂² − softplus(log σ̂² − log σ_p²)
    /// </code></summary>
    public static DiagonalGaussian Merge(DiagonalGaussian bottomUp, DiagonalGaussian topDown)
    {
        ArgumentNullException.ThrowIfNull(bottomUp);
        ArgumentNullException.ThrowIfNull(topDown);
        var d = bottomUp.LogVar - topDown.LogVar;
        var w = Ops.Sigmoid(-d);
        return new DiagonalGaussian(topDown.Mean + w * (bottomUp.Mean - topDown.Mean), bottomUp.LogVar - Ops.Softplus(d));
    }

    /// <summary>q(z_L | x) Π q(z_i | z_{i+1}, x), drawn top-down after one bottom-up pass.</summary>
    public override HierarchicalGaussian Encode(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var d = Ops.Reshape(batch.X, batch.Count, Config.InputSize);
        var up = new IReadOnlyList<Tensor>[Config.LatentSizes.Length];
        for (int i = 0; i < up.Length; i++)
        {
            d = _up[i].Forward(d);
            up[i] = [_upMu[i].Forward(d), _upLogVar[i].Forward(d)];
        }
        return new HierarchicalGaussian(Config.LatentSizes, topDown: true, _posteriorLayers, up, batch.Count);
    }

    /// <summary>The likelihood's parameters from z₁, the first |z₁| values of each code (N, D).</summary>
    public override Tensor Decode(Tensor z, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        RejectLabels(labels);
        if (z.Rank != 2 || z.Shape[1] != LatentDim) throw new ArgumentException($"Codes of shape ({string.Join(", ", z.Shape.ToArray())}); expected (N, {LatentDim}).", nameof(z));
        var z1 = Config.LatentSizes.Length == 1 ? z : Ops.Narrow(z, 1, 0, Config.LatentSizes[0]);
        return Ops.Reshape(_decoderOut.Forward(_decoder.Forward(z1)), [z.Shape[0], .. InputShape]);
    }

    /// <inheritdoc />
    public override ModelLoss Loss(Batch batch, LossContext context) => HierarchicalElbo.Compute(this, Encode(batch), Prior, batch, context);

    // p(z_i | z_{i+1}) for layer i (0-based) from z_{i+1}.
    private DiagonalGaussian TopDown(int layer, Tensor above)
    {
        var h = _down[layer].Forward(above);
        return new DiagonalGaussian(_downMu[layer].Forward(h), _downLogVar[layer].Forward(h));
    }
}
