using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// p(x | z) of a table row, a product over its columns (the heterogeneous likelihood of HI-VAE, Nazábal et al. 2020):
/// <code>
///   numeric      N(x; μ, σ_c²)         −log p = ½ (log 2π + log σ_c² + (x − μ)² / σ_c²)   σ_c learned per column (log_var)
///   binary       Bernoulli(x; σ(ℓ))     −log p = BCE-with-logits(ℓ, x)
///   categorical  Cat(x; softmax(ℓ))     −log p = −Σ_k x_k log softmax(ℓ)_k              x one-hot over the K values
/// </code>
/// A mask (1 observed, 0 missing) drops a missing cell's term. log σ_c² is kept ≥ 2 log 0.01 so a column that is nearly
/// constant cannot drive its density to infinity. The decoder gives μ, ℓ and the K logits in the example's layout.
/// </summary>
public sealed class TableLikelihood : Likelihood
{
    private const float MinLogVar = -9.21034f;   // 2 log 0.01
    private readonly Run[] _runs;
    private readonly Tensor? _logVar;             // (1, numeric columns)

    private enum RunKind { Gaussian, Bernoulli, Categorical }

    // Consecutive values of one kind: numeric and binary columns next to each other form one run; a categorical column is its own.
    private sealed record Run(RunKind Kind, int Offset, int Width, int GaussianOffset);

    /// <summary>Creates the likelihood for <paramref name="blocks"/>, numeric columns starting at σ = <paramref name="initialStd"/>.</summary>
    public TableLikelihood(IReadOnlyList<LikelihoodBlock> blocks, float initialStd = 1f)
    {
        if (blocks.Count == 0) throw new ArgumentException("A table likelihood needs at least one column.", nameof(blocks));
        if (!(initialStd > 0f)) throw new ArgumentOutOfRangeException(nameof(initialStd), initialStd, "The initial standard deviation must be positive.");
        Blocks = [.. blocks];
        var runs = new List<Run>();
        int offset = 0, gaussians = 0;
        foreach (var block in blocks)
        {
            var kind = block.Kind switch
            {
                LikelihoodBlockKind.Gaussian => RunKind.Gaussian,
                LikelihoodBlockKind.Bernoulli => RunKind.Bernoulli,
                LikelihoodBlockKind.Categorical => RunKind.Categorical,
                _ => throw new ArgumentException($"Unknown block kind {block.Kind}.", nameof(blocks)),
            };
            if (block.Width < 1 || (kind != RunKind.Categorical && block.Width != 1))
                throw new ArgumentException($"A {block.Kind} block has width {block.Width}; expected 1 (categorical: K ≥ 1).", nameof(blocks));
            if (kind != RunKind.Categorical && runs.Count > 0 && runs[^1].Kind == kind)
                runs[^1] = runs[^1] with { Width = runs[^1].Width + 1 };
            else runs.Add(new Run(kind, offset, block.Width, gaussians));
            offset += block.Width;
            if (kind == RunKind.Gaussian) gaussians++;
        }
        _runs = [.. runs];
        Width = offset;
        if (gaussians > 0) _logVar = RegisterParameter("log_var", Tensor.Full(2f * MathF.Log(initialStd), 1, gaussians));
    }

    /// <summary>The columns' blocks in example order.</summary>
    public IReadOnlyList<LikelihoodBlock> Blocks { get; }

    /// <summary>Values per example.</summary>
    public int Width { get; }

    /// <summary>σ of each numeric column, in column order (in standardised units).</summary>
    public float[] Std => _logVar is null ? [] : [.. _logVar.Data.ToArray().Select(v => MathF.Exp(0.5f * MathF.Max(v, MinLogVar)))];

    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.Table;

    /// <inheritdoc />
    public override Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x) => NegLogLikelihood(decoderOutput, x, null);

    /// <inheritdoc />
    public override Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x, Tensor? mask)
    {
        var output = decoderOutput.Flatten();   // (N, D)
        var values = x.Flatten();
        if (output.Shape[1] != Width) throw new ArgumentException($"The table likelihood has {Width} values per example; the decoder gave {output.Shape[1]}.");
        var flatMask = mask?.Flatten();
        Tensor? total = null;
        foreach (var run in _runs)
        {
            var o = Ops.Narrow(output, 1, run.Offset, run.Width);
            var v = Ops.Narrow(values, 1, run.Offset, run.Width);
            Tensor terms;   // (N, w), or (N, 1) for a categorical column
            switch (run.Kind)
            {
                case RunKind.Gaussian:
                    var logVar = Ops.Clamp(Ops.Narrow(_logVar!, 1, run.GaussianOffset, run.Width), MinLogVar, float.MaxValue);   // (1, w)
                    var diff = v - o;
                    terms = (diff * diff * Ops.Exp(-logVar) + logVar + MathF.Log(2f * MathF.PI)) * 0.5f;
                    break;
                case RunKind.Bernoulli:
                    terms = Ops.BinaryCrossEntropyWithLogits(o, v, Reduction.None);
                    break;
                default:
                    terms = -Ops.Sum(Ops.LogSoftmax(o, 1) * v, 1, keepDim: true);
                    break;
            }
            if (flatMask is not null) terms *= Ops.Narrow(flatMask, 1, run.Offset, run.Kind == RunKind.Categorical ? 1 : run.Width);
            var perExample = Ops.Sum(terms, 1);
            total = total is null ? perExample : total + perExample;
        }
        return total!;
    }

    /// <inheritdoc />
    public override Tensor TotalNegLogLikelihood(Tensor decoderOutput, Tensor x) => Ops.Sum(NegLogLikelihood(decoderOutput, x, null));

    /// <inheritdoc />
    public override Tensor Mean(Tensor decoderOutput)
    {
        var output = decoderOutput.Flatten();
        var parts = new Tensor[_runs.Length];
        for (int i = 0; i < _runs.Length; i++)
        {
            var run = _runs[i];
            var o = Ops.Narrow(output, 1, run.Offset, run.Width);
            parts[i] = run.Kind switch
            {
                RunKind.Gaussian => o,
                RunKind.Bernoulli => Ops.Sigmoid(o),
                _ => Ops.Softmax(o, 1),
            };
        }
        var mean = parts.Length == 1 ? parts[0] : Ops.Concat(parts, 1);
        return Ops.Reshape(mean, decoderOutput.Shape.ToArray());
    }

    /// <summary>
    /// A draw x ~ p(x | z) per row of <paramref name="decoderOutput"/>, in the example's layout (N × <see cref="Width"/>):
    /// a numeric value μ + σ_c ε, a binary value 1 with probability σ(ℓ), a categorical column one-hot at a class drawn
    /// from softmax(ℓ). Draws come from <paramref name="rng"/> row by row, column by column (one per numeric, binary and
    /// categorical cell).
    /// </summary>
    public float[] Sample(Tensor decoderOutput, RandomGenerator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var mean = Mean(decoderOutput).Data;
        var std = Std;
        int n = mean.Length / Width;
        var x = new float[mean.Length];
        for (int i = 0; i < n; i++)
        {
            int row = i * Width;
            foreach (var run in _runs)
            {
                switch (run.Kind)
                {
                    case RunKind.Gaussian:
                        for (int j = 0; j < run.Width; j++)
                            x[row + run.Offset + j] = mean[row + run.Offset + j] + std[run.GaussianOffset + j] * rng.NextNormal();
                        break;
                    case RunKind.Bernoulli:
                        for (int j = 0; j < run.Width; j++)
                            x[row + run.Offset + j] = rng.NextFloat() < mean[row + run.Offset + j] ? 1f : 0f;
                        break;
                    default:
                        // Inverse-CDF draw over the K probabilities; the last class takes any rounding remainder.
                        double u = rng.NextDouble(), cumulative = 0;
                        int k = run.Width - 1;
                        for (int j = 0; j < run.Width - 1; j++)
                        {
                            cumulative += mean[row + run.Offset + j];
                            if (u < cumulative) { k = j; break; }
                        }
                        x[row + run.Offset + k] = 1f;
                        break;
                }
            }
        }
        return x;
    }
}
