using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Tensors;
using VaeSharp.Networks;
using VaeSharp.Objectives;

namespace VaeSharp.Models;

/// <summary>The IWAE paper's model with several stochastic layers (family <c>iwae-2layer</c>); by default its MNIST
/// model: z₁ of 100 and z₂ of 50, blocks of two tanh layers of 100 and of 50 units.</summary>
public sealed record HierarchicalVaeConfig : HierarchicalConfig
{
    /// <summary>The paper's two-layer MNIST model.</summary>
    public HierarchicalVaeConfig()
    {
        LatentSizes = [100, 50];
        LatentDim = 150;
        Network = new NetworkConfig { Hidden = [100, 50], Activation = HiddenActivation.Tanh };
    }
}

/// <summary>
/// The VAE with L stochastic layers of Burda, Grosse &amp; Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016
/// (Appendix; L = 2 on MNIST: 784 → 100 → 100 → z₁ (100) → 50 → 50 → z₂ (50), tanh, the generative network its mirror):
/// <code>
///   q(z₁ | x) q(z₂ | z₁) …          each N(μ(h), diag σ²(h)) of a block h of dense layers under it   (bottom-up)
///   p(z_L) = N(0, I),  p(z_i | z_{i+1}) = N(μ(h), diag σ²(h)),  h a block over z_{i+1}             (top-down)
///   p(x | z₁)                        a block over z₁ → the likelihood's parameters
///   loss = −ELBO = E_q[−log p(x | z₁)] + Σ_i KL_i                    <see cref="HierarchicalElbo"/>
/// </code>
/// σ comes from a linear log σ² (the paper's exp activation on log σ: the same family). Trained with the ELBO or, over the
/// contract, with the IWAE bound (<c>--objective iwae</c>); importance sampling uses the full q(z₁, …, z_L | x).
/// State dict: <c>q{i}</c> (block), <c>q{i}_mu</c>, <c>q{i}_logvar</c>; <c>p{i}</c>, <c>p{i}_mu</c>, <c>p{i}_logvar</c> (i &lt; L);
/// <c>decoder</c>, <c>decoder_out</c>; <c>likelihood</c>. Weights drawn in that order from <see cref="RngStream.Weights"/>.
/// </summary>
public sealed class HierarchicalVae : LatentVariableModel
{
    private readonly Sequential[] _qBlocks, _pBlocks;
    private readonly Linear[] _qMu, _qLogVar, _pMu, _pLogVar;
    private readonly Sequential _decoder;
    private readonly Linear _decoderOut;
    private readonly HierarchicalGaussian.LayerPosterior[] _posteriorLayers;

    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed.</summary>
    public HierarchicalVae(HierarchicalVaeConfig config) : base(config)
    {
        Config = config;
        var rng = RngStreams.Create(config.Seed, RngStream.Weights);
        var sizes = config.LatentSizes;
        int layers = sizes.Length, depth = config.BlockDepth;
        var net = config.Network;
        _qBlocks = new Sequential[layers]; _qMu = new Linear[layers]; _qLogVar = new Linear[layers];
        for (int i = 0; i < layers; i++)
        {
            int below = i == 0 ? config.InputSize : sizes[i - 1];
            _qBlocks[i] = RegisterModule($"q{i + 1}", Layers.Block(below, net.Hidden[i], depth, net.Activation, net.BatchNorm, rng));
            _qMu[i] = RegisterModule($"q{i + 1}_mu", new Linear(net.Hidden[i], sizes[i], rng));
            _qLogVar[i] = RegisterModule($"q{i + 1}_logvar", new Linear(net.Hidden[i], sizes[i], rng));
        }
        _pBlocks = new Sequential[layers - 1]; _pMu = new Linear[layers - 1]; _pLogVar = new Linear[layers - 1];
        for (int i = layers - 2; i >= 0; i--)
        {
            _pBlocks[i] = RegisterModule($"p{i + 1}", Layers.Block(sizes[i + 1], net.Hidden[i + 1], depth, net.Activation, net.BatchNorm, rng));
            _pMu[i] = RegisterModule($"p{i + 1}_mu", new Linear(net.Hidden[i + 1], sizes[i], rng));
            _pLogVar[i] = RegisterModule($"p{i + 1}_logvar", new Linear(net.Hidden[i + 1], sizes[i], rng));
        }
        _decoder = RegisterModule("decoder", Layers.Block(sizes[0], net.Hidden[0], depth, net.Activation, net.BatchNorm, rng));
        _decoderOut = RegisterModule("decoder_out", new Linear(net.Hidden[0], config.InputSize, rng));
        Likelihood = RegisterModule("likelihood", Likelihood.Create(config));
        Prior = new HierarchicalPrior(sizes, (i, above) =>
        {
            var h = _pBlocks[i].Forward(above);
            return new DiagonalGaussian(_pMu[i].Forward(h), _pLogVar[i].Forward(h));
        });
        _posteriorLayers = new HierarchicalGaussian.LayerPosterior[layers];
        _posteriorLayers[0] = (_, context) => new DiagonalGaussian(context[0], context[1]);
        for (int i = 1; i < layers; i++)
        {
            int layer = i;
            _posteriorLayers[i] = (below, _) =>
            {
                var h = _qBlocks[layer].Forward(below!);
                return new DiagonalGaussian(_qMu[layer].Forward(h), _qLogVar[layer].Forward(h));
            };
        }
        LossTermNames = HierarchicalElbo.TermNames(layers);
    }

    /// <summary>The configuration the model was built from.</summary>
    public new HierarchicalVaeConfig Config { get; }

    /// <inheritdoc />
    public override Likelihood Likelihood { get; }

    /// <summary>p(z_L) Π p(z_i | z_{i+1}).</summary>
    public override HierarchicalPrior Prior { get; }

    /// <inheritdoc />
    public override string Description => $"{Config.LatentSizes.Length}-layer VAE (Burda et al. 2016; z {string.Join("-", Config.LatentSizes)})";

    /// <inheritdoc />
    public override IReadOnlyList<string> LossTermNames { get; }

    /// <summary>q(z₁ | x) q(z₂ | z₁) …, drawn bottom-up.</summary>
    public override HierarchicalGaussian Encode(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var h = _qBlocks[0].Forward(Ops.Reshape(batch.X, batch.Count, Config.InputSize));
        var context = new IReadOnlyList<Tensor>[Config.LatentSizes.Length];
        context[0] = [_qMu[0].Forward(h), _qLogVar[0].Forward(h)];
        for (int i = 1; i < context.Length; i++) context[i] = [];
        return new HierarchicalGaussian(Config.LatentSizes, topDown: false, _posteriorLayers, context, batch.Count);
    }

    /// <summary>The likelihood's parameters from z₁, the first |z₁| values of each code (N, D).</summary>
    public override Tensor Decode(Tensor z, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        RejectLabels(labels);
        if (z.Rank != 2 || z.Shape[1] != LatentDim) throw new ArgumentException($"Codes of shape ({string.Join(", ", z.Shape.ToArray())}); expected (N, {LatentDim}).", nameof(z));
        var z1 = Config.LatentSizes.Length == 1 ? z : Ops.Narrow(z, 1, 0, Config.LatentSizes[0]);
        var logits = _decoderOut.Forward(_decoder.Forward(z1));
        return Ops.Reshape(logits, [z.Shape[0], .. InputShape]);
    }

    /// <inheritdoc />
    public override ModelLoss Loss(Batch batch, LossContext context) => HierarchicalElbo.Compute(this, Encode(batch), Prior, batch, context);
}
