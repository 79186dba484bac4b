using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// 2-D convolution and its adjoint, lowered to GEMM (DESIGN.md, "Kernels"). NCHW, square stride s and padding p.
//   Conv2d:          x is (N, Cin, H, W), w is (Cout, Cin, KH, KW), bias is (Cout), y is (N, Cout, OH, OW)
//                    OH = ⌊(H + 2p − KH)/s⌋ + 1
//                    per group of images: col (Cin·KH·KW, G·OH·OW) = im2col(x);  y = w·col + bias
//                    backward: dw += dy·colᵀ;  dcol = wᵀ·dy, dx += col2im(dcol);  dbias += Σ dy
//   ConvTranspose2d: x is (N, Cin, H, W), w is (Cin, Cout, KH, KW), bias is (Cout), y is (N, Cout, OH, OW)
//                    OH = (H − 1)·s − 2p + KH + outputPadding
//                    forward is the conv backward-to-input: col (Cout·KH·KW, G·H·W) = wᵀ·x;  y = col2im(col) + bias
//                    backward: col = im2col(dy);  dx += w·col;  dw += x·colᵀ;  dbias += Σ dy
// Several images share one GEMM (G per call, chosen from the shapes only, so results never depend on
// the thread count); columns and staging buffers come from BufferPool. The naive oracle is Kernels/ConvReference.
public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch's <c>conv2d</c>) of <paramref name="x"/> (N, Cin, H, W)
    /// with <paramref name="weight"/> (Cout, Cin, KH, KW) and an optional <paramref name="bias"/> (Cout);
    /// the result is (N, Cout, ⌊(H + 2p − KH)/s⌋ + 1, ⌊(W + 2p − KW)/s⌋ + 1).
    /// </summary>
    /// <param name="x">Input, (N, Cin, H, W).</param>
    /// <param name="weight">Filters, (Cout, Cin, KH, KW).</param>
    /// <param name="bias">Per-output-channel bias, (Cout), or null.</param>
    /// <param name="stride">Step s ≥ 1 in both directions.</param>
    /// <param name="padding">Zeros p ≥ 0 added on every side.</param>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        CheckConvArguments("Conv2d", x, weight, bias, stride, padding, weightInDim: 1, weightOutDim: 0);
        int n = x.Shape[0], cout = weight.Shape[0];
        var g = new ConvGeometry(x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[2], weight.Shape[3], stride, padding);
        if (g.OutH <= 0 || g.OutW <= 0)
            throw new ArgumentException($"Conv2d: kernel {weight.Shape[2]}x{weight.Shape[3]} with padding {padding} does not fit input {ShapeUtil.Format(x.Shape)}.", nameof(weight));
        var y = Tensor.Empty([n, cout, g.OutH, g.OutW]);

        int k = g.ColumnRows, cols = g.ColumnCols, group = ImagesPerGemm(n, k, cols);
        var col = BufferPool.Rent(k * cols * group);
        var stage = group > 1 ? BufferPool.Rent(cout * cols * group) : null;
        ReadOnlySpan<float> xv = x.Data, wv = weight.Data;
        var yv = y.Data;
        for (int n0 = 0; n0 < n; n0 += group)
        {
            int gn = Math.Min(group, n - n0), ld = gn * cols;
            LowerImages(g, xv, n0, gn, col, ld);
            var dst = yv.Slice(n0 * cout * cols, gn * cout * cols);
            if (gn == 1) Gemm.Sgemm(false, false, cout, cols, k, wv, col.AsSpan(0, k * ld), dst);
            else
            {
                Gemm.Sgemm(false, false, cout, ld, k, wv, col.AsSpan(0, k * ld), stage.AsSpan(0, cout * ld));
                ChannelMajorToImages(stage.AsSpan(0, cout * ld), dst, gn, cout, cols, accumulate: false);
            }
        }
        if (stage is not null) BufferPool.Return(stage);
        BufferPool.Return(col);
        if (bias is not null) AddChannelBias(yv, bias.Data, n, cols);

        y.Saved = g;
        AutogradEngine.Record(y, Conv2dBackward, x, weight, bias);
        return y;
    }

    private static readonly Action<Tensor> Conv2dBackward = static y =>
    {
        Tensor x = y.In0!, w = y.In1!;
        var g = (ConvGeometry)y.Saved!;
        ReadOnlySpan<float> dy = y.Grad!.Data;
        int n = x.Shape[0], cout = w.Shape[0], k = g.ColumnRows, cols = g.ColumnCols;
        if (y.In2 is { RequiresGrad: true } bias) SumChannels(dy, bias.GradSpan(), n, cols);
        if (!x.RequiresGrad && !w.RequiresGrad) return;

        int group = ImagesPerGemm(n, k, cols);
        var col = BufferPool.Rent(k * cols * group);
        var stage = group > 1 ? BufferPool.Rent(cout * cols * group) : null;
        ReadOnlySpan<float> xv = x.Data, wv = w.Data;
        for (int n0 = 0; n0 < n; n0 += group)
        {
            int gn = Math.Min(group, n - n0), ld = gn * cols;
            var colG = col.AsSpan(0, k * ld);
            ReadOnlySpan<float> dyG = dy.Slice(n0 * cout * cols, gn * cout * cols);
            if (gn > 1)
            {
                ImagesToChannelMajor(dyG, stage.AsSpan(0, cout * ld), gn, cout, cols);
                dyG = stage.AsSpan(0, cout * ld);
            }
            if (w.RequiresGrad)
            {
                LowerImages(g, xv, n0, gn, col, ld);
                Gemm.Sgemm(false, true, cout, k, ld, dyG, colG, w.GradSpan(), accumulate: true);          // dw += dy·colᵀ
            }
            if (x.RequiresGrad)
            {
                Gemm.Sgemm(true, false, k, ld, cout, wv, dyG, colG);                                        // dcol = wᵀ·dy
                RaiseImages(g, col, ld, x.GradSpan(), n0, gn);
            }
        }
        if (stage is not null) BufferPool.Return(stage);
        BufferPool.Return(col);
    };

    /// <summary>
    /// Transposed 2-D convolution (PyTorch's <c>conv_transpose2d</c>, the adjoint of <see cref="Conv2d"/>) of
    /// <paramref name="x"/> (N, Cin, H, W) with <paramref name="weight"/> (Cin, Cout, KH, KW); the result is
    /// (N, Cout, (H − 1)·s − 2p + KH + outputPadding, (W − 1)·s − 2p + KW + outputPadding).
    /// </summary>
    /// <param name="x">Input, (N, Cin, H, W).</param>
    /// <param name="weight">Filters, (Cin, Cout, KH, KW) — PyTorch's layout for transposed convolutions.</param>
    /// <param name="bias">Per-output-channel bias, (Cout), or null.</param>
    /// <param name="stride">Step s ≥ 1 of the convolution this is the adjoint of.</param>
    /// <param name="padding">Padding p ≥ 0 of that convolution (removed from the output's borders).</param>
    /// <param name="outputPadding">Extra rows/columns added at the bottom/right, 0 ≤ outputPadding &lt; stride.</param>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0)
    {
        CheckConvArguments("ConvTranspose2d", x, weight, bias, stride, padding, weightInDim: 0, weightOutDim: 1);
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, $"ConvTranspose2d: outputPadding must be in [0, stride = {stride}).");
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wd = x.Shape[3], cout = weight.Shape[1], kh = weight.Shape[2], kw = weight.Shape[3];
        int oh = (h - 1) * stride - 2 * padding + kh + outputPadding, ow = (wd - 1) * stride - 2 * padding + kw + outputPadding;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"ConvTranspose2d: input {ShapeUtil.Format(x.Shape)} with kernel {kh}x{kw}, stride {stride}, padding {padding} gives an empty output ({oh}x{ow}).", nameof(padding));
        // The convolution that maps y's (Cout, OH, OW) back onto x's (H, W) grid.
        var g = new ConvGeometry(cout, oh, ow, kh, kw, stride, padding);
        var y = Tensor.Empty([n, cout, oh, ow]);

        int k = g.ColumnRows, cols = g.ColumnCols, group = ImagesPerGemm(n, k, cols);
        var col = BufferPool.Rent(k * cols * group);
        var stage = group > 1 ? BufferPool.Rent(cin * cols * group) : null;
        ReadOnlySpan<float> xv = x.Data, wv = weight.Data;
        var yv = y.Data;
        if (bias is null) yv.Clear();
        else FillChannelBias(yv, bias.Data, n, g.Height * g.Width);
        for (int n0 = 0; n0 < n; n0 += group)
        {
            int gn = Math.Min(group, n - n0), ld = gn * cols;
            ReadOnlySpan<float> xG = xv.Slice(n0 * cin * cols, gn * cin * cols);
            if (gn > 1)
            {
                ImagesToChannelMajor(xG, stage.AsSpan(0, cin * ld), gn, cin, cols);
                xG = stage.AsSpan(0, cin * ld);
            }
            Gemm.Sgemm(true, false, k, ld, cin, wv, xG, col.AsSpan(0, k * ld));                           // col = wᵀ·x
            RaiseImages(g, col, ld, yv, n0, gn);
        }
        if (stage is not null) BufferPool.Return(stage);
        BufferPool.Return(col);

        y.Saved = g;
        AutogradEngine.Record(y, ConvTranspose2dBackward, x, weight, bias);
        return y;
    }

    private static readonly Action<Tensor> ConvTranspose2dBackward = static y =>
    {
        Tensor x = y.In0!, w = y.In1!;
        var g = (ConvGeometry)y.Saved!;
        ReadOnlySpan<float> dy = y.Grad!.Data;
        int n = x.Shape[0], cin = x.Shape[1], k = g.ColumnRows, cols = g.ColumnCols;
        if (y.In2 is { RequiresGrad: true } bias) SumChannels(dy, bias.GradSpan(), n, g.Height * g.Width);
        if (!x.RequiresGrad && !w.RequiresGrad) return;

        int group = ImagesPerGemm(n, k, cols);
        var col = BufferPool.Rent(k * cols * group);
        var stage = group > 1 ? BufferPool.Rent(cin * cols * group) : null;
        ReadOnlySpan<float> xv = x.Data, wv = w.Data;
        for (int n0 = 0; n0 < n; n0 += group)
        {
            int gn = Math.Min(group, n - n0), ld = gn * cols;
            var colG = col.AsSpan(0, k * ld);
            LowerImages(g, dy, n0, gn, col, ld);
            if (x.RequiresGrad)
            {
                var dx = x.GradSpan().Slice(n0 * cin * cols, gn * cin * cols);
                if (gn == 1) Gemm.Sgemm(false, false, cin, cols, k, wv, colG, dx, accumulate: true);        // dx += w·col
                else
                {
                    Gemm.Sgemm(false, false, cin, ld, k, wv, colG, stage.AsSpan(0, cin * ld));
                    ChannelMajorToImages(stage.AsSpan(0, cin * ld), dx, gn, cin, cols, accumulate: true);
                }
            }
            if (w.RequiresGrad)
            {
                ReadOnlySpan<float> xG = xv.Slice(n0 * cin * cols, gn * cin * cols);
                if (gn > 1)
                {
                    ImagesToChannelMajor(xG, stage.AsSpan(0, cin * ld), gn, cin, cols);
                    xG = stage.AsSpan(0, cin * ld);
                }
                Gemm.Sgemm(false, true, cin, k, ld, xG, colG, w.GradSpan(), accumulate: true);            // dw += x·colᵀ
            }
        }
        if (stage is not null) BufferPool.Return(stage);
        BufferPool.Return(col);
    };

    // col[:, i·OH·OW ...] = im2col(image first + i) for i < count, images (N, C, H, W).
    // (Splitting this over two threads measured no faster on the 2-core VMs: it is memory-bound.)
    private static void LowerImages(ConvGeometry g, ReadOnlySpan<float> images, int first, int count, float[] col, int ld)
    {
        for (int i = 0; i < count; i++)
            ConvLowering.Im2Col(g, images.Slice((first + i) * g.ImageSize, g.ImageSize), col.AsSpan(i * g.ColumnCols), ld);
    }

    // image first + i += col2im(col[:, i·OH·OW ...]) for i < count.
    private static void RaiseImages(ConvGeometry g, float[] col, int ld, Span<float> images, int first, int count)
    {
        for (int i = 0; i < count; i++)
            ConvLowering.Col2Im(g, col.AsSpan(i * g.ColumnCols), ld, images.Slice((first + i) * g.ImageSize, g.ImageSize));
    }

    // Images per GEMM call: enough for about 512 columns, at most what keeps the column matrix near
    // 1M floats (4 MB). Measured on the 2-core VMs (one thread, batch 128, the three GEMMs of a training
    // step): 256–1000 columns per call beat both one image per call (up to +40 % for 14×14 and 7×7
    // outputs) and the whole batch per call (+10–25 % for 32×32 and 16×16 outputs).
    private static int ImagesPerGemm(int batch, int columnRows, int columnCols)
    {
        const int TargetColumns = 512;
        const long ColumnBudget = 1 << 20;
        long byColumns = (TargetColumns + columnCols - 1) / Math.Max(1, columnCols);
        long byBudget = ColumnBudget / Math.Max(1L, (long)columnRows * columnCols);
        return (int)Math.Clamp(Math.Min(byColumns, byBudget), 1, Math.Max(1, batch));
    }

    // src (G, C, P) → dst (C, G·P): the images of a group side by side, channel by channel.
    private static void ImagesToChannelMajor(ReadOnlySpan<float> src, Span<float> dst, int images, int channels, int plane)
    {
        for (int i = 0; i < images; i++)
            for (int c = 0; c < channels; c++)
                src.Slice((i * channels + c) * plane, plane).CopyTo(dst.Slice((c * images + i) * plane, plane));
    }

    // src (C, G·P) → dst (G, C, P), overwriting or adding.
    private static void ChannelMajorToImages(ReadOnlySpan<float> src, Span<float> dst, int images, int channels, int plane, bool accumulate)
    {
        for (int i = 0; i < images; i++)
            for (int c = 0; c < channels; c++)
            {
                var s = src.Slice((c * images + i) * plane, plane);
                var d = dst.Slice((i * channels + c) * plane, plane);
                if (accumulate) TensorPrimitives.Add(d, s, d);
                else s.CopyTo(d);
            }
    }

    // y (N, C, P) += bias[c].
    private static void AddChannelBias(Span<float> y, ReadOnlySpan<float> bias, int n, int plane)
    {
        int channels = bias.Length;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
            {
                var row = y.Slice((i * channels + c) * plane, plane);
                TensorPrimitives.Add(row, bias[c], row);
            }
    }

    // y (N, C, P) = bias[c].
    private static void FillChannelBias(Span<float> y, ReadOnlySpan<float> bias, int n, int plane)
    {
        int channels = bias.Length;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) y.Slice((i * channels + c) * plane, plane).Fill(bias[c]);
    }

    // sums[c] += Σ_{n,p} g[n, c, p] for g (N, C, P).
    private static void SumChannels(ReadOnlySpan<float> g, Span<float> sums, int n, int plane)
    {
        int channels = sums.Length;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) sums[c] += TensorPrimitives.Sum(g.Slice((i * channels + c) * plane, plane));
    }

    private static void CheckConvArguments(string op, Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int weightInDim, int weightOutDim)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        string layout = weightInDim == 1 ? "(Cout, Cin, KH, KW)" : "(Cin, Cout, KH, KW)";
        if (x.Rank != 4)
            throw new ArgumentException($"{op}: input {ShapeUtil.Format(x.Shape)} must be (N, Cin, H, W).", nameof(x));
        if (weight.Rank != 4 || weight.Shape[weightInDim] != x.Shape[1])
            throw new ArgumentException($"{op}: weight {ShapeUtil.Format(weight.Shape)} must be {layout} with Cin = {x.Shape[1]} (input {ShapeUtil.Format(x.Shape)}).", nameof(weight));
        if (weight.Shape[2] == 0 || weight.Shape[3] == 0)
            throw new ArgumentException($"{op}: weight {ShapeUtil.Format(weight.Shape)} has an empty kernel.", nameof(weight));
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[weightOutDim]))
            throw new ArgumentException($"{op}: bias {ShapeUtil.Format(bias.Shape)} must be ({weight.Shape[weightOutDim]}) for weight {ShapeUtil.Format(weight.Shape)}.", nameof(bias));
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: padding must be non-negative.");
    }
}
