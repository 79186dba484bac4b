using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeSharp.Engine.Kernels;

// Lowering a convolution to a matrix product (im2col) and its adjoint (col2im), one image at a time.
// Dimensions are those of ConvGeometry:
//   image is (C, H, W)
//   col   is (C·KH·KW, OH·OW), stored with leading dimension ld ≥ OH·OW so that several images can
//         sit side by side in one matrix (image i at column offset i·OH·OW)
//   col[(c·KH + kh)·KW + kw, oh·OW + ow] = image[c, oh·s − p + kh, ow·s − p + kw], 0 outside the image
// Im2Col overwrites its columns; Col2Im adds every column entry back onto the pixel it came from
// (Col2Im = Im2Colᵀ). For each kernel offset the rows oh ∈ [yLo, yHi) and columns ow ∈ [xLo, xHi) that
// read inside the image are computed once, so the inner loop runs along ow without tests: contiguous in
// col, and in the image when s = 1. Callers pass spans of the stated sizes (checked in debug builds);
// the loops index through refs without bounds checks.
// Stride 2 (the usual down/up-sampling layer) has a Vector256 path (see GatherEven/ScatterAddEven) that
// gives bit-identical results to its scalar loop; `vectorize: false` forces the scalar loop (for tests).
internal static class ConvLowering
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Im2Col(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld, bool vectorize = true)
    {
        vectorize &= Vector256.IsHardwareAccelerated;
        int h = g.Height, w = g.Width, s = g.Stride, p = g.Padding, oh = g.OutH, ow = g.OutW;
        Debug.Assert(image.Length >= g.ImageSize && ld >= g.ColumnCols && col.Length >= (g.ColumnRows - 1) * ld + g.ColumnCols);
        ref float img = ref MemoryMarshal.GetReference(image);
        for (int c = 0; c < g.Channels; c++)
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                var (yLo, yHi) = ValidRange(kh, h, oh, s, p);
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    var dst = col.Slice(((c * g.KernelH + kh) * g.KernelW + kw) * ld, oh * ow);
                    dst[..(yLo * ow)].Clear();
                    dst[(yHi * ow)..].Clear();
                    var (xLo, xHi) = ValidRange(kw, w, ow, s, p);
                    int n = xHi - xLo;
                    ref float d = ref MemoryMarshal.GetReference(dst);
                    for (int y = yLo; y < yHi; y++)
                    {
                        ref float row = ref Unsafe.Add(ref d, y * ow);
                        for (int x = 0; x < xLo; x++) Unsafe.Add(ref row, x) = 0f;
                        for (int x = xHi; x < ow; x++) Unsafe.Add(ref row, x) = 0f;
                        int at = (c * h + y * s - p + kh) * w + xLo * s - p + kw;
                        ref float src = ref Unsafe.Add(ref img, at);
                        ref float to = ref Unsafe.Add(ref row, xLo);
                        if (s == 1) MemoryMarshal.CreateReadOnlySpan(ref src, n).CopyTo(MemoryMarshal.CreateSpan(ref to, n));
                        else if (s == 2) GatherEven(ref src, ref to, n, vectorize ? g.ImageSize - at : 0);
                        else for (int x = 0; x < n; x++) Unsafe.Add(ref to, x) = Unsafe.Add(ref src, x * s);
                    }
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Col2Im(ConvGeometry g, ReadOnlySpan<float> col, int ld, Span<float> image, bool vectorize = true)
    {
        vectorize &= Vector256.IsHardwareAccelerated;
        int h = g.Height, w = g.Width, s = g.Stride, p = g.Padding, oh = g.OutH, ow = g.OutW;
        Debug.Assert(image.Length >= g.ImageSize && ld >= g.ColumnCols && col.Length >= (g.ColumnRows - 1) * ld + g.ColumnCols);
        ref float img = ref MemoryMarshal.GetReference(image);
        ref float cols = ref MemoryMarshal.GetReference(col);
        for (int c = 0; c < g.Channels; c++)
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                var (yLo, yHi) = ValidRange(kh, h, oh, s, p);
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    var (xLo, xHi) = ValidRange(kw, w, ow, s, p);
                    int n = xHi - xLo;
                    ref float rowBase = ref Unsafe.Add(ref cols, ((c * g.KernelH + kh) * g.KernelW + kw) * ld + xLo);
                    for (int y = yLo; y < yHi; y++)
                    {
                        ref float from = ref Unsafe.Add(ref rowBase, y * ow);
                        int at = (c * h + y * s - p + kh) * w + xLo * s - p + kw;
                        ref float dst = ref Unsafe.Add(ref img, at);
                        if (s == 1)
                        {
                            var d = MemoryMarshal.CreateSpan(ref dst, n);
                            TensorPrimitives.Add(d, MemoryMarshal.CreateReadOnlySpan(ref from, n), d);
                        }
                        else if (s == 2) ScatterAddEven(ref from, ref dst, n, vectorize ? g.ImageSize - at : 0);
                        else for (int x = 0; x < n; x++) Unsafe.Add(ref dst, x * s) += Unsafe.Add(ref from, x);
                    }
                }
            }
    }

    // to[x] = src[2x] for x < n; `available` floats may be read from src (0: scalar only).
    // Vector256 (8 lanes): 16 consecutive floats read as 4 + 4 ulongs and narrowed to their low halves are
    // the 8 floats at even offsets (little-endian). The remainder, and rows near the end of the image
    // where 16 floats are not there to read, take the scalar loop.
    private static void GatherEven(ref float src, ref float to, int n, int available)
    {
        int x = 0;
        if (BitConverter.IsLittleEndian)
            for (; x + Vector256<float>.Count <= n && 2 * x + 2 * Vector256<float>.Count <= available; x += Vector256<float>.Count)
            {
                ref float from = ref Unsafe.Add(ref src, 2 * x);
                var lower = Vector256.LoadUnsafe(ref from).AsUInt64();
                var upper = Vector256.LoadUnsafe(ref from, (nuint)Vector256<float>.Count).AsUInt64();
                Vector256.Narrow(lower, upper).AsSingle().StoreUnsafe(ref Unsafe.Add(ref to, x));
            }
        for (; x < n; x++) Unsafe.Add(ref to, x) = Unsafe.Add(ref src, 2 * x);
    }

    // dst[2x] += from[x] for x < n; `available` floats may be read and written at dst (0: scalar only).
    // Vector256: 8 values zero-extended to ulongs are (value, +0f) pairs; adding them onto 16 consecutive
    // floats adds each value at an even offset and +0f (which changes nothing but the sign of a −0) at the odd ones.
    private static void ScatterAddEven(ref float from, ref float dst, int n, int available)
    {
        int x = 0;
        if (BitConverter.IsLittleEndian)
            for (; x + Vector256<float>.Count <= n && 2 * x + 2 * Vector256<float>.Count <= available; x += Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.Add(ref from, x)).AsUInt32());
                ref float to = ref Unsafe.Add(ref dst, 2 * x);
                (Vector256.LoadUnsafe(ref to) + lower.AsSingle()).StoreUnsafe(ref to);
                (Vector256.LoadUnsafe(ref to, (nuint)Vector256<float>.Count) + upper.AsSingle()).StoreUnsafe(ref to, (nuint)Vector256<float>.Count);
            }
        for (; x < n; x++) Unsafe.Add(ref dst, 2 * x) += Unsafe.Add(ref from, x);
    }

    // Outputs [lo, hi) along one axis whose input o·s − p + k lies inside [0, size); 0 ≤ lo ≤ hi ≤ outSize.
    private static (int Lo, int Hi) ValidRange(int k, int size, int outSize, int s, int p)
    {
        int lo = Math.Clamp(CeilDiv(p - k, s), 0, outSize);
        int hi = Math.Clamp(FloorDiv(size - 1 + p - k, s) + 1, lo, outSize);
        return (lo, hi);
    }

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static int CeilDiv(int a, int b) => -FloorDiv(-a, b);
}
