using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Pooling and nearest-neighbour upsampling over the last two dimensions of NCHW images.
//   MaxPool2d, AvgPool2d:  x is (N, C, H, W), y is (N, C, ⌊H/k⌋, ⌊W/k⌋); windows are k×k with stride k,
//                          no padding, trailing rows/columns that do not fill a window are dropped (PyTorch's default)
//   UpsampleNearest2d:     x is (N, C, H, W), y is (N, C, s·H, s·W), y[.., i, j] = x[.., ⌊i/s⌋, ⌊j/s⌋]
// Max pooling takes MathF.Max over the window (NaN if the window holds a NaN) and sends the gradient to
// the first element equal to the maximum (the first NaN); backward finds it again from x and y instead
// of storing indices. The loops run along rows (w, ow contiguous) and index through refs: shapes are
// checked at the public entry, so every index is inside its plane.
public static partial class Ops
{
    /// <summary>Maximum over non-overlapping <paramref name="kernelSize"/>×<paramref name="kernelSize"/> windows of (N, C, H, W) images.</summary>
    /// <param name="x">Input, (N, C, H, W).</param>
    /// <param name="kernelSize">Window size k ≥ 1, also the stride.</param>
    public static Tensor MaxPool2d(Tensor x, int kernelSize = 2)
    {
        var (oh, ow) = CheckPool("MaxPool2d", x, kernelSize);
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], oh, ow]);
        int k = kernelSize, h = x.Shape[2], w = x.Shape[3], planes = x.Shape[0] * x.Shape[1];
        ref float src = ref MemoryMarshal.GetReference(x.Data);
        ref float dst = ref MemoryMarshal.GetReference(y.Data);
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < oh; i++)
            {
                ref float outRow = ref Unsafe.Add(ref dst, (pl * oh + i) * ow);
                ref float top = ref Unsafe.Add(ref src, (pl * h + i * k) * w);
                if (k == 2)
                {
                    ref float bottom = ref Unsafe.Add(ref top, w);
                    for (int j = 0; j < ow; j++)
                        Unsafe.Add(ref outRow, j) = MathF.Max(MathF.Max(Unsafe.Add(ref top, 2 * j), Unsafe.Add(ref top, 2 * j + 1)),
                                                              MathF.Max(Unsafe.Add(ref bottom, 2 * j), Unsafe.Add(ref bottom, 2 * j + 1)));
                    continue;
                }
                for (int j = 0; j < ow; j++) Unsafe.Add(ref outRow, j) = Unsafe.Add(ref top, j * k);
                for (int u = 0; u < k; u++)
                {
                    ref float row = ref Unsafe.Add(ref top, u * w);
                    for (int j = 0; j < ow; j++)
                    {
                        ref float best = ref Unsafe.Add(ref outRow, j);
                        for (int v = 0; v < k; v++) best = MathF.Max(best, Unsafe.Add(ref row, j * k + v));
                    }
                }
            }
        y.IntArg = k;
        AutogradEngine.Record(y, MaxPool2dBackward, x);
        return y;
    }

    private static readonly Action<Tensor> MaxPool2dBackward = static y =>
    {
        var x = y.In0!;
        int k = y.IntArg, h = x.Shape[2], w = x.Shape[3], oh = y.Shape[2], ow = y.Shape[3], planes = x.Shape[0] * x.Shape[1];
        ref float xv = ref MemoryMarshal.GetReference(x.Data);
        ref float yv = ref MemoryMarshal.GetReference(y.Data);
        ref float g = ref MemoryMarshal.GetReference(y.Grad!.Data);
        ref float gx = ref MemoryMarshal.GetReference(x.GradSpan());
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < oh; i++)
            {
                int rowStart = (pl * h + i * k) * w;
                for (int j = 0; j < ow; j++)
                {
                    int o = (pl * oh + i) * ow + j;
                    ref float window = ref Unsafe.Add(ref xv, rowStart + j * k);
                    ref float gWindow = ref Unsafe.Add(ref gx, rowStart + j * k);
                    float max = Unsafe.Add(ref yv, o), grad = Unsafe.Add(ref g, o);
                    if (k != 2 || !AddToFirstOfFour(ref window, ref gWindow, w, max, grad))
                        Unsafe.Add(ref gWindow, FirstMatch(ref window, w, k, max)) += grad;
                }
            }
    };

    // 2×2 windows without branches on the data (which element is the maximum is a coin toss, and
    // mispredicted branches cost more than the arithmetic): each element gets grad if it is the first
    // equal to max, else +0. Returns false, having added nothing, when no element equals max (max is NaN).
    private static bool AddToFirstOfFour(ref float window, ref float gWindow, int w, float max, float grad)
    {
        bool a = window == max;
        bool b = !a & Unsafe.Add(ref window, 1) == max;
        bool c = !(a | b) & Unsafe.Add(ref window, w) == max;
        bool d = !(a | b | c) & Unsafe.Add(ref window, w + 1) == max;
        int bits = BitConverter.SingleToInt32Bits(grad);
        gWindow += Select(bits, a);
        Unsafe.Add(ref gWindow, 1) += Select(bits, b);
        Unsafe.Add(ref gWindow, w) += Select(bits, c);
        Unsafe.Add(ref gWindow, w + 1) += Select(bits, d);
        return a | b | c | d;
    }

    // The float with `bits` when `keep`, else +0 (a bit mask, not a product: ∞·0 would be NaN).
    private static float Select(int bits, bool keep) => BitConverter.Int32BitsToSingle(bits & -Unsafe.As<bool, byte>(ref keep));

    // Offset (u·w + v) from the window's top-left of its first element equal to `value` (NaN matches NaN).
    private static int FirstMatch(ref float window, int w, int k, float value)
    {
        bool nan = float.IsNaN(value);
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++)
            {
                float e = Unsafe.Add(ref window, u * w + v);
                if (e == value || nan && float.IsNaN(e)) return u * w + v;
            }
        return 0;
    }

    /// <summary>Mean over non-overlapping <paramref name="kernelSize"/>×<paramref name="kernelSize"/> windows of (N, C, H, W) images.</summary>
    /// <param name="x">Input, (N, C, H, W).</param>
    /// <param name="kernelSize">Window size k ≥ 1, also the stride.</param>
    public static Tensor AvgPool2d(Tensor x, int kernelSize = 2)
    {
        var (oh, ow) = CheckPool("AvgPool2d", x, kernelSize);
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], oh, ow]);
        int k = kernelSize, h = x.Shape[2], w = x.Shape[3], planes = x.Shape[0] * x.Shape[1];
        float scale = 1f / (k * k);
        ref float src = ref MemoryMarshal.GetReference(x.Data);
        ref float dst = ref MemoryMarshal.GetReference(y.Data);
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < oh; i++)
            {
                ref float outRow = ref Unsafe.Add(ref dst, (pl * oh + i) * ow);
                ref float top = ref Unsafe.Add(ref src, (pl * h + i * k) * w);
                for (int j = 0; j < ow; j++)
                {
                    float sum = 0f;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++) sum += Unsafe.Add(ref top, u * w + j * k + v);
                    Unsafe.Add(ref outRow, j) = sum * scale;
                }
            }
        y.IntArg = k;
        AutogradEngine.Record(y, static y => // every pixel of a window gets g / k²
        {
            var x = y.In0!;
            int k = y.IntArg, h = x.Shape[2], w = x.Shape[3], oh = y.Shape[2], ow = y.Shape[3], planes = x.Shape[0] * x.Shape[1];
            float scale = 1f / (k * k);
            ref float g = ref MemoryMarshal.GetReference(y.Grad!.Data);
            ref float gx = ref MemoryMarshal.GetReference(x.GradSpan());
            for (int pl = 0; pl < planes; pl++)
                for (int i = 0; i < oh; i++)
                {
                    ref float gRow = ref Unsafe.Add(ref g, (pl * oh + i) * ow);
                    ref float top = ref Unsafe.Add(ref gx, (pl * h + i * k) * w);
                    for (int j = 0; j < ow; j++)
                    {
                        float share = Unsafe.Add(ref gRow, j) * scale;
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++) Unsafe.Add(ref top, u * w + j * k + v) += share;
                    }
                }
        }, x);
        return y;
    }

    private static (int OutH, int OutW) CheckPool(string op, Tensor x, int kernelSize)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4) throw new ArgumentException($"{op}: input {ShapeUtil.Format(x.Shape)} must be (N, C, H, W).", nameof(x));
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, $"{op}: kernelSize must be at least 1.");
        if (x.Shape[2] < kernelSize || x.Shape[3] < kernelSize)
            throw new ArgumentException($"{op}: input {ShapeUtil.Format(x.Shape)} is smaller than the {kernelSize}x{kernelSize} window.", nameof(x));
        return (x.Shape[2] / kernelSize, x.Shape[3] / kernelSize);
    }

    /// <summary>Nearest-neighbour upsampling of (N, C, H, W) images by an integer <paramref name="scale"/>: (N, C, s·H, s·W).</summary>
    /// <param name="x">Input, (N, C, H, W).</param>
    /// <param name="scale">Integer factor s ≥ 1 in both directions.</param>
    public static Tensor UpsampleNearest2d(Tensor x, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4) throw new ArgumentException($"UpsampleNearest2d: input {ShapeUtil.Format(x.Shape)} must be (N, C, H, W).", nameof(x));
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "UpsampleNearest2d: scale must be at least 1.");
        int h = x.Shape[2], w = x.Shape[3], oh = h * scale, ow = w * scale, planes = x.Shape[0] * x.Shape[1];
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], oh, ow]);
        ReadOnlySpan<float> xv = x.Data;
        var yv = y.Data;
        ref float dst = ref MemoryMarshal.GetReference(yv);
        for (int r = 0; r < planes * h; r++)
        {
            ref float src = ref Unsafe.Add(ref MemoryMarshal.GetReference(xv), r * w);
            ref float first = ref Unsafe.Add(ref dst, r * scale * ow);
            for (int j = 0; j < w; j++)
            {
                float value = Unsafe.Add(ref src, j);
                for (int v = 0; v < scale; v++) Unsafe.Add(ref first, j * scale + v) = value;
            }
            var firstRow = yv.Slice(r * scale * ow, ow);
            for (int u = 1; u < scale; u++) firstRow.CopyTo(yv.Slice((r * scale + u) * ow, ow));
        }
        y.IntArg = scale;
        AutogradEngine.Record(y, static y => // each input pixel collects the s×s block it was copied to
        {
            var x = y.In0!;
            int s = y.IntArg, h = x.Shape[2], w = x.Shape[3], ow = y.Shape[3], planes = x.Shape[0] * x.Shape[1];
            ref float g = ref MemoryMarshal.GetReference(y.Grad!.Data);
            ref float gx = ref MemoryMarshal.GetReference(x.GradSpan());
            for (int r = 0; r < planes * h; r++)
            {
                ref float dst = ref Unsafe.Add(ref gx, r * w);
                for (int u = 0; u < s; u++)
                {
                    ref float row = ref Unsafe.Add(ref g, (r * s + u) * ow);
                    for (int j = 0; j < w; j++)
                    {
                        float sum = 0f;
                        for (int v = 0; v < s; v++) sum += Unsafe.Add(ref row, j * s + v);
                        Unsafe.Add(ref dst, j) += sum;
                    }
                }
            }
        }, x);
        return y;
    }
}
