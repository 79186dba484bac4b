using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// Batch normalisation over channel dimension 1 — the common part of <see cref="BatchNorm1d"/> and
/// <see cref="BatchNorm2d"/>, as PyTorch's <c>_BatchNorm</c>. Parameters <c>weight</c> (γ, ones) and
/// <c>bias</c> (β, zeros); buffers <c>running_mean</c> (zeros), <c>running_var</c> (ones) and
/// <c>num_batches_tracked</c>, a scalar stored as float32 (PyTorch stores int64; float counts exactly
/// up to 2^24 batches). Training mode normalises with batch statistics and updates the buffers; eval
/// mode uses the running statistics (or batch statistics when they are not tracked).
/// </summary>
public abstract class BatchNorm : Layer
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">Channels C.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="momentum">Weight of each new batch in the running statistics; null for a cumulative average
    /// (1/num_batches_tracked), as PyTorch's <c>momentum=None</c>.</param>
    /// <param name="affine">Learn γ and β.</param>
    /// <param name="trackRunningStats">Keep running statistics (otherwise batch statistics are used in eval mode too).</param>
    protected BatchNorm(int numFeatures, float eps, float? momentum, bool affine, bool trackRunningStats)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{GetType().Name}: numFeatures must be positive.");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{GetType().Name}: eps must be positive.");
        if (momentum is { } m && !(m >= 0f && m <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{GetType().Name}: momentum must be in [0, 1].");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros());
        }
    }

    /// <summary>Channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Eps { get; }

    /// <summary>Weight of each new batch in the running statistics; null for a cumulative average.</summary>
    public float? Momentum { get; }

    /// <summary>γ, shape (C), or null without affine parameters.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, shape (C), or null without affine parameters.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean, shape (C), or null when not tracked.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance, shape (C), or null when not tracked.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Training batches seen, a float32 scalar, or null when not tracked.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Input ranks this layer accepts (after the shared (N, C, ...) check).</summary>
    protected abstract bool AcceptsRank(int rank);

    /// <summary>The expected input layout, for error messages: "(N, C, H, W)".</summary>
    protected abstract string Layout { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!AcceptsRank(input.Rank) || input.Shape[1] != NumFeatures)
            throw new ArgumentException($"{GetType().Name}({NumFeatures}): input {ShapeUtil.Format(input.Shape)} must be {Layout} with C = {NumFeatures}.", nameof(input));
        if (!Training || NumBatchesTracked is null)
            return Ops.BatchNorm(input, Weight, Bias, RunningMean, RunningVar, training: Training || RunningMean is null, eps: Eps);
        float seen = NumBatchesTracked.Data[0] + 1f;
        var output = Ops.BatchNorm(input, Weight, Bias, RunningMean, RunningVar, training: true, Momentum ?? 1f / seen, Eps);
        NumBatchesTracked.Data[0] = seen;
        return output;
    }
}
