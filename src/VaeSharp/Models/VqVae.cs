using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Networks;

namespace VaeSharp.Models;

/// <summary>How a VQ-VAE's codebook learns (config.json <c>codebook_update</c>).</summary>
public enum CodebookUpdate
{
    /// <summary>By gradient: the codebook term ‖sg[z_e] − e‖² is part of the loss ("loss").</summary>
    Loss,
    /// <summary>By exponential moving averages of the assigned encoder outputs, once per training step; no codebook term ("ema").</summary>
    Ema,
}

/// <summary>The VQ-VAE's configuration (family <c>vq-vae</c>). <see cref="ModelConfig.LatentDim"/> is D, the dimension of
/// one code vector; the model's latent (what <see cref="VqVae.Encode"/> gives and <see cref="VqVae.Decode"/> takes) is
/// the flattened grid, H·W·D values. <c>network.channels</c> are the stride-2 convolutions (each halves the grid),
/// <c>network.kernel_size</c> their kernel (4 in the paper), <c>network.activation</c> the ReLUs; a VQ-VAE has no
/// dense layers (<c>network.hidden</c> is empty) and no batch norm.</summary>
public sealed record VqVaeConfig : ModelConfig
{
    /// <summary>K, the number of codebook vectors.</summary>
    public int CodebookSize { get; init; } = 512;

    /// <summary>β, the weight of the commitment term ‖z_e − sg[e]‖² (the paper: 0.25).</summary>
    public float Commitment { get; init; } = 0.25f;

    /// <summary>How the codebook learns.</summary>
    public CodebookUpdate CodebookUpdate { get; init; } = CodebookUpdate.Loss;

    /// <summary>γ of the EMA update (the paper: 0.99).</summary>
    public float EmaDecay { get; init; } = 0.99f;

    /// <summary>ε of the Laplace smoothing of the EMA cluster sizes (Sonnet: 1e-5).</summary>
    public float EmaEpsilon { get; init; } = 1e-5f;

    /// <summary>Restart a code that no encoder output chose for <see cref="DeadCodeSteps"/> training steps at a random encoder output of the current batch.</summary>
    public bool DeadCodeRestart { get; init; } = true;

    /// <summary>Training steps without an assignment after which a code is dead.</summary>
    public int DeadCodeSteps { get; init; } = 100;

    /// <summary>Residual blocks after the convolutions of the encoder and before the transposed convolutions of the decoder.</summary>
    public int ResidualBlocks { get; init; } = 2;

    /// <summary>Hidden channels of a residual block's 3×3 convolution.</summary>
    public int ResidualChannels { get; init; } = 32;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Network.Body != NetworkBody.Conv) throw new ArgumentException("network.body mlp: a vq-vae is convolutional (network.body conv); its codes form a grid.");
        if (Network.Hidden.Length > 0) throw new ArgumentException($"network.hidden [{string.Join(", ", Network.Hidden)}]: a vq-vae has no dense layers; expected [].");
        if (Network.BatchNorm) throw new ArgumentException("network.batch_norm true: a vq-vae has no batch normalisation; expected false.");
        if (Likelihood == LikelihoodKind.Table) throw new ArgumentException("likelihood table: a vq-vae models images; expected bernoulli, gaussian or gaussian-learned.");
        if (CodebookSize is < 2 or > 65536) throw new ArgumentException($"codebook_size {CodebookSize}: expected 2 to 65536 codes.");
        if (!(Commitment >= 0f) || float.IsInfinity(Commitment)) throw new ArgumentException($"commitment {Commitment}: expected a finite β ≥ 0.");
        if (!Enum.IsDefined(CodebookUpdate)) throw new ArgumentException($"codebook_update {CodebookUpdate}: expected loss or ema.");
        if (!(EmaDecay > 0f && EmaDecay < 1f)) throw new ArgumentException($"ema_decay {EmaDecay}: expected a value in (0, 1).");
        if (!(EmaEpsilon > 0f) || float.IsInfinity(EmaEpsilon)) throw new ArgumentException($"ema_epsilon {EmaEpsilon}: expected a small positive value.");
        if (DeadCodeSteps < 1) throw new ArgumentException($"dead_code_steps {DeadCodeSteps}: expected a positive number of steps.");
        if (ResidualBlocks is < 0 or > 32) throw new ArgumentException($"residual_blocks {ResidualBlocks}: expected 0 to 32.");
        if (ResidualChannels < 1) throw new ArgumentException($"residual_channels {ResidualChannels}: expected a positive channel count.");
    }
}

/// <summary>
/// The VQ-VAE — van den Oord, Vinyals &amp; Kavukcuoglu, "Neural Discrete Representation Learning", NeurIPS 2017:
/// <code>
///   z_e = E(x)                      (N, D, H, W): stride-2 k×k convs + ReLU, a 3×3 conv, residual blocks
///                                   (x + conv1×1(ReLU(conv3×3(ReLU(x))))), ReLU, a 1×1 conv to D
///   k_i = argmin_k ‖z_e,i − e_k‖²   nearest of the K codebook vectors, per grid position i
///   z_q = z_e + sg[e_k − z_e]       straight-through: the decoder's gradient passes to z_e unchanged
///   p(x | z_q) = D(z_q)             the mirror: a 3×3 conv, residual blocks, ReLU, stride-2 transposed convs
///   loss = −log p(x | z_q) + ‖sg[z_e] − e‖² + β‖z_e − sg[e]‖²      (eq. 3; β = 0.25)
/// </code>
/// Every term is per example, summed over its values: the reconstruction over the pixels, the codebook and commitment
/// terms over the H·W grid vectors and their D values (so with H·W·D equal to the pixel count both sides weigh alike).
/// With <see cref="CodebookUpdate.Ema"/> the codebook is not trained by gradient (there is no codebook term); each
/// training step (a <see cref="Loss"/> call in training mode) moves it as the paper's appendix A.1 says:
/// <code>
///   N_k ← γ N_k + (1 − γ) n_k,   m_k ← γ m_k + (1 − γ) Σ_{i: k_i = k} z_e,i
///   Ñ_k = (N_k + ε) / (Σ_j N_j + K ε) · Σ_j N_j      (Laplace smoothing, as Sonnet's VectorQuantizerEMA)
///   e_k = m_k / Ñ_k
/// </code>
/// with N_k starting at 1 and m_k at the initial codebook (a code no output chose then keeps its vector instead of
/// being divided by ε). Dead codes (chosen by no encoder output for <see cref="VqVaeConfig.DeadCodeSteps"/> training
/// steps) are restarted at random encoder outputs of the current batch, drawn from
/// <see cref="RngStream.CodebookRestart"/> forked by the step count. The codebook, the EMA statistics, the step
/// counters and the epoch's code counts are buffers of the model, so checkpoints carry them and a resumed run goes on
/// to the same bits. The prior over codes is uniform until a <see cref="CodePrior"/> is set (a PixelCNN, <c>vae train-prior</c>).
/// State dict: <c>encoder.{i}</c>, <c>codebook.*</c>, <c>decoder.{i}</c>, <c>likelihood</c>.
/// </summary>
public sealed class VqVae : LatentVariableModel, IEpochStatistics
{
    private const int EncodeBatch = 256;
    private readonly Sequential _encoder, _decoder;
    private readonly Codebook _codebook;

    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed (encoder, codebook, decoder).</summary>
    public VqVae(VqVaeConfig config) : base(config)
    {
        Config = config;
        var net = config.Network;
        int levels = net.Channels.Length, pad = (net.KernelSize - 1) / 2, top = net.Channels[^1];
        GridHeight = config.InputShape[1] >> levels;
        GridWidth = config.InputShape[2] >> levels;
        var rng = RngStreams.Create(config.Seed, RngStream.Weights);

        _encoder = new Sequential();
        int inC = config.InputShape[0];
        foreach (int outC in net.Channels)
        {
            _encoder.Add(new Conv2d(inC, outC, net.KernelSize, rng, stride: 2, padding: pad)).Add(Layers.Create(net.Activation));
            inC = outC;
        }
        _encoder.Add(new Conv2d(top, top, 3, rng, padding: 1));
        AddResidualStack(_encoder, config, top, rng);
        _encoder.Add(new Conv2d(top, config.LatentDim, 1, rng));
        RegisterModule("encoder", _encoder);

        _codebook = RegisterModule("codebook", new Codebook(config, rng));

        _decoder = new Sequential(new Conv2d(config.LatentDim, top, 3, rng, padding: 1));
        AddResidualStack(_decoder, config, top, rng);
        for (int i = levels - 1; i >= 0; i--)
        {
            int from = net.Channels[i], to = i > 0 ? net.Channels[i - 1] : config.InputShape[0];
            // (H − 1)·2 − 2p + k + outputPadding = 2H  ⇒  outputPadding = 2 + 2p − k
            _decoder.Add(new ConvTranspose2d(from, to, net.KernelSize, rng, stride: 2, padding: pad, outputPadding: 2 + 2 * pad - net.KernelSize));
            if (i > 0) _decoder.Add(Layers.Create(net.Activation));
        }
        RegisterModule("decoder", _decoder);
        Likelihood = RegisterModule("likelihood", Likelihood.Create(config));
        Prior = new CodebookPrior(this);
    }

    /// <summary>The configuration the model was built from.</summary>
    public new VqVaeConfig Config { get; }

    /// <summary>Rows H of the code grid.</summary>
    public int GridHeight { get; }

    /// <summary>Columns W of the code grid.</summary>
    public int GridWidth { get; }

    /// <summary>K, the number of codes.</summary>
    public int CodebookSize => Config.CodebookSize;

    /// <summary>D, the dimension of one code vector.</summary>
    public int CodeDim => Config.LatentDim;

    /// <summary>The flattened grid, H·W·D: the width of <see cref="Encode"/>'s codes and of <see cref="Decode"/>'s input.</summary>
    public override int LatentDim => GridHeight * GridWidth * CodeDim;

    /// <summary>The codebook (K, D), rows e_k. Live: it changes as the model trains.</summary>
    public Tensor Embedding => _codebook.Embedding;

    /// <summary>The prior over code grids that <see cref="Generate"/> draws from; null draws every code uniformly at random.
    /// A conditional prior makes the model conditional: <see cref="LatentVariableModel.ClassCount"/> is the prior's, and
    /// generation takes labels (the decoder itself ignores them).</summary>
    public ICodePrior? CodePrior
    {
        get;
        set
        {
            if (value is not null && (value.CodebookSize != CodebookSize || value.Height != GridHeight || value.Width != GridWidth))
                throw new ArgumentException($"The code prior is over {value.Height}×{value.Width} grids of {value.CodebookSize} codes; this VQ-VAE's are {GridHeight}×{GridWidth} of {CodebookSize}.");
            field = value;
        }
    }

    /// <inheritdoc />
    public override int ClassCount => CodePrior?.ClassCount ?? 0;

    /// <inheritdoc />
    public override Likelihood Likelihood { get; }

    /// <summary>The prior over z_q: codes from <see cref="CodePrior"/> (or uniform) looked up in the codebook.</summary>
    public override Prior Prior { get; }

    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"VQ-VAE ({CodebookSize} codes of {CodeDim}, {GridHeight}×{GridWidth} grid{(Config.CodebookUpdate == CodebookUpdate.Ema ? ", EMA codebook" : "")})");

    /// <summary>The names of the loss terms: reconstruction, commitment (unweighted; the loss adds β times it) and, unless the codebook is EMA-updated, codebook.</summary>
    public override IReadOnlyList<string> LossTermNames => Config.CodebookUpdate == CodebookUpdate.Ema
        ? [LossTermLabels.Reconstruction, "commitment"]
        : [LossTermLabels.Reconstruction, "commitment", "codebook"];

    /// <inheritdoc />
    public override string LossFormula => string.Create(CultureInfo.InvariantCulture,
        $"Loss = Reconstruction Loss{(Config.CodebookUpdate == CodebookUpdate.Ema ? "" : " + Codebook Loss")} + {Config.Commitment}·Commitment Loss " +
        $"(van den Oord et al. 2017, eq. 3{(Config.CodebookUpdate == CodebookUpdate.Ema ? $"; the codebook follows EMAs with γ = {Config.EmaDecay}" : "")}), per example, summed over pixels and over the {GridHeight}×{GridWidth}×{CodeDim} grid values");

    /// <summary>perplexity (exp of the entropy of the epoch's code frequencies), codes_in_use (codes chosen at least once in the epoch), restarts (dead codes restarted in the epoch).</summary>
    public IReadOnlyList<string> StatisticNames { get; } = ["perplexity", "codes_in_use", "restarts"];

    /// <summary>The deterministic posterior: z_q of each example, flattened (N, H·W·D) in grid order (row, column, then the D values).</summary>
    public override LatentDistribution Encode(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (_, zq, codes) = Quantize(batch.X);
        return new CodebookPosterior(zq.Detach().Reshape(batch.Count, LatentDim), codes, GridHeight * GridWidth);
    }

    /// <summary>The likelihood's parameters (N, input shape) for flattened z_q (N, H·W·D). Labels are accepted only when a
    /// conditional <see cref="CodePrior"/> is set, and then ignored (the decoder is unconditional).</summary>
    public override Tensor Decode(Tensor z, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (!IsConditional) RejectLabels(labels);
        if (z.Rank != 2 || z.Shape[1] != LatentDim)
            throw new ArgumentException($"A VQ-VAE decodes flattened code grids (N, {LatentDim} = {GridHeight}·{GridWidth}·{CodeDim}); got ({string.Join(", ", z.Shape.ToArray())}).");
        return DecodeGrid(z.Reshape(z.Shape[0] * GridHeight * GridWidth, CodeDim), z.Shape[0]);
    }

    /// <summary>z_e, the encoder's outputs before quantisation, flattened as <see cref="Encode"/>'s codes (N, H·W·D); differentiable.</summary>
    public Tensor EncodeContinuous(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return FlattenGrid(_encoder.Forward(x)).Reshape(x.Shape[0], LatentDim);
    }

    /// <summary>The grid of nearest-code indices of each example of <paramref name="x"/> (N, input shape): N·H·W values, row-major
    /// grid after grid. Without gradients; counts nothing.</summary>
    public int[] EncodeCodes(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Shape[0], cells = GridHeight * GridWidth;
        var codes = new int[n * cells];
        using var _ = GradMode.NoGrad();
        for (int start = 0; start < n; start += EncodeBatch)
        {
            int count = Math.Min(EncodeBatch, n - start);
            using (TensorScope.Begin())
            {
                var ze = FlattenGrid(_encoder.Forward(count == n ? x : x.Rows(start, count)));
                NearestCodes(ze, _codebook.Embedding).CopyTo(codes.AsSpan(start * cells, count * cells));
            }
        }
        return codes;
    }

    /// <summary>E[x | codes] (count, input shape) for <paramref name="count"/> code grids (count·H·W indices, row-major); without gradients.
    /// Labels as <see cref="Decode"/>.</summary>
    public Tensor DecodeCodes(ReadOnlySpan<int> codes, int count, int[]? labels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!IsConditional) RejectLabels(labels);
        int cells = GridHeight * GridWidth;
        if (codes.Length != count * cells) throw new ArgumentException($"{codes.Length} codes are not {count} grids of {GridHeight}×{GridWidth}.");
        foreach (int c in codes)
            if ((uint)c >= (uint)CodebookSize) throw new ArgumentException($"Code {c}: expected 0 to {CodebookSize - 1}.");
        using var _ = GradMode.NoGrad();
        return Likelihood.Mean(DecodeGrid(Ops.IndexSelect(_codebook.Embedding, codes), count));
    }

    /// <summary><paramref name="count"/> examples decoded from code grids drawn from <see cref="CodePrior"/> (labels as it needs them), or
    /// from codes drawn uniformly at random when no prior is set.</summary>
    public override Tensor Generate(int count, RandomGenerator rng, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return DecodeCodes(SampleCodes(count, rng, labels), count, labels);
    }

    /// <summary>The loss of a batch (per example): reconstruction + codebook + β·commitment; in training mode it also moves an
    /// EMA codebook, restarts dead codes and counts the codes chosen (once per call: one call per training step).</summary>
    public override ModelLoss Loss(Batch batch, LossContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int n = batch.Count;
        var (ze, zq, codes) = Quantize(batch.X);                       // ze (M, D) with gradient, zq (M, D) = e_k
        var decoded = DecodeGrid(Ops.StraightThrough(zq.Detach(), ze), n);   // z_q = z_e + sg[e − z_e]
        var recon = Likelihood.TotalNegLogLikelihood(decoded, batch.Target ?? batch.X, batch.Mask) * (1f / n);
        var commitment = Ops.Sum(Ops.Square(ze - zq.Detach())) * (1f / n);   // ‖z_e − sg[e]‖²
        ModelLoss loss;
        if (Config.CodebookUpdate == CodebookUpdate.Ema)
            loss = new ModelLoss(recon + commitment * Config.Commitment, new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm("commitment", commitment));
        else
        {
            var codebook = Ops.Sum(Ops.Square(ze.Detach() - zq)) * (1f / n);   // ‖sg[z_e] − e‖²
            loss = new ModelLoss(recon + codebook + commitment * Config.Commitment,
                new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm("commitment", commitment), new LossTerm("codebook", codebook));
        }
        if (Training) _codebook.Step(ze.Data, codes);
        return loss;
    }

    /// <inheritdoc />
    public IReadOnlyList<TermValue> TakeEpochStatistics()
    {
        var counts = _codebook.EpochCounts.Data;
        var usage = CodebookUsage.Of(counts);
        float restarts = _codebook.EpochRestarts.Data[0];
        counts.Clear();
        _codebook.EpochRestarts.Data[0] = 0f;
        return [new TermValue("perplexity", usage.Perplexity), new TermValue("codes_in_use", usage.CodesInUse), new TermValue("restarts", restarts)];
    }

    /// <summary>Codes restarted since the model was built (training steps only).</summary>
    public long TotalRestarts => (long)_codebook.TotalRestarts.Data[0];

    // z_e (M = N·H·W, D) with gradient, e_k of each (M, D) with gradient to the codebook, and the k (M).
    private (Tensor Ze, Tensor Zq, int[] Codes) Quantize(Tensor x)
    {
        var ze = FlattenGrid(_encoder.Forward(x));
        var codes = NearestCodes(ze, _codebook.Embedding);
        return (ze, Ops.IndexSelect(_codebook.Embedding, codes), codes);
    }

    // Nearest with the cross term z·e_k as one matrix product (M, D)·(D, K), without gradients.
    private static int[] NearestCodes(Tensor vectors, Tensor codebook)
    {
        int m = vectors.Shape[0], k = codebook.Shape[0], d = codebook.Shape[1];
        var codes = new int[m];
        using var _ = GradMode.NoGrad();
        using (TensorScope.Begin())
        {
            var dots = Ops.MatMul(vectors.Detach(), Ops.Transpose(codebook.Detach())).Data;   // (M, K)
            var e = codebook.Data;
            Span<float> norms = k <= 4096 ? stackalloc float[k] : new float[k];
            for (int j = 0; j < k; j++) norms[j] = System.Numerics.Tensors.TensorPrimitives.Dot(e.Slice(j * d, d), e.Slice(j * d, d));
            for (int i = 0; i < m; i++)
            {
                var row = dots.Slice(i * k, k);
                int best = 0;
                float bestScore = float.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    float score = norms[j] - 2f * row[j];
                    if (score < bestScore) { bestScore = score; best = j; }
                }
                codes[i] = best;
            }
        }
        return codes;
    }

    // (N, D, H, W) → (N·H·W, D), grid order.
    private Tensor FlattenGrid(Tensor ze) => Ops.Permute(ze, 0, 2, 3, 1).Reshape(ze.Shape[0] * GridHeight * GridWidth, CodeDim);

    // (N·H·W, D) → the likelihood's parameters (N, input shape).
    private Tensor DecodeGrid(Tensor vectors, int n)
    {
        var grid = Ops.Permute(vectors.Reshape(n, GridHeight, GridWidth, CodeDim), 0, 3, 1, 2);
        return _decoder.Forward(grid);
    }

    private int[] SampleCodes(int count, RandomGenerator rng, int[]? labels)
    {
        if (CodePrior is { } prior)
        {
            var codes = prior.Sample(count, rng, labels);
            if (codes.Length != count * GridHeight * GridWidth) throw new InvalidOperationException($"The code prior drew {codes.Length} codes for {count} grids of {GridHeight}×{GridWidth}.");
            return codes;
        }
        if (labels is not null) RejectLabels(labels);
        var uniform = new int[count * GridHeight * GridWidth];
        for (int i = 0; i < uniform.Length; i++) uniform[i] = rng.NextInt(CodebookSize);
        return uniform;
    }

    /// <summary>The nearest codebook row of each vector: argmin_k ‖z_i − e_k‖² (the lowest k on a tie); the plain loop the
    /// model's matrix-product version is checked against.</summary>
    /// <param name="vectors">M vectors of <paramref name="dim"/> values, one after another.</param>
    /// <param name="codebook">K rows of <paramref name="dim"/> values.</param>
    /// <param name="dim">D.</param>
    /// <param name="codes">Receives the M indices.</param>
    public static void Nearest(ReadOnlySpan<float> vectors, ReadOnlySpan<float> codebook, int dim, Span<int> codes)
    {
        int k = codebook.Length / dim;
        if (codes.Length * dim != vectors.Length || k * dim != codebook.Length || k == 0)
            throw new ArgumentException($"Nearest: {vectors.Length} values are not {codes.Length} vectors of {dim}, or {codebook.Length} values not a codebook of rows of {dim}.");
        // ‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖²: ‖z‖² is the same for every k, so argmin_k (‖e_k‖² − 2 z·e_k).
        Span<float> norms = k <= 4096 ? stackalloc float[k] : new float[k];
        for (int j = 0; j < k; j++) norms[j] = System.Numerics.Tensors.TensorPrimitives.Dot(codebook.Slice(j * dim, dim), codebook.Slice(j * dim, dim));
        for (int i = 0; i < codes.Length; i++)
        {
            var z = vectors.Slice(i * dim, dim);
            int best = 0;
            float bestScore = float.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                float score = norms[j] - 2f * System.Numerics.Tensors.TensorPrimitives.Dot(z, codebook.Slice(j * dim, dim));
                if (score < bestScore) { bestScore = score; best = j; }
            }
            codes[i] = best;
        }
    }

    private static void AddResidualStack(Sequential seq, VqVaeConfig config, int channels, RandomGenerator rng)
    {
        for (int i = 0; i < config.ResidualBlocks; i++) seq.Add(new ResidualBlock(channels, config.ResidualChannels, config.Network.Activation, rng));
        seq.Add(Layers.Create(config.Network.Activation));
    }

    // x + conv1×1(act(conv3×3(act(x)))): the paper's ReLU, 3×3 conv, ReLU, 1×1 conv block.
    private sealed class ResidualBlock : Layer
    {
        private readonly ActivationLayer _act1, _act2;
        private readonly Conv2d _conv3, _conv1;

        public ResidualBlock(int channels, int hidden, HiddenActivation activation, RandomGenerator rng)
        {
            _act1 = RegisterModule("0", Layers.Create(activation));
            _conv3 = RegisterModule("1", new Conv2d(channels, hidden, 3, rng, padding: 1));
            _act2 = RegisterModule("2", Layers.Create(activation));
            _conv1 = RegisterModule("3", new Conv2d(hidden, channels, 1, rng));
        }

        public override Tensor Forward(Tensor input) => input + _conv1.Forward(_act2.Forward(_conv3.Forward(_act1.Forward(input))));
    }

    // The codebook and its training state. Buffers (saved in model.safetensors and in checkpoints): cluster_size N_k and
    // embedding_sum m_k of the EMA update, unused_steps (steps since each code was last chosen), steps (training steps seen),
    // epoch_counts and epoch_restarts (this epoch's tallies), total_restarts. The embedding is a parameter when learnt by
    // the loss, a buffer when EMA-updated.
    private sealed class Codebook : Module
    {
        private readonly VqVaeConfig _config;

        public Codebook(VqVaeConfig config, RandomGenerator rng)
        {
            _config = config;
            int k = config.CodebookSize, d = config.LatentDim;
            var initial = Tensor.Uniform(rng, -1f / k, 1f / k, k, d);
            bool ema = config.CodebookUpdate == CodebookUpdate.Ema;
            Embedding = ema ? RegisterBuffer("embedding", initial) : RegisterParameter("embedding", initial);
            if (ema)
            {
                ClusterSize = RegisterBuffer("cluster_size", Tensor.Ones(k));
                EmbeddingSum = RegisterBuffer("embedding_sum", initial.Clone());
            }
            UnusedSteps = RegisterBuffer("unused_steps", Tensor.Zeros(k));
            Steps = RegisterBuffer("steps", Tensor.Zeros());
            EpochCounts = RegisterBuffer("epoch_counts", Tensor.Zeros(k));
            EpochRestarts = RegisterBuffer("epoch_restarts", Tensor.Zeros());
            TotalRestarts = RegisterBuffer("total_restarts", Tensor.Zeros());
        }

        public Tensor Embedding { get; }
        public Tensor? ClusterSize { get; }
        public Tensor? EmbeddingSum { get; }
        public Tensor UnusedSteps { get; }
        public Tensor Steps { get; }
        public Tensor EpochCounts { get; }
        public Tensor EpochRestarts { get; }
        public Tensor TotalRestarts { get; }

        // One training step's update, after the forward pass: the EMA move (if on), the counts, the dead-code restarts.
        public void Step(ReadOnlySpan<float> ze, int[] codes)
        {
            int k = _config.CodebookSize, d = _config.LatentDim;
            var counts = new float[k];
            foreach (int c in codes) counts[c]++;
            if (ClusterSize is not null) EmaUpdate(ze, codes, counts, ClusterSize.Data, EmbeddingSum!.Data, Embedding.Data, _config.EmaDecay, _config.EmaEpsilon, d);
            var unused = UnusedSteps.Data;
            var epoch = EpochCounts.Data;
            for (int j = 0; j < k; j++)
            {
                epoch[j] += counts[j];
                unused[j] = counts[j] > 0 ? 0f : unused[j] + 1f;
            }
            float step = Steps.Data[0];
            if (_config.DeadCodeRestart)
            {
                RandomGenerator? rng = null;
                int restarted = 0;
                for (int j = 0; j < k; j++)
                {
                    if (unused[j] < _config.DeadCodeSteps) continue;
                    rng ??= RngStreams.Create(_config.Seed, RngStream.CodebookRestart).Fork((ulong)step);
                    var source = ze.Slice(rng.NextInt(codes.Length) * d, d);
                    source.CopyTo(Embedding.Data.Slice(j * d, d));
                    if (ClusterSize is not null)
                    {
                        ClusterSize.Data[j] = 1f;
                        source.CopyTo(EmbeddingSum!.Data.Slice(j * d, d));
                    }
                    unused[j] = 0f;
                    restarted++;
                }
                EpochRestarts.Data[0] += restarted;
                TotalRestarts.Data[0] += restarted;
            }
            Steps.Data[0] = step + 1f;
        }
    }

    /// <summary>One EMA step of the codebook (the paper's appendix A.1, Laplace-smoothed as Sonnet's VectorQuantizerEMA), in place:
    /// N_k ← γN_k + (1 − γ)n_k, m_k ← γm_k + (1 − γ)Σ_{i: k_i = k} z_i, e_k = m_k / Ñ_k with Ñ_k = (N_k + ε)/(ΣN + Kε)·ΣN.</summary>
    /// <param name="vectors">The M encoder outputs z_i (M·D values).</param>
    /// <param name="codes">Their codes k_i (M).</param>
    /// <param name="counts">n_k, how many chose each code (K).</param>
    /// <param name="clusterSize">N_k (K), updated.</param>
    /// <param name="embeddingSum">m_k (K·D), updated.</param>
    /// <param name="embedding">e_k (K·D), overwritten.</param>
    /// <param name="decay">γ.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="dim">D.</param>
    public static void EmaUpdate(ReadOnlySpan<float> vectors, ReadOnlySpan<int> codes, ReadOnlySpan<float> counts, Span<float> clusterSize,
        Span<float> embeddingSum, Span<float> embedding, float decay, float epsilon, int dim)
    {
        int k = clusterSize.Length;
        var sums = new float[k * dim];
        for (int i = 0; i < codes.Length; i++)
        {
            var dst = sums.AsSpan(codes[i] * dim, dim);
            System.Numerics.Tensors.TensorPrimitives.Add(dst, vectors.Slice(i * dim, dim), dst);
        }
        double total = 0;
        for (int j = 0; j < k; j++)
        {
            clusterSize[j] = decay * clusterSize[j] + (1f - decay) * counts[j];
            total += clusterSize[j];
        }
        for (int j = 0; j < k * dim; j++) embeddingSum[j] = decay * embeddingSum[j] + (1f - decay) * sums[j];
        for (int j = 0; j < k; j++)
        {
            float smoothed = (float)((clusterSize[j] + epsilon) / (total + k * epsilon) * total);
            for (int u = 0; u < dim; u++) embedding[j * dim + u] = embeddingSum[j * dim + u] / smoothed;
        }
    }

    // p(z_q): codes from the code prior (or uniform), looked up in the codebook.
    private sealed class CodebookPrior(VqVae model) : Prior
    {
        public override string Description => model.CodePrior is null
            ? $"uniform over the {model.CodebookSize} codes at each of the {model.GridHeight}×{model.GridWidth} grid positions"
            : $"code prior over the {model.GridHeight}×{model.GridWidth} grid ({model.CodePrior.GetType().Name})";

        public override Tensor Sample(RandomGenerator rng, int count, int dim)
        {
            if (dim != model.LatentDim) throw new ArgumentException($"A VQ-VAE's codes have {model.LatentDim} values; asked for {dim}.");
            if (model.IsConditional) throw new ArgumentException("This VQ-VAE's code prior is conditional: draw with Generate(count, rng, labels).");
            return Ops.IndexSelect(model.Embedding, model.SampleCodes(count, rng, null)).Reshape(count, dim);
        }

        public override Tensor LogProb(Tensor z)
        {
            int n = z.Shape[0], cells = model.GridHeight * model.GridWidth;
            var codes = new int[n * cells];
            Nearest(z.Data, model.Embedding.Data, model.CodeDim, codes);
            var logp = new float[n];
            if (model.CodePrior is { } prior && !model.IsConditional)
            {
                var nll = prior.NegLogLikelihood(codes, n);
                for (int i = 0; i < n; i++) logp[i] = (float)-nll[i];
            }
            else if (model.CodePrior is null) Array.Fill(logp, -cells * MathF.Log(model.CodebookSize));
            else throw new NotSupportedException("This VQ-VAE's code prior is conditional; log p(codes) needs the labels (ICodePrior.NegLogLikelihood).");
            return Tensor.FromArray(logp, n);
        }

        public override Tensor Kl(LatentDistribution posterior, Reduction reduction) =>
            throw new NotSupportedException("A VQ-VAE's posterior is a point mass on its codes: KL(q ‖ p) is −log p(codes) per grid, not a closed form per latent dimension (with the uniform prior log K per code, the paper's constant).");
    }
}

/// <summary>
/// A VQ-VAE's posterior q(z | x): a point mass on z_q, the nearest codebook vectors of the encoder's outputs, flattened
/// (N, H·W·D). It has no density, so importance sampling and the IWAE bound do not apply (they are refused).
/// </summary>
public sealed class CodebookPosterior : LatentDistribution
{
    private readonly int _cells;

    /// <summary>Wraps z_q (N, H·W·D) and its codes (N·H·W) for grids of <paramref name="cells"/> positions.</summary>
    public CodebookPosterior(Tensor quantized, int[] codes, int cells)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(codes);
        if (quantized.Rank != 2 || codes.Length != quantized.Shape[0] * cells)
            throw new ArgumentException($"A codebook posterior needs z_q (N, H·W·D) and N·H·W codes; got ({string.Join(", ", quantized.Shape.ToArray())}) and {codes.Length} codes of {cells} per grid.");
        Mean = quantized;
        Codes = codes;
        _cells = cells;
    }

    /// <summary>z_q, (N, H·W·D).</summary>
    public override Tensor Mean { get; }

    /// <summary>The code of every grid position, N·H·W, grid after grid.</summary>
    public int[] Codes { get; }

    /// <inheritdoc />
    public override int Count => Mean.Shape[0];

    /// <inheritdoc />
    public override int Dim => Mean.Shape[1];

    /// <summary>z_q itself (the posterior is deterministic).</summary>
    public override Tensor Sample(RandomGenerator noise) => Mean;

    /// <summary>Refused: a point mass has no density to importance-sample with.</summary>
    public override (Tensor Z, Tensor LogProb) SampleWithLogProb(RandomGenerator noise) => throw NoDensity();

    /// <summary>Refused: a point mass has no density.</summary>
    public override Tensor LogProb(Tensor z) => throw NoDensity();

    /// <inheritdoc />
    public override LatentDistribution SelectRows(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var codes = new int[rows.Length * _cells];
        for (int i = 0; i < rows.Length; i++) Codes.AsSpan(rows[i] * _cells, _cells).CopyTo(codes.AsSpan(i * _cells));
        return new CodebookPosterior(Ops.IndexSelect(Mean, rows), codes, _cells);
    }

    private static NotSupportedException NoDensity() => new(
        "A VQ-VAE's posterior is a point mass on its nearest codes; it has no density, so the IWAE bound and the importance-sampled NLL do not apply. " +
        "Its likelihood is the prior's over the codes (vae train-prior, then vae eval).");
}

/// <summary>How a codebook is used: per-code counts, the perplexity exp(−Σ p_k log p_k) of their frequencies p_k (K when
/// all codes are used equally, 1 when one code takes all) and the number of codes used at least once.</summary>
/// <param name="Counts">How often each code was chosen.</param>
/// <param name="Perplexity">exp of the entropy of the frequencies (0 with no assignments).</param>
/// <param name="CodesInUse">Codes chosen at least once.</param>
public sealed record CodebookUsage(double[] Counts, double Perplexity, int CodesInUse)
{
    /// <summary>The usage of <paramref name="counts"/>.</summary>
    public static CodebookUsage Of(ReadOnlySpan<float> counts)
    {
        var copy = new double[counts.Length];
        double total = 0;
        for (int k = 0; k < counts.Length; k++) { copy[k] = counts[k]; total += counts[k]; }
        return Of(copy, total);
    }

    /// <summary>The usage of the codes in <paramref name="codes"/>, over a codebook of <paramref name="codebookSize"/>.</summary>
    public static CodebookUsage OfCodes(ReadOnlySpan<int> codes, int codebookSize)
    {
        var counts = new double[codebookSize];
        foreach (int c in codes) counts[c]++;
        return Of(counts, codes.Length);
    }

    private static CodebookUsage Of(double[] counts, double total)
    {
        if (total <= 0) return new CodebookUsage(counts, 0, 0);
        double entropy = 0;
        int used = 0;
        foreach (double c in counts)
        {
            if (c <= 0) continue;
            used++;
            double p = c / total;
            entropy -= p * Math.Log(p);
        }
        return new CodebookUsage(counts, Math.Exp(entropy), used);
    }
}
