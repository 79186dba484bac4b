using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Normalisation layers: x̂ = (x − μ)/√(σ² + eps), y = γ·x̂ + β (γ = 1, β = 0 when absent). σ² is the
// biased variance. Statistics are taken over:
//   BatchNorm:  x is (N, C) or (N, C, H, W) (any (N, C, *)), γ, β, running mean/var are (C);
//               per channel over the M = N·H·W values (training) or the running statistics (eval)
//   LayerNorm:  x is (..., D1, ..., Dk), γ, β are (D1, ..., Dk); per row over the last k dimensions
//   GroupNorm:  x is (N, C, *), γ, β are (C); per image and group of C/G consecutive channels
// Backward through the batch statistics, per normalised set of M values with g = γ·dy:
//   dx = (1/√(σ² + eps)) · (g − mean(g) − x̂·mean(g·x̂)),   dγ += Σ dy·x̂,   dβ += Σ dy
// In eval mode the statistics are constants: dx = γ·dy/√(σ² + eps).
// The statistics used (μ and 1/√(σ² + eps)) are saved with the output; running statistics are updated
// in place in training mode and are never differentiated.
public static partial class Ops
{
    /// <summary>
    /// Batch normalisation of (N, C) or (N, C, H, W) input per channel, as PyTorch's <c>batch_norm</c>.
    /// In training mode it normalises with the batch mean and biased variance and, when running statistics
    /// are given, updates them in place: r ← (1 − momentum)·r + momentum·s, with the unbiased variance for
    /// <paramref name="runningVar"/>. In eval mode it normalises with the running statistics.
    /// </summary>
    /// <param name="x">Input, (N, C, *).</param>
    /// <param name="gamma">Per-channel scale γ, (C), or null for 1.</param>
    /// <param name="beta">Per-channel shift β, (C), or null for 0.</param>
    /// <param name="runningMean">Running mean, (C); updated in training mode, required in eval mode.</param>
    /// <param name="runningVar">Running variance, (C); updated in training mode, required in eval mode.</param>
    /// <param name="training">True: batch statistics; false: running statistics.</param>
    /// <param name="momentum">Weight of the new batch in the running update, in [0, 1].</param>
    /// <param name="eps">Added to the variance before the square root, &gt; 0.</param>
    public static Tensor BatchNorm(Tensor x, Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2) throw new ArgumentException($"BatchNorm: input {ShapeUtil.Format(x.Shape)} must be (N, C) or (N, C, H, W).", nameof(x));
        int n = x.Shape[0], c = x.Shape[1], plane = c == 0 || n == 0 ? 0 : x.Size / (n * c);
        CheckChannelVector("BatchNorm", gamma, c, x, nameof(gamma));
        CheckChannelVector("BatchNorm", beta, c, x, nameof(beta));
        CheckChannelVector("BatchNorm", runningMean, c, x, nameof(runningMean));
        CheckChannelVector("BatchNorm", runningVar, c, x, nameof(runningVar));
        if (runningMean is null != runningVar is null)
            throw new ArgumentException("BatchNorm: give both runningMean and runningVar, or neither.", nameof(runningVar));
        if (!training && runningMean is null)
            throw new ArgumentException("BatchNorm: eval mode (training = false) needs runningMean and runningVar.", nameof(runningMean));
        if (!(momentum >= 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNorm: momentum must be in [0, 1].");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm: eps must be positive.");
        int m = n * plane;
        if (training && m <= 1)
            throw new ArgumentException($"BatchNorm: training needs more than one value per channel; input {ShapeUtil.Format(x.Shape)} has {m}.", nameof(x));

        var stats = Tensor.Empty([2, c]);   // row 0: μ, row 1: 1/√(σ² + eps)
        Span<float> mean = stats.Data[..c], invStd = stats.Data[c..];
        ReadOnlySpan<float> xv = x.Data;
        var y = Tensor.EmptyLike(x);
        var yv = y.Data;
        var scratch = BufferPool.Rent(2 * c);
        Span<float> scale = scratch.AsSpan(0, c), shift = scratch.AsSpan(c, c);
        if (training)
        {
            // y = x − μ while the squares are summed, then y = y·γ/√(σ² + eps) + β.
            CentreChannels(xv, yv, n, c, plane, mean, invStd);
            for (int ch = 0; ch < c; ch++)
            {
                double variance = (double)invStd[ch] / m;
                invStd[ch] = (float)(1.0 / Math.Sqrt(variance + eps));
                if (runningMean is not null)
                {
                    Span<float> rm = runningMean.Data, rv = runningVar!.Data;
                    rm[ch] = (1f - momentum) * rm[ch] + momentum * mean[ch];
                    rv[ch] = (1f - momentum) * rv[ch] + momentum * (float)(variance * m / (m - 1));
                }
                scale[ch] = (gamma is null ? 1f : gamma.Data[ch]) * invStd[ch];
                shift[ch] = beta is null ? 0f : beta.Data[ch];
            }
            ScaleShiftChannels(yv, yv, n, c, plane, scale, shift);
        }
        else
        {
            // One pass: y = x·scale + (β − μ·scale) with scale = γ/√(running σ² + eps).
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = runningMean!.Data[ch];
                invStd[ch] = (float)(1.0 / Math.Sqrt((double)runningVar!.Data[ch] + eps));
                scale[ch] = (gamma is null ? 1f : gamma.Data[ch]) * invStd[ch];
                shift[ch] = (beta is null ? 0f : beta.Data[ch]) - mean[ch] * scale[ch];
            }
            ScaleShiftChannels(xv, yv, n, c, plane, scale, shift);
        }
        BufferPool.Return(scratch);
        y.Saved = stats;
        y.IntArg = training ? 1 : 0;
        AutogradEngine.Record(y, BatchNormBackward, x, gamma, beta);
        return y;
    }

    private static readonly Action<Tensor> BatchNormBackward = static y =>
    {
        Tensor x = y.In0!;
        Tensor? gamma = y.In1, beta = y.In2;
        bool training = y.IntArg != 0;
        var stats = (Tensor)y.Saved!;
        int n = x.Shape[0], c = x.Shape[1], plane = x.Size / (n * c), m = n * plane;
        ReadOnlySpan<float> mean = stats.Data[..c], invStd = stats.Data[c..], xv = x.Data, dy = y.Grad!.Data;
        var scratch = BufferPool.Rent(5 * c + Math.Max(c, plane));
        Span<float> sumDy = scratch.AsSpan(0, c), sumDyCentred = scratch.AsSpan(c, c);
        Span<float> a = scratch.AsSpan(2 * c, c), b = scratch.AsSpan(3 * c, c), k = scratch.AsSpan(4 * c, c);
        Span<float> centred = scratch.AsSpan(5 * c);
        // Σ dy and Σ dy·(x − μ) per channel; x̂ = (x − μ)·invStd.
        ChannelGradientSums(dy, xv, n, c, plane, mean, sumDy, sumDyCentred, centred);
        if (gamma is { RequiresGrad: true })
        {
            var dGamma = gamma.GradSpan();
            for (int ch = 0; ch < c; ch++) dGamma[ch] += sumDyCentred[ch] * invStd[ch];
        }
        if (beta is { RequiresGrad: true }) TensorPrimitives.Add(beta.GradSpan(), sumDy, beta.GradSpan());
        if (x.RequiresGrad)
        {
            // dx = a·dy + b + k·(x − μ) with a = γ·s, b = −a·mean(dy), k = −a·s²·mean(dy·(x − μ)) in training
            // mode (s = 1/√(σ² + eps)); b = k = 0 in eval mode.
            for (int ch = 0; ch < c; ch++)
            {
                float s = invStd[ch];
                a[ch] = (gamma is null ? 1f : gamma.Data[ch]) * s;
                b[ch] = training ? -a[ch] * sumDy[ch] / m : 0f;
                k[ch] = training ? -a[ch] * s * s * sumDyCentred[ch] / m : 0f;
            }
            AddBatchNormInputGradient(dy, xv, x.GradSpan(), n, c, plane, mean, a, b, k, training, centred);
        }
        BufferPool.Return(scratch);
    };

    // The bulk passes of batch norm over x (N, C, P). With P = 1 (an (N, C) batch) each pass runs along
    // rows with per-channel vectors; otherwise along each channel's P contiguous values with scalars.

    // y = x − μ and squares[c] = Σ (x − μ)², with μ[c] the channel mean.
    private static void CentreChannels(ReadOnlySpan<float> x, Span<float> y, int n, int c, int plane, Span<float> mean, Span<float> squares)
    {
        if (plane == 1)
        {
            mean.Clear();
            for (int i = 0; i < n; i++) TensorPrimitives.Add(mean, x.Slice(i * c, c), mean);
            TensorPrimitives.Multiply(mean, 1f / n, mean);
            squares.Clear();
            for (int i = 0; i < n; i++)
            {
                var row = y.Slice(i * c, c);
                TensorPrimitives.Subtract(x.Slice(i * c, c), mean, row);
                TensorPrimitives.MultiplyAdd(row, row, squares, squares);
            }
            return;
        }
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) sum += TensorPrimitives.Sum(x.Slice((i * c + ch) * plane, plane));
            float mu = (float)(sum / ((double)n * plane));
            for (int i = 0; i < n; i++)
            {
                var centred = y.Slice((i * c + ch) * plane, plane);
                TensorPrimitives.Subtract(x.Slice((i * c + ch) * plane, plane), mu, centred);
                sq += TensorPrimitives.SumOfSquares(centred);
            }
            mean[ch] = mu;
            squares[ch] = (float)sq;
        }
    }

    // y = x·scale[c] + shift[c].
    private static void ScaleShiftChannels(ReadOnlySpan<float> x, Span<float> y, int n, int c, int plane, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        for (int i = 0; i < n; i++)
        {
            if (plane == 1) { TensorPrimitives.MultiplyAdd(x.Slice(i * c, c), scale, shift, y.Slice(i * c, c)); continue; }
            for (int ch = 0; ch < c; ch++)
            {
                var row = y.Slice((i * c + ch) * plane, plane);
                TensorPrimitives.Multiply(x.Slice((i * c + ch) * plane, plane), scale[ch], row);
                if (shift[ch] != 0f) TensorPrimitives.Add(row, shift[ch], row);
            }
        }
    }

    // sumDy[c] = Σ dy and sumDyCentred[c] = Σ dy·(x − μ); `centred` is scratch of max(C, P) values.
    private static void ChannelGradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int n, int c, int plane, ReadOnlySpan<float> mean,
        Span<float> sumDy, Span<float> sumDyCentred, Span<float> centred)
    {
        if (plane == 1)
        {
            sumDy.Clear();
            sumDyCentred.Clear();
            var row = centred[..c];
            for (int i = 0; i < n; i++)
            {
                var dyRow = dy.Slice(i * c, c);
                TensorPrimitives.Add(sumDy, dyRow, sumDy);
                TensorPrimitives.Subtract(x.Slice(i * c, c), mean, row);
                TensorPrimitives.MultiplyAdd(dyRow, row, sumDyCentred, sumDyCentred);
            }
            return;
        }
        var values = centred[..plane];
        for (int ch = 0; ch < c; ch++)
        {
            double s = 0, sc = 0;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * plane;
                var dyRow = dy.Slice(at, plane);
                TensorPrimitives.Subtract(x.Slice(at, plane), mean[ch], values);
                s += TensorPrimitives.Sum(dyRow);
                sc += TensorPrimitives.Dot(dyRow, values);
            }
            sumDy[ch] = (float)s;
            sumDyCentred[ch] = (float)sc;
        }
    }

    // dx += a[c]·dy + b[c] + k[c]·(x − μ) (only a[c]·dy when not training).
    private static void AddBatchNormInputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, int n, int c, int plane,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> k, bool training, Span<float> centred)
    {
        for (int i = 0; i < n; i++)
        {
            if (plane == 1)
            {
                var dxRow = dx.Slice(i * c, c);
                if (training)
                {
                    var t = centred[..c];
                    TensorPrimitives.Subtract(x.Slice(i * c, c), mean, t);
                    TensorPrimitives.MultiplyAdd(t, k, b, t);
                    TensorPrimitives.Add(dxRow, t, dxRow);
                }
                TensorPrimitives.MultiplyAdd(dy.Slice(i * c, c), a, dxRow, dxRow);
                continue;
            }
            for (int ch = 0; ch < c; ch++)
            {
                int at = (i * c + ch) * plane;
                var dxRow = dx.Slice(at, plane);
                if (training)
                {
                    var t = centred[..plane];
                    TensorPrimitives.Subtract(x.Slice(at, plane), mean[ch], t);
                    TensorPrimitives.Multiply(t, k[ch], t);
                    TensorPrimitives.Add(t, b[ch], t);
                    TensorPrimitives.Add(dxRow, t, dxRow);
                }
                TensorPrimitives.MultiplyAdd(dy.Slice(at, plane), a[ch], dxRow, dxRow);
            }
        }
    }

    /// <summary>
    /// Layer normalisation over the last <paramref name="normalizedDims"/> dimensions, as PyTorch's
    /// <c>layer_norm</c> with <c>normalized_shape = x.shape[−normalizedDims:]</c>.
    /// </summary>
    /// <param name="x">Input, (..., D1, ..., Dk).</param>
    /// <param name="gamma">Element-wise scale with the shape of the normalised dimensions, or null.</param>
    /// <param name="beta">Element-wise shift with the shape of the normalised dimensions, or null.</param>
    /// <param name="normalizedDims">How many trailing dimensions k ≥ 1 form one normalised row.</param>
    /// <param name="eps">Added to the variance before the square root, &gt; 0.</param>
    public static Tensor LayerNorm(Tensor x, Tensor? gamma, Tensor? beta, int normalizedDims = 1, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (normalizedDims < 1 || normalizedDims > x.Rank)
            throw new ArgumentOutOfRangeException(nameof(normalizedDims), normalizedDims, $"LayerNorm: normalizedDims must be in [1, {x.Rank}] for input {ShapeUtil.Format(x.Shape)}.");
        var normalized = x.Shape[(x.Rank - normalizedDims)..];
        CheckNormalizedShape(gamma, normalized, x, nameof(gamma));
        CheckNormalizedShape(beta, normalized, x, nameof(beta));
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");
        int d = ShapeUtil.Product(normalized);
        // A row of D values is one group of D channels of one value each.
        return NormalizeGroups(x, gamma, beta, rows: d == 0 ? 0 : x.Size / d, groups: 1, channelsPerGroup: d, plane: 1, eps);
    }

    /// <summary>
    /// Group normalisation of (N, C, *) input, as PyTorch's <c>group_norm</c>: each image's channels are split
    /// into <paramref name="groups"/> groups of C/G consecutive channels, each normalised over its values;
    /// then a per-channel affine map.
    /// </summary>
    /// <param name="x">Input, (N, C, *).</param>
    /// <param name="groups">Number of groups G; must divide C.</param>
    /// <param name="gamma">Per-channel scale, (C), or null.</param>
    /// <param name="beta">Per-channel shift, (C), or null.</param>
    /// <param name="eps">Added to the variance before the square root, &gt; 0.</param>
    public static Tensor GroupNorm(Tensor x, int groups, Tensor? gamma, Tensor? beta, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2) throw new ArgumentException($"GroupNorm: input {ShapeUtil.Format(x.Shape)} must be (N, C, *).", nameof(x));
        int n = x.Shape[0], c = x.Shape[1];
        if (groups < 1 || c % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"GroupNorm: groups must be positive and divide the {c} channels of input {ShapeUtil.Format(x.Shape)}.");
        CheckChannelVector("GroupNorm", gamma, c, x, nameof(gamma));
        CheckChannelVector("GroupNorm", beta, c, x, nameof(beta));
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "GroupNorm: eps must be positive.");
        int plane = n == 0 || c == 0 ? 0 : x.Size / (n * c);
        return NormalizeGroups(x, gamma, beta, rows: n * groups, groups, channelsPerGroup: c / groups, plane, eps);
    }

    // The layout of a group normalisation, saved for backward with the statistics (μ, 1/√(σ² + eps)) per row.
    private sealed record GroupLayout(Tensor Stats, int Groups, int ChannelsPerGroup, int Plane);

    // x is (Rows, ChannelsPerGroup·Plane): row r is group r % Groups of one image; its channel j
    // (global channel (r % Groups)·ChannelsPerGroup + j) holds Plane values. γ, β index global channels.
    private static Tensor NormalizeGroups(Tensor x, Tensor? gamma, Tensor? beta, int rows, int groups, int channelsPerGroup, int plane, float eps)
    {
        int d = channelsPerGroup * plane;
        var stats = Tensor.Empty([2, rows]);   // row 0: μ, row 1: 1/√(σ² + eps)
        Span<float> mean = stats.Data[..rows], invStd = stats.Data[rows..];
        var y = Tensor.EmptyLike(x);
        ReadOnlySpan<float> xv = x.Data;
        var yv = y.Data;
        for (int r = 0; r < rows; r++)
        {
            var xr = xv.Slice(r * d, d);
            var yr = yv.Slice(r * d, d);
            float mu = TensorPrimitives.Sum(xr) / d;
            TensorPrimitives.Subtract(xr, mu, yr);
            float s = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(yr) / d + eps);
            mean[r] = mu;
            invStd[r] = s;
            int c0 = r % groups * channelsPerGroup;
            if (plane == 1)
            {
                TensorPrimitives.Multiply(yr, s, yr);
                if (gamma is not null) TensorPrimitives.Multiply(yr, gamma.Data.Slice(c0, d), yr);
                if (beta is not null) TensorPrimitives.Add(yr, beta.Data.Slice(c0, d), yr);
                continue;
            }
            for (int j = 0; j < channelsPerGroup; j++)
            {
                var ch = yr.Slice(j * plane, plane);
                TensorPrimitives.Multiply(ch, s * (gamma is null ? 1f : gamma.Data[c0 + j]), ch);
                if (beta is not null) TensorPrimitives.Add(ch, beta.Data[c0 + j], ch);
            }
        }
        y.Saved = new GroupLayout(stats, groups, channelsPerGroup, plane);
        AutogradEngine.Record(y, NormalizeGroupsBackward, x, gamma, beta);
        return y;
    }

    private static readonly Action<Tensor> NormalizeGroupsBackward = static y =>
    {
        Tensor x = y.In0!;
        Tensor? gamma = y.In1, beta = y.In2;
        var (stats, groups, channelsPerGroup, plane) = (GroupLayout)y.Saved!;
        int rows = stats.Shape[1], d = channelsPerGroup * plane;
        ReadOnlySpan<float> mean = stats.Data[..rows], invStd = stats.Data[rows..], xv = x.Data, dy = y.Grad!.Data;
        Span<float> dx = x.RequiresGrad ? x.GradSpan() : default;
        Span<float> dGamma = gamma is { RequiresGrad: true } ? gamma.GradSpan() : default;
        Span<float> dBeta = beta is { RequiresGrad: true } ? beta.GradSpan() : default;
        var scratch = BufferPool.Rent(2 * d);
        Span<float> xHat = scratch.AsSpan(0, d), g = scratch.AsSpan(d, d);
        for (int r = 0; r < rows; r++)
        {
            var dyr = dy.Slice(r * d, d);
            int c0 = r % groups * channelsPerGroup;
            TensorPrimitives.Subtract(xv.Slice(r * d, d), mean[r], xHat);
            TensorPrimitives.Multiply(xHat, invStd[r], xHat);
            // dγ += Σ dy·x̂, dβ += Σ dy per channel; g = γ·dy.
            if (plane == 1)
            {
                if (!dGamma.IsEmpty) { var dg = dGamma.Slice(c0, d); TensorPrimitives.MultiplyAdd(dyr, xHat, dg, dg); }
                if (!dBeta.IsEmpty) { var db = dBeta.Slice(c0, d); TensorPrimitives.Add(db, dyr, db); }
                if (gamma is null) dyr.CopyTo(g); else TensorPrimitives.Multiply(dyr, gamma.Data.Slice(c0, d), g);
            }
            else
            {
                for (int j = 0; j < channelsPerGroup; j++)
                {
                    var dyc = dyr.Slice(j * plane, plane);
                    if (!dGamma.IsEmpty) dGamma[c0 + j] += TensorPrimitives.Dot(dyc, xHat.Slice(j * plane, plane));
                    if (!dBeta.IsEmpty) dBeta[c0 + j] += TensorPrimitives.Sum(dyc);
                    TensorPrimitives.Multiply(dyc, gamma is null ? 1f : gamma.Data[c0 + j], g.Slice(j * plane, plane));
                }
            }
            if (dx.IsEmpty) continue;
            // dx += s·(g − mean(g) − x̂·mean(g·x̂))
            float meanG = TensorPrimitives.Sum(g) / d, meanGxHat = TensorPrimitives.Dot(g, xHat) / d;
            TensorPrimitives.Subtract(g, meanG, g);
            TensorPrimitives.MultiplyAdd(xHat, -meanGxHat, g, g);
            var dxr = dx.Slice(r * d, d);
            TensorPrimitives.MultiplyAdd(g, invStd[r], dxr, dxr);
        }
        BufferPool.Return(scratch);
    };

    private static void CheckNormalizedShape(Tensor? t, ReadOnlySpan<int> normalized, Tensor x, string name)
    {
        if (t is not null && !t.Shape.SequenceEqual(normalized))
            throw new ArgumentException($"LayerNorm: {name} {ShapeUtil.Format(t.Shape)} must have the normalised shape {ShapeUtil.Format(normalized)} of input {ShapeUtil.Format(x.Shape)}.", name);
    }

    private static void CheckChannelVector(string op, Tensor? t, int channels, Tensor x, string name)
    {
        if (t is not null && (t.Rank != 1 || t.Shape[0] != channels))
            throw new ArgumentException($"{op}: {name} {ShapeUtil.Format(t.Shape)} must be ({channels}) for input {ShapeUtil.Format(x.Shape)}.", name);
    }
}
