using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models.Priors;

/// <summary>
/// A gated PixelCNN over a grid of discrete codes — van den Oord, Kalchbrenner, Vinyals, Espeholt, Graves &amp; Kavukcuoglu,
/// "Conditional Image Generation with PixelCNN Decoders", NeurIPS 2016 — the second-stage prior of a VQ-VAE:
/// <code>
///   x = E[codes]                                   embedding, K → C channels, (N, C, H, W)
///   (v, h) = (x, x);  (v, h) = layer_l(v, h, y)     vertical + horizontal stacks, gated, mask A then B (GatedPixelCnnLayer)
///   logits = W_2 ∗ ReLU(W_1 ∗ ReLU(h))             1 × 1 convolutions → K logits per position, (N, K, H, W)
///   −log p(grid | y) = −Σ_i log softmax(logits_i)[code_i]      the chain rule in raster order, nats per grid
/// </code>
/// The logits at position i = (r, c) depend on the codes at positions before i in raster order only, and (with enough
/// layers for the grid) on all of them: no blind spot. Conditioning on a label y is a class-dependent bias in every gate.
/// Sampling is ancestral, one position at a time (H·W passes). Weights come from the config's seed on stream
/// <see cref="RngStream.PriorTraining"/> (fork 0).
/// </summary>
public sealed class GatedPixelCnn : Module, ICodePrior
{
    private readonly GatedPixelCnnLayer[] _layers;

    /// <summary>Builds the network that <paramref name="config"/> describes, with initial weights from its seed.</summary>
    /// <exception cref="ArgumentException">The configuration is out of range.</exception>
    public GatedPixelCnn(GatedPixelCnnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var rng = RngStreams.Create(config.Seed, RngStream.PriorTraining).Fork(0);
        int c = config.Channels, k = config.CodebookSize;
        Embedding = RegisterParameter("embedding", Tensor.Normal(rng, 0f, 1f, k, c));
        _layers = new GatedPixelCnnLayer[config.Layers];
        for (int l = 0; l < _layers.Length; l++)
            _layers[l] = RegisterModule($"layer{l}", new GatedPixelCnnLayer(c, l == 0 ? config.FirstKernel : config.Kernel, l == 0, config.ClassCount, rng));
        HiddenWeight = RegisterParameter("out_hidden_weight", Init.KaimingUniformDefault(rng, c, c, c, 1, 1));
        HiddenBias = RegisterParameter("out_hidden_bias", Init.BiasDefault(rng, c, c));
        LogitWeight = RegisterParameter("out_logits_weight", Init.KaimingUniformDefault(rng, c, k, c, 1, 1));
        LogitBias = RegisterParameter("out_logits_bias", Init.BiasDefault(rng, c, k));
    }

    /// <summary>The configuration the network was built from.</summary>
    public GatedPixelCnnConfig Config { get; }

    /// <summary>The code embedding, (K, C).</summary>
    public Tensor Embedding { get; }

    /// <summary>The first output convolution's weight, (C, C, 1, 1).</summary>
    public Tensor HiddenWeight { get; }

    /// <summary>The first output convolution's bias, (C).</summary>
    public Tensor HiddenBias { get; }

    /// <summary>The logit convolution's weight, (K, C, 1, 1).</summary>
    public Tensor LogitWeight { get; }

    /// <summary>The logit convolution's bias, (K).</summary>
    public Tensor LogitBias { get; }

    /// <inheritdoc />
    public int CodebookSize => Config.CodebookSize;

    /// <inheritdoc />
    public int Height => Config.Height;

    /// <inheritdoc />
    public int Width => Config.Width;

    /// <inheritdoc />
    public int ClassCount => Config.ClassCount;

    /// <summary>A short description ("gated PixelCNN, 8 layers × 64 channels, conditional on 10 classes").</summary>
    public string Description => $"gated PixelCNN, {Config.Layers} layers × {Config.Channels} channels, " +
        (Config.IsConditional ? $"conditional on {Config.ClassCount} classes" : "unconditional");

    /// <summary>The logits of every position, (count, K, rows, W), for <paramref name="count"/> grids of <paramref name="rows"/> × W
    /// codes (rows ≤ H: the top rows of a grid, whose logits do not depend on the rows below).</summary>
    /// <exception cref="ArgumentException">Codes of the wrong count or out of range, or labels missing, extra or out of range.</exception>
    public Tensor Logits(ReadOnlySpan<int> codes, int count, int[]? labels = null, int? rows = null)
    {
        int r = rows ?? Height;
        if (r < 1 || r > Height) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows: expected 1 to {Height}.");
        CheckCodes(codes, count, r);
        CheckLabels(labels, count);
        return LogitsOf(Embed(codes, count, r), labels);
    }

    // codes → (count, C, rows, W).
    internal Tensor Embed(ReadOnlySpan<int> codes, int count, int rows)
    {
        var rowsOfEmbedding = Ops.IndexSelect(Embedding, codes);                    // (count·rows·W, C)
        return Ops.Permute(Ops.Reshape(rowsOfEmbedding, count, rows, Width, Config.Channels), 0, 3, 1, 2);
    }

    // x is (N, C, rows, W) embedded codes → logits (N, K, rows, W).
    internal Tensor LogitsOf(Tensor x, int[]? labels)
    {
        var (v, h) = (x, x);
        foreach (var layer in _layers) (v, h) = layer.Forward(v, h, labels);
        var hidden = Ops.Conv2d(Ops.Relu(h), HiddenWeight, HiddenBias, activation: Activation.Relu);
        return Ops.Conv2d(hidden, LogitWeight, LogitBias);
    }

    /// <summary>−log p(grid | y) in nats per grid, (count), differentiable: the sum over positions of the cross-entropy of the
    /// logits with the codes.</summary>
    /// <exception cref="ArgumentException">Codes of the wrong count or out of range, or labels missing, extra or out of range.</exception>
    public Tensor Loss(ReadOnlySpan<int> codes, int count, int[]? labels = null)
    {
        var logp = Ops.LogSoftmax(Logits(codes, count, labels), 1);                 // (N, K, H, W)
        var picked = Ops.Gather(logp, 1, codes, [count, 1, Height, Width]);          // log p(code_i | codes_<i)
        return -Ops.Sum(Ops.Reshape(picked, count, Height * Width), 1);
    }

    /// <inheritdoc />
    public double[] NegLogLikelihood(ReadOnlySpan<int> codes, int count, int[]? labels = null)
    {
        CheckCodes(codes, count, Height);
        CheckLabels(labels, count);
        var result = new double[count];
        const int batch = 500;
        var all = codes.ToArray();
        Evaluation.Inference.Run(this, () =>
        {
            for (int start = 0; start < count; start += batch)
            {
                int n = Math.Min(batch, count - start);
                using var _ = TensorScope.Begin();
                var nll = Loss(all.AsSpan(start * Height * Width, n * Height * Width), n, labels?[start..(start + n)]).Data;
                for (int i = 0; i < n; i++) result[start + i] = nll[i];
            }
            return 0;
        });
        return result;
    }

    /// <inheritdoc />
    public int[] Sample(int count, RandomGenerator rng, int[]? labels = null) => Sample(count, rng, labels, temperature: 1f);

    /// <summary>Draws <paramref name="count"/> grids ancestrally, position by position in raster order, from softmax(logits / T).</summary>
    /// <param name="count">Grids to draw.</param>
    /// <param name="rng">The generator: one uniform number per grid and position (positions in raster order, the grids of a batch of 500 at each).</param>
    /// <param name="labels">One label per grid, iff the prior is conditional.</param>
    /// <param name="temperature">T &gt; 0; 1 draws from the model itself, lower values sharpen it.</param>
    public int[] Sample(int count, RandomGenerator rng, int[]? labels, float temperature)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(temperature > 0f) || !float.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature: expected a positive number.");
        CheckLabels(labels, count);
        int w = Width, k = CodebookSize, plane = Height * w;
        var codes = new int[count * plane];
        var probabilities = new double[k];
        const int batch = 500;
        Evaluation.Inference.Run(this, () =>
        {
            for (int start = 0; start < count; start += batch)
            {
                int n = Math.Min(batch, count - start);
                var own = codes.AsSpan(start * plane, n * plane);
                var ownLabels = labels?[start..(start + n)];
                var rows = new int[n * plane];
                for (int r = 0; r < Height; r++)
                    for (int c = 0; c < w; c++)
                    {
                        using var _ = TensorScope.Begin();
                        // Only rows 0..r matter for position (r, c): the network never looks down.
                        int used = (r + 1) * w;
                        for (int i = 0; i < n; i++) own.Slice(i * plane, used).CopyTo(rows.AsSpan(i * used, used));
                        var logits = LogitsOf(Embed(rows.AsSpan(0, n * used), n, r + 1), ownLabels).Data;   // (n, K, r + 1, W)
                        for (int i = 0; i < n; i++)
                        {
                            double max = double.NegativeInfinity;
                            for (int j = 0; j < k; j++) max = Math.Max(max, logits[(i * k + j) * used + r * w + c] / temperature);
                            double total = 0;
                            for (int j = 0; j < k; j++) total += probabilities[j] = Math.Exp(logits[(i * k + j) * used + r * w + c] / temperature - max);
                            double u = rng.NextDouble() * total;
                            int pick = k - 1;
                            for (int j = 0; j < k; j++)
                            {
                                u -= probabilities[j];
                                if (u < 0) { pick = j; break; }
                            }
                            own[i * plane + r * w + c] = pick;
                        }
                    }
            }
            return 0;
        });
        return codes;
    }

    private void CheckCodes(ReadOnlySpan<int> codes, int count, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (codes.Length != count * rows * Width)
            throw new ArgumentException($"{codes.Length} codes for {count} grids of {rows} × {Width}: expected {count * rows * Width}.");
        for (int i = 0; i < codes.Length; i++)
            if ((uint)codes[i] >= (uint)CodebookSize)
                throw new ArgumentException($"Code {codes[i]} at position {i % (rows * Width)} of grid {i / (rows * Width)} is outside 0..{CodebookSize - 1}.");
    }

    private void CheckLabels(int[]? labels, int count)
    {
        if (!Config.IsConditional)
        {
            if (labels is not null) throw new ArgumentException("This prior is unconditional; do not pass labels.");
            return;
        }
        if (labels is null) throw new ArgumentException($"This prior is conditional: it needs a label (0 to {ClassCount - 1}) for every grid.");
        if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} grids.");
        foreach (int l in labels)
            if ((uint)l >= (uint)ClassCount) throw new ArgumentException($"Label {l} is outside 0..{ClassCount - 1}.");
    }
}
