using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// 2-D convolution and its adjoint, lowered to GEMM (DESIGN.md, "Kernels"). NCHW, square stride s and padding p.
//   Conv2d:          x is (N, Cin, H, W), w is (Cout, Cin, KH, KW), bias is (Cout), y = act(z) is (N, Cout, OH, OW)
//                    OH = ⌊(H + 2p − KH)/s⌋ + 1
//                    per group of images: col (Cin·KH·KW, G·OH·OW) = im2col(x);  z = w·col + bias
//                    backward: dz = dy·act'(z);  dw += dz·colᵀ;  dcol = wᵀ·dz, dx += col2im(dcol);  dbias += Σ dz
//   ConvTranspose2d: x is (N, Cin, H, W), w is (Cin, Cout, KH, KW), bias is (Cout), y = act(z) is (N, Cout, OH, OW)
//                    OH = (H − 1)·s − 2p + KH + outputPadding
//                    forward is the conv backward-to-input: col (Cout·KH·KW, G·H·W) = wᵀ·x;  z = col2im(col) + bias
//                    backward: dz = dy·act'(z);  col = im2col(dz);  dx += w·col;  dw += x·colᵀ;  dbias += Σ dz
// The activation (act'(z) written with y, as Ops.Linear does) is fused because a stand-alone ReLU over
// these outputs cost a full pass each way over the largest tensors of a conv VAE.
//
// Work split: several images share one GEMM (G per call, about 512 columns), and the groups are the
// tasks of one WorkerPool.Run, so lowering, GEMM and epilogue of a group run on one core with their
// buffers in its cache (the inner GEMM then runs on that thread alone). Weight and bias gradients are
// summed per task into partial buffers that the caller adds up in task order. Group size and task count
// come from the shapes only, so results are bit-identical for any thread count. One group (a single
// large image, say) is one task: then the GEMM itself uses the threads.
// Columns and staging buffers come from BufferPool (of the thread running the task). The naive oracle is
// Kernels/ConvReference.
public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch's <c>conv2d</c>) of <paramref name="x"/> (N, Cin, H, W)
    /// with <paramref name="weight"/> (Cout, Cin, KH, KW) and an optional <paramref name="bias"/> (Cout), then an
    /// optional fused activation; the result is (N, Cout, ⌊(H + 2p − KH)/s⌋ + 1, ⌊(W + 2p − KW)/s⌋ + 1).
    /// </summary>
    /// <param name="x">Input, (N, Cin, H, W).</param>
    /// <param name="weight">Filters, (Cout, Cin, KH, KW).</param>
    /// <param name="bias">Per-output-channel bias, (Cout), or null.</param>
    /// <param name="stride">Step s ≥ 1 in both directions.</param>
    /// <param name="padding">Zeros p ≥ 0 added on every side.</param>
    /// <param name="activation">Activation applied to the output (same values and gradients as the separate op).</param>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, Activation activation = Activation.None)
    {
        CheckConvArguments("Conv2d", x, weight, bias, stride, padding, weightInDim: 1, weightOutDim: 0);
        int n = x.Shape[0], cout = weight.Shape[0];
        var g = new ConvGeometry(x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[2], weight.Shape[3], stride, padding);
        if (g.OutH <= 0 || g.OutW <= 0)
            throw new ArgumentException($"Conv2d: kernel {weight.Shape[2]}x{weight.Shape[3]} with padding {padding} does not fit input {ShapeUtil.Format(x.Shape)}.", nameof(weight));
        var y = Tensor.Empty([n, cout, g.OutH, g.OutW]);
        ConvPass.Run(ConvPass.Kind.Conv2dForward, g, x, weight, bias, y, activation);
        y.Saved = g;
        y.IntArg = (int)activation;
        AutogradEngine.Record(y, Conv2dBackward, x, weight, bias);
        return y;
    }

    private static readonly Action<Tensor> Conv2dBackward = static y =>
        ConvPass.Run(ConvPass.Kind.Conv2dBackward, (ConvGeometry)y.Saved!, y.In0!, y.In1!, y.In2, y, (Activation)y.IntArg);

    /// <summary>
    /// Transposed 2-D convolution (PyTorch's <c>conv_transpose2d</c>, the adjoint of <see cref="Conv2d"/>) of
    /// <paramref name="x"/> (N, Cin, H, W) with <paramref name="weight"/> (Cin, Cout, KH, KW), then an optional fused
    /// activation; the result is (N, Cout, (H − 1)·s − 2p + KH + outputPadding, (W − 1)·s − 2p + KW + outputPadding).
    /// </summary>
    /// <param name="x">Input, (N, Cin, H, W).</param>
    /// <param name="weight">Filters, (Cin, Cout, KH, KW) — PyTorch's layout for transposed convolutions.</param>
    /// <param name="bias">Per-output-channel bias, (Cout), or null.</param>
    /// <param name="stride">Step s ≥ 1 of the convolution this is the adjoint of.</param>
    /// <param name="padding">Padding p ≥ 0 of that convolution (removed from the output's borders).</param>
    /// <param name="outputPadding">Extra rows/columns added at the bottom/right, 0 ≤ outputPadding &lt; stride.</param>
    /// <param name="activation">Activation applied to the output (same values and gradients as the separate op).</param>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0,
        Activation activation = Activation.None)
    {
        CheckConvArguments("ConvTranspose2d", x, weight, bias, stride, padding, weightInDim: 0, weightOutDim: 1);
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, $"ConvTranspose2d: outputPadding must be in [0, stride = {stride}).");
        int n = x.Shape[0], h = x.Shape[2], wd = x.Shape[3], cout = weight.Shape[1], kh = weight.Shape[2], kw = weight.Shape[3];
        int oh = (h - 1) * stride - 2 * padding + kh + outputPadding, ow = (wd - 1) * stride - 2 * padding + kw + outputPadding;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"ConvTranspose2d: input {ShapeUtil.Format(x.Shape)} with kernel {kh}x{kw}, stride {stride}, padding {padding} gives an empty output ({oh}x{ow}).", nameof(padding));
        // The convolution that maps y's (Cout, OH, OW) back onto x's (H, W) grid.
        var g = new ConvGeometry(cout, oh, ow, kh, kw, stride, padding);
        var y = Tensor.Empty([n, cout, oh, ow]);
        ConvPass.Run(ConvPass.Kind.ConvTransposeForward, g, x, weight, bias, y, activation);
        y.Saved = g;
        y.IntArg = (int)activation;
        AutogradEngine.Record(y, ConvTranspose2dBackward, x, weight, bias);
        return y;
    }

    private static readonly Action<Tensor> ConvTranspose2dBackward = static y =>
        ConvPass.Run(ConvPass.Kind.ConvTransposeBackward, (ConvGeometry)y.Saved!, y.In0!, y.In1!, y.In2, y, (Activation)y.IntArg);

    // One conv op's forward or backward, as WorkerPool tasks over groups of images. Dimensions as in the
    // header; K = ColumnRows of the geometry, P = ColumnCols (OH·OW of the convolution; H·W of a
    // transposed one's input), G images per group (ld = G·P columns per GEMM).
    private sealed class ConvPass : IParallelJob
    {
        public enum Kind { Conv2dForward, Conv2dBackward, ConvTransposeForward, ConvTransposeBackward }

        // Tasks: one group each, merged (consecutive groups) down to at most MaxTasks, which balances two to
        // four threads, and so that the partial weight gradients (one per task) stay under PartialBudget floats.
        private const int MaxTasks = 32;
        private const long PartialBudget = 1 << 20;

        [ThreadStatic] private static ConvPass? _forThread;
        private bool _inUse;

        private Kind _kind;
        private ConvGeometry _g = null!;
        private Tensor _x = null!, _w = null!, _y = null!;
        private Tensor? _bias;
        private Activation _act;
        private int _n, _xChannels, _k, _cols, _group, _groups, _groupsPerTask;
        private bool _needDx, _needDw, _needDb, _dwTransposed, _dxOverwrite;
        private float[]? _partialW, _partialB;

        public static void Run(Kind kind, ConvGeometry g, Tensor x, Tensor w, Tensor? bias, Tensor y, Activation act)
        {
            ConvPass pass = _forThread ??= new ConvPass();
            if (pass._inUse) pass = new ConvPass(); // re-entered on this thread: rare, so allocate
            pass._inUse = true;
            try
            {
                pass.Start(kind, g, x, w, bias, y, act);
            }
            finally
            {
                pass._x = pass._w = pass._y = null!;
                pass._bias = null;
                pass._inUse = false;
            }
        }

        private void Start(Kind kind, ConvGeometry g, Tensor x, Tensor w, Tensor? bias, Tensor y, Activation act)
        {
            bool backward = kind is Kind.Conv2dBackward or Kind.ConvTransposeBackward;
            _kind = kind; _g = g; _x = x; _w = w; _y = y; _bias = bias; _act = act;
            _n = x.Shape[0];
            _xChannels = x.Shape[1];
            _k = g.ColumnRows;
            _cols = g.ColumnCols;
            _group = ImagesPerGemm(_n, _k, _cols);
            _groups = (_n + _group - 1) / _group;
            _needDx = backward && x.RequiresGrad;
            _needDw = backward && w.RequiresGrad;
            _needDb = backward && bias is { RequiresGrad: true };
            if (backward && !_needDx && !_needDw && !_needDb) return;

            int wRows = kind == Kind.Conv2dBackward ? w.Shape[0] : _xChannels;      // dw is (wRows, K)
            // A GEMM output narrower than the 16-wide micro-tile wastes most of it (K = 9 for one input
            // channel and a 3×3 kernel): compute dwᵀ (K, wRows) instead, same sums in the same order.
            _dwTransposed = _k < 16 && wRows > _k;
            int tasks = Math.Min(_groups, MaxTasks);
            if (_needDw) tasks = (int)Math.Clamp(PartialBudget / Math.Max(1, w.Size), 1, tasks);
            _groupsPerTask = (_groups + tasks - 1) / tasks;
            tasks = (_groups + _groupsPerTask - 1) / _groupsPerTask;

            // Gradient buffers are created here, not on the helper threads. A new dx is not zeroed: each
            // task stores its images' dx (or clears them just before adding, while they are in its cache).
            _dxOverwrite = false;
            if (_needDx) x.GradSpanForWrite(out _dxOverwrite);
            int outChannels = y.Shape[1];
            _partialW = _needDw ? BufferPool.Rent(tasks * w.Size) : null;
            _partialB = _needDb ? BufferPool.Rent(tasks * outChannels) : null;

            WorkerPool.Run(tasks, this);

            if (_partialW is not null)
            {
                AddPartials(_partialW, tasks, w.GradSpan(), wRows, _k, _dwTransposed);
                BufferPool.Return(_partialW);
            }
            if (_partialB is not null)
            {
                AddPartials(_partialB, tasks, bias!.GradSpan(), 1, outChannels, transposed: false);
                BufferPool.Return(_partialB);
            }
            _partialW = _partialB = null;
        }

        public void Execute(int task)
        {
            int first = task * _groupsPerTask, last = Math.Min(_groups, first + _groupsPerTask);
            switch (_kind)
            {
                case Kind.Conv2dForward: Conv2dForward(first, last); break;
                case Kind.Conv2dBackward: Conv2dBackward(task, first, last); break;
                case Kind.ConvTransposeForward: ConvTransposeForward(first, last); break;
                default: ConvTransposeBackward(task, first, last); break;
            }
        }

        private void Conv2dForward(int first, int last)
        {
            int cout = _y.Shape[1], k = _k, cols = _cols;
            var col = BufferPool.Rent(k * cols * _group);
            var scratch = RentScratch(_g);
            var stage = _group > 1 ? BufferPool.Rent(cout * cols * _group) : null;
            ReadOnlySpan<float> xv = _x.Data, wv = _w.Data;
            ReadOnlySpan<float> bias = _bias is null ? default : _bias.Data;
            var yv = _y.Data;
            for (int grp = first; grp < last; grp++)
            {
                int n0 = grp * _group, gn = Math.Min(_group, _n - n0), ld = gn * cols;
                LowerImages(_g, xv, n0, gn, col, ld, scratch);
                var dst = yv.Slice(n0 * cout * cols, gn * cout * cols);
                if (gn == 1)
                {
                    Gemm.Sgemm(false, false, cout, cols, k, wv, col.AsSpan(0, k * ld), dst);               // z = w·col
                    Epilogue(dst, dst, 1, cout, cols, bias, _act);
                }
                else
                {
                    Gemm.Sgemm(false, false, cout, ld, k, wv, col.AsSpan(0, k * ld), stage.AsSpan(0, cout * ld));
                    Epilogue(stage.AsSpan(0, cout * ld), dst, gn, cout, cols, bias, _act);
                }
            }
            if (stage is not null) BufferPool.Return(stage);
            BufferPool.Return(col);
            if (scratch is not null) BufferPool.Return(scratch);
        }

        private void Conv2dBackward(int task, int first, int last)
        {
            int cout = _y.Shape[1], k = _k, cols = _cols;
            bool staged = _group > 1 || _act != Activation.None;
            var col = BufferPool.Rent(k * cols * _group);
            var scratch = RentScratch(_g);
            var stage = staged ? BufferPool.Rent(cout * cols * _group) : null;
            ReadOnlySpan<float> xv = _x.Data, wv = _w.Data, yv = _y.Data, dy = _y.Grad!.Data;
            Span<float> dw = _needDw ? _partialW.AsSpan(task * _w.Size, _w.Size) : default;
            Span<float> db = _needDb ? _partialB.AsSpan(task * cout, cout) : default;
            db.Clear();
            for (int grp = first; grp < last; grp++)
            {
                int n0 = grp * _group, gn = Math.Min(_group, _n - n0), ld = gn * cols;
                var colG = col.AsSpan(0, k * ld);
                int at = n0 * cout * cols, size = gn * cout * cols;
                // dz (Cout, ld), channel-major: the images of the group side by side.
                ReadOnlySpan<float> dz = dy.Slice(at, size);
                if (staged)
                {
                    ToChannelMajor(yv.Slice(at, size), dz, stage.AsSpan(0, size), gn, cout, cols, _act);
                    dz = stage.AsSpan(0, size);
                }
                for (int c = 0; c < db.Length; c++) db[c] += TensorPrimitives.Sum(dz.Slice(c * ld, ld));
                if (_needDw)
                {
                    bool add = grp > first;
                    LowerImages(_g, xv, n0, gn, col, ld, scratch);
                    if (_dwTransposed) Gemm.Sgemm(false, true, k, cout, ld, colG, dz, dw, add);           // dwᵀ = col·dzᵀ
                    else Gemm.Sgemm(false, true, cout, k, ld, dz, colG, dw, add);                          // dw = dz·colᵀ
                }
                if (_needDx)
                {
                    Gemm.Sgemm(true, false, k, ld, cout, wv, dz, colG);                                     // dcol = wᵀ·dz
                    if (_dxOverwrite) _x.Grad!.Data.Slice(n0 * _g.ImageSize, gn * _g.ImageSize).Clear();
                    RaiseImages(_g, col, ld, _x.Grad!.Data, n0, gn, scratch);
                }
            }
            if (stage is not null) BufferPool.Return(stage);
            BufferPool.Return(col);
            if (scratch is not null) BufferPool.Return(scratch);
        }

        private void ConvTransposeForward(int first, int last)
        {
            int cin = _xChannels, k = _k, cols = _cols, plane = _g.Height * _g.Width, cout = _y.Shape[1];
            var col = BufferPool.Rent(k * cols * _group);
            var scratch = RentScratch(_g);
            var stage = _group > 1 ? BufferPool.Rent(cin * cols * _group) : null;
            ReadOnlySpan<float> xv = _x.Data, wv = _w.Data;
            ReadOnlySpan<float> bias = _bias is null ? default : _bias.Data;
            var yv = _y.Data;
            for (int grp = first; grp < last; grp++)
            {
                int n0 = grp * _group, gn = Math.Min(_group, _n - n0), ld = gn * cols;
                ReadOnlySpan<float> xG = xv.Slice(n0 * cin * cols, gn * cin * cols);
                if (gn > 1)
                {
                    ImagesToChannelMajor(xG, stage.AsSpan(0, cin * ld), gn, cin, cols);
                    xG = stage.AsSpan(0, cin * ld);
                }
                Gemm.Sgemm(true, false, k, ld, cin, wv, xG, col.AsSpan(0, k * ld));                       // col = wᵀ·x
                var yG = yv.Slice(n0 * cout * plane, gn * cout * plane);
                if (bias.IsEmpty) yG.Clear();
                else FillChannelBias(yG, bias, gn, plane);
                RaiseImages(_g, col, ld, yv, n0, gn, scratch);
                ActivationKernels.Apply(_act, yG);
            }
            if (stage is not null) BufferPool.Return(stage);
            BufferPool.Return(col);
            if (scratch is not null) BufferPool.Return(scratch);
        }

        private void ConvTransposeBackward(int task, int first, int last)
        {
            int cin = _xChannels, k = _k, cols = _cols, plane = _g.Height * _g.Width, cout = _y.Shape[1];
            var col = BufferPool.Rent(k * cols * _group);
            var scratch = RentScratch(_g);
            var stage = _group > 1 ? BufferPool.Rent(cin * cols * _group) : null;
            var masked = _act != Activation.None ? BufferPool.Rent(cout * plane * _group) : null;
            ReadOnlySpan<float> xv = _x.Data, wv = _w.Data, yv = _y.Data, dy = _y.Grad!.Data;
            Span<float> dw = _needDw ? _partialW.AsSpan(task * _w.Size, _w.Size) : default;
            Span<float> db = _needDb ? _partialB.AsSpan(task * cout, cout) : default;
            db.Clear();
            for (int grp = first; grp < last; grp++)
            {
                int n0 = grp * _group, gn = Math.Min(_group, _n - n0), ld = gn * cols;
                var colG = col.AsSpan(0, k * ld);
                int at = n0 * cout * plane, size = gn * cout * plane;
                // dz (G, Cout, OH, OW), the group's images; `first` indexes dzImages.
                ReadOnlySpan<float> dzImages = dy;
                int dzFirst = n0;
                if (masked is not null)
                {
                    ActivationKernels.Backward(_act, yv.Slice(at, size), dy.Slice(at, size), masked.AsSpan(0, size));
                    dzImages = masked.AsSpan(0, size);
                    dzFirst = 0;
                }
                if (!db.IsEmpty)
                    for (int i = 0; i < gn; i++)
                        for (int c = 0; c < cout; c++) db[c] += TensorPrimitives.Sum(dzImages.Slice(((dzFirst + i) * cout + c) * plane, plane));
                if (!_needDx && !_needDw) continue;
                LowerImages(_g, dzImages, dzFirst, gn, col, ld, scratch);
                if (_needDx)
                {
                    var dx = _x.Grad!.Data.Slice(n0 * cin * cols, gn * cin * cols);
                    if (gn == 1) Gemm.Sgemm(false, false, cin, cols, k, wv, colG, dx, accumulate: !_dxOverwrite);   // dx += w·col
                    else
                    {
                        Gemm.Sgemm(false, false, cin, ld, k, wv, colG, stage.AsSpan(0, cin * ld));
                        ChannelMajorToImages(stage.AsSpan(0, cin * ld), dx, gn, cin, cols, accumulate: !_dxOverwrite);
                    }
                }
                if (_needDw)
                {
                    bool add = grp > first;
                    ReadOnlySpan<float> xG = xv.Slice(n0 * cin * cols, gn * cin * cols);
                    if (gn > 1)
                    {
                        ImagesToChannelMajor(xG, stage.AsSpan(0, cin * ld), gn, cin, cols);
                        xG = stage.AsSpan(0, cin * ld);
                    }
                    if (_dwTransposed) Gemm.Sgemm(false, true, k, cin, ld, colG, xG, dw, add);              // dwᵀ = col·xᵀ
                    else Gemm.Sgemm(false, true, cin, k, ld, xG, colG, dw, add);                             // dw = x·colᵀ
                }
            }
            if (masked is not null) BufferPool.Return(masked);
            if (stage is not null) BufferPool.Return(stage);
            BufferPool.Return(col);
            if (scratch is not null) BufferPool.Return(scratch);
        }

        private float[]? RentScratch(ConvGeometry g) => g.LoweringScratchSize > 0 ? BufferPool.Rent(g.LoweringScratchSize * _group) : null;

        // grad (rows, cols) += Σ_t partial_t in task order; partial_t is (rows, cols), or (cols, rows) when transposed.
        private static void AddPartials(float[] partials, int tasks, Span<float> grad, int rows, int cols, bool transposed)
        {
            int size = rows * cols;
            for (int t = 0; t < tasks; t++)
            {
                var p = partials.AsSpan(t * size, size);
                if (!transposed) TensorPrimitives.Add(grad, p, grad);
                else
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < cols; c++) grad[r * cols + c] += p[c * rows + r];
            }
        }
    }

    // col[:, i·OH·OW ...] = im2col(image first + i) for i < count, images (N, C, H, W).
    private static void LowerImages(ConvGeometry g, ReadOnlySpan<float> images, int first, int count, float[] col, int ld, float[]? scratch) =>
        ConvLowering.Im2Col(g, images.Slice(first * g.ImageSize, count * g.ImageSize), count, col, ld, scratch);

    // image first + i += col2im(col[:, i·OH·OW ...]) for i < count (col is scratch).
    private static void RaiseImages(ConvGeometry g, float[] col, int ld, Span<float> images, int first, int count, float[]? scratch) =>
        ConvLowering.Col2Im(g, col, ld, images.Slice(first * g.ImageSize, count * g.ImageSize), count, scratch);

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

    // dz (C, G·P) = dy (G, C, P) · act'(z), act' written with y (G, C, P); a plain reordering for no activation.
    private static void ToChannelMajor(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dz, int images, int channels, int plane, Activation act)
    {
        for (int i = 0; i < images; i++)
            for (int c = 0; c < channels; c++)
            {
                int from = (i * channels + c) * plane;
                ActivationKernels.Backward(act, y.Slice(from, plane), dy.Slice(from, plane), dz.Slice((c * images + i) * plane, plane));
            }
    }

    // dst (G, C, P) = act(src (C, G·P) + bias[c]); src may be dst when G = 1.
    private static void Epilogue(ReadOnlySpan<float> src, Span<float> dst, int images, int channels, int plane, ReadOnlySpan<float> bias, Activation act)
    {
        for (int i = 0; i < images; i++)
            for (int c = 0; c < channels; c++)
            {
                var s = src.Slice((c * images + i) * plane, plane);
                var d = dst.Slice((i * channels + c) * plane, plane);
                if (!bias.IsEmpty) TensorPrimitives.Add(s, bias[c], d);
                else s.CopyTo(d);
                ActivationKernels.Apply(act, d);
            }
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

    // y (N, C, P) = bias[c].
    private static void FillChannelBias(Span<float> y, ReadOnlySpan<float> bias, int n, int plane)
    {
        int channels = bias.Length;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) y.Slice((i * channels + c) * plane, plane).Fill(bias[c]);
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
