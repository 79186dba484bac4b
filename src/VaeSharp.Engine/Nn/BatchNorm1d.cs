namespace VaeSharp.Engine.Nn;

/// <summary>
/// Batch normalisation of (N, C) or (N, C, L) input per channel — PyTorch's <c>nn.BatchNorm1d</c>, same
/// entry names (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>).
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels (PyTorch's defaults otherwise).</summary>
    public BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    /// <inheritdoc />
    protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    /// <inheritdoc />
    protected override string Layout => "(N, C) or (N, C, L)";
}
