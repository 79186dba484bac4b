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
// (Col2Im = Im2Colᵀ).
//
// Two paths give the same columns:
// * Phase planes (ConvGeometry.UsesPhasePlanes: "same" convolutions and stride-2 down/up-sampling).
//   Write kh − p = s·dh + a with 0 ≤ a < s. Then image row oh·s − p + kh is row oh + dh of the phase
//   plane a, plane[a][b][c, i, j] = image[c, s·i + a, s·j + b] (0 outside the image), an OH×OW grid;
//   likewise for columns. So each column-matrix row is one phase plane shifted by (dh, dw): a single
//   flat copy of OH·OW floats, plus zeros for the |dw| columns per row that wrapped around and the |dh|
//   rows that left the grid. Col2Im is the same backwards: zero those entries of col (col is scratch),
//   one flat add into the plane, then the planes are added back onto the image. Splitting the image into
//   s² planes (and back) is one pass over it, where the row path below walks rows of OW ≤ 28 outputs
//   KH·KW times (measured 2–4× slower for 7×7 and 14×14 outputs). The planes of a group of G images
//   are stacked per (a, b, c), so that one copy fills a column row for all of them (the per-row fixes
//   then run per image). With stride 1 and an output the size of the image the plane is the image
//   itself and no scratch is used; otherwise callers pass G·LoweringScratchSize floats of scratch.
// * Rows (any geometry): for each kernel offset the rows oh ∈ [yLo, yHi) and columns ow ∈ [xLo, xHi)
//   that read inside the image are computed once, so the inner loop runs along ow without tests:
//   contiguous in col, and in the image when s = 1.
// Callers pass spans of the stated sizes (checked in debug builds); the loops index through refs without
// bounds checks. Stride 2 has a Vector256 path (see GatherEven/ScatterAddEven) that gives bit-identical
// results to its scalar loop; `vectorize: false` forces the scalar loop (for tests).
internal static class ConvLowering
{
    /// <summary>
    /// col[:, i·OH·OW ...] = im2col(image i) for the <paramref name="count"/> consecutive images of
    /// <paramref name="images"/>, through phase planes where the geometry allows (scratch: count·LoweringScratchSize floats).
    /// </summary>
    public static void Im2Col(ConvGeometry g, ReadOnlySpan<float> images, int count, Span<float> col, int ld, Span<float> scratch, bool vectorize = true)
    {
        if (g.UsesPhasePlanes) Im2ColPhases(g, images, count, col, ld, scratch, vectorize);
        else
            for (int i = 0; i < count; i++)
                Im2ColRows(g, images.Slice(i * g.ImageSize, g.ImageSize), col[(i * g.ColumnCols)..], ld, vectorize);
    }

    /// <summary>
    /// image i += col2im(col[:, i·OH·OW ...]) for the <paramref name="count"/> consecutive images of
    /// <paramref name="images"/>, through phase planes where the geometry allows; col is scratch (its entries
    /// that read outside the image may be zeroed).
    /// </summary>
    public static void Col2Im(ConvGeometry g, Span<float> col, int ld, Span<float> images, int count, Span<float> scratch, bool vectorize = true)
    {
        if (g.UsesPhasePlanes) Col2ImPhases(g, col, ld, images, count, scratch, vectorize);
        else
            for (int i = 0; i < count; i++)
                Col2ImRows(g, col[(i * g.ColumnCols)..], ld, images.Slice(i * g.ImageSize, g.ImageSize), vectorize);
    }

    // Phase planes of a group of G images, laid out (s, s, C, G, OH, OW): the planes of one (a, b, c) for all
    // images are one block of G·OH·OW, so one flat copy fills a column-matrix row for the whole group.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Im2ColPhases(ConvGeometry g, ReadOnlySpan<float> images, int count, Span<float> col, int ld, Span<float> scratch, bool vectorize = true)
    {
        Debug.Assert(g.UsesPhasePlanes && ld >= count * g.ColumnCols && col.Length >= (g.ColumnRows - 1) * ld + count * g.ColumnCols);
        int s = g.Stride, p = g.Padding, plane = g.OutH * g.OutW;
        if (g.PhaseIsImage)
        {
            // The images are (G, C, H, W): a channel's planes are not one block, so image by image.
            for (int i = 0; i < count; i++)
                for (int c = 0; c < g.Channels; c++)
                    for (int kh = 0; kh < g.KernelH; kh++)
                        for (int kw = 0; kw < g.KernelW; kw++)
                            ShiftCopy(images.Slice((i * g.Channels + c) * plane, plane), col[(((c * g.KernelH + kh) * g.KernelW + kw) * ld + i * plane)..],
                                1, g.OutH, g.OutW, kh - p, kw - p);
            return;
        }
        for (int i = 0; i < count; i++) SplitPhases(g, images.Slice(i * g.ImageSize, g.ImageSize), scratch, i, count, vectorize);
        int block = count * plane;
        for (int c = 0; c < g.Channels; c++)
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                int a = FloorMod(kh - p, s), dh = FloorDiv(kh - p, s);
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int b = FloorMod(kw - p, s), dw = FloorDiv(kw - p, s);
                    var src = scratch.Slice(((a * s + b) * g.Channels + c) * block, block);
                    ShiftCopy(src, col[(((c * g.KernelH + kh) * g.KernelW + kw) * ld)..], count, g.OutH, g.OutW, dh, dw);
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Col2ImPhases(ConvGeometry g, Span<float> col, int ld, Span<float> images, int count, Span<float> scratch, bool vectorize = true)
    {
        Debug.Assert(g.UsesPhasePlanes && ld >= count * g.ColumnCols && col.Length >= (g.ColumnRows - 1) * ld + count * g.ColumnCols);
        int s = g.Stride, p = g.Padding, plane = g.OutH * g.OutW;
        if (g.PhaseIsImage)
        {
            for (int i = 0; i < count; i++)
                for (int c = 0; c < g.Channels; c++)
                    for (int kh = 0; kh < g.KernelH; kh++)
                        for (int kw = 0; kw < g.KernelW; kw++)
                            ShiftAdd(col[(((c * g.KernelH + kh) * g.KernelW + kw) * ld + i * plane)..], images.Slice((i * g.Channels + c) * plane, plane),
                                1, g.OutH, g.OutW, kh - p, kw - p);
            return;
        }
        int block = count * plane;
        var planes = scratch[..(count * g.LoweringScratchSize)];
        planes.Clear();
        for (int c = 0; c < g.Channels; c++)
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                int a = FloorMod(kh - p, s), dh = FloorDiv(kh - p, s);
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int b = FloorMod(kw - p, s), dw = FloorDiv(kw - p, s);
                    var dst = planes.Slice(((a * s + b) * g.Channels + c) * block, block);
                    ShiftAdd(col[(((c * g.KernelH + kh) * g.KernelW + kw) * ld)..], dst, count, g.OutH, g.OutW, dh, dw);
                }
            }
        for (int i = 0; i < count; i++) MergePhases(g, planes, images.Slice(i * g.ImageSize, g.ImageSize), i, count, vectorize);
    }

    // For G stacked H×W grids: dst[y·W + x] = src[(y + dh)·W + x + dw] where that lies inside the same grid,
    // else 0. One flat copy across all G grids; then zeros for the rows that left their grid and the |dw|
    // columns per row that wrapped to the next row.
    private static void ShiftCopy(ReadOnlySpan<float> src, Span<float> dst, int images, int h, int w, int dh, int dw)
    {
        var (yLo, yHi) = ShiftRange(h, dh);
        var (xLo, xHi) = ShiftRange(w, dw);
        int plane = h * w, total = images * plane;
        if (xLo >= xHi || yLo >= yHi)
        {
            dst[..total].Clear();
            return;
        }
        int start = yLo * w + xLo, end = (images - 1) * plane + (yHi - 1) * w + xHi, shift = dh * w + dw;
        src.Slice(start + shift, end - start).CopyTo(dst[start..end]);
        ClearOutside(dst, images, h, w, yLo, yHi, xLo, xHi);
    }

    // dst[(y + dh)·W + x + dw] += src[y·W + x] where that lies inside the same grid: the adjoint of ShiftCopy.
    // Zeroes the entries of src that leave their grid first, so that one flat add does it.
    private static void ShiftAdd(Span<float> src, Span<float> dst, int images, int h, int w, int dh, int dw)
    {
        var (yLo, yHi) = ShiftRange(h, dh);
        var (xLo, xHi) = ShiftRange(w, dw);
        if (xLo >= xHi || yLo >= yHi) return;
        int plane = h * w, start = yLo * w + xLo, end = (images - 1) * plane + (yHi - 1) * w + xHi, shift = dh * w + dw;
        ClearOutside(src, images, h, w, yLo, yHi, xLo, xHi);
        var to = dst.Slice(start + shift, end - start);
        TensorPrimitives.Add(to, src[start..end], to);
    }

    // In each of G stacked H×W grids: zero the rows outside [yLo, yHi) and, in the rows inside, the columns
    // outside [xLo, xHi).
    private static void ClearOutside(Span<float> v, int images, int h, int w, int yLo, int yHi, int xLo, int xHi)
    {
        ref float r = ref MemoryMarshal.GetReference(v);
        for (int i = 0; i < images; i++)
        {
            int top = i * h;
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref r, top * w), yLo * w).Clear();
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref r, (top + yHi) * w), (h - yHi) * w).Clear();
            if (xLo == 0 && xHi == w) continue;
            for (int y = top + yLo; y < top + yHi; y++)
            {
                ref float row = ref Unsafe.Add(ref r, y * w);
                for (int x = 0; x < xLo; x++) Unsafe.Add(ref row, x) = 0f;
                for (int x = xHi; x < w; x++) Unsafe.Add(ref row, x) = 0f;
            }
        }
    }

    // Grid positions [lo, hi) along an axis of `size` whose shifted position (+ d) stays inside it.
    private static (int Lo, int Hi) ShiftRange(int size, int d)
    {
        int lo = Math.Clamp(-d, 0, size);
        return (lo, Math.Clamp(size - d, lo, size));
    }

    // planes[a, b, c, i, y, x] = image[c, s·y + a, s·x + b], 0 outside the image, for image i of G; planes is (s, s, C, G, OH, OW).
    private static void SplitPhases(ConvGeometry g, ReadOnlySpan<float> image, Span<float> planes, int index, int count, bool vectorize)
    {
        int s = g.Stride, h = g.Height, w = g.Width, oh = g.OutH, ow = g.OutW, plane = oh * ow;
        vectorize &= Vector256.IsHardwareAccelerated && s == 2;
        ref float img = ref MemoryMarshal.GetReference(image);
        for (int a = 0; a < s; a++)
            for (int b = 0; b < s; b++)
            {
                int n = Math.Min(ow, (w - b + s - 1) / s);   // x with s·x + b < W
                for (int c = 0; c < g.Channels; c++)
                {
                    ref float d = ref MemoryMarshal.GetReference(planes[((((a * s + b) * g.Channels + c) * count + index) * plane)..]);
                    for (int y = 0; y < oh; y++)
                    {
                        int iy = s * y + a;
                        ref float row = ref Unsafe.Add(ref d, y * ow);
                        if (iy >= h)
                        {
                            MemoryMarshal.CreateSpan(ref row, ow).Clear();
                            continue;
                        }
                        int at = (c * h + iy) * w + b;
                        ref float src = ref Unsafe.Add(ref img, at);
                        if (s == 2) GatherEven(ref src, ref row, n, vectorize ? g.ImageSize - at : 0);
                        else for (int x = 0; x < n; x++) Unsafe.Add(ref row, x) = Unsafe.Add(ref src, x * s);
                        for (int x = n; x < ow; x++) Unsafe.Add(ref row, x) = 0f;
                    }
                }
            }
    }

    // image[c, s·y + a, s·x + b] += planes[a, b, c, i, y, x] inside the image: the adjoint of SplitPhases.
    private static void MergePhases(ConvGeometry g, ReadOnlySpan<float> planes, Span<float> image, int index, int count, bool vectorize)
    {
        int s = g.Stride, h = g.Height, w = g.Width, oh = g.OutH, ow = g.OutW, plane = oh * ow;
        vectorize &= Vector256.IsHardwareAccelerated && s == 2;
        ref float img = ref MemoryMarshal.GetReference(image);
        ref float pl = ref MemoryMarshal.GetReference(planes);
        for (int a = 0; a < s; a++)
            for (int b = 0; b < s; b++)
            {
                int n = Math.Min(ow, (w - b + s - 1) / s);
                int rows = Math.Min(oh, (h - a + s - 1) / s);
                for (int c = 0; c < g.Channels; c++)
                {
                    ref float src = ref Unsafe.Add(ref pl, (((a * s + b) * g.Channels + c) * count + index) * plane);
                    for (int y = 0; y < rows; y++)
                    {
                        int at = (c * h + s * y + a) * w + b;
                        ref float from = ref Unsafe.Add(ref src, y * ow);
                        ref float dst = ref Unsafe.Add(ref img, at);
                        if (s == 2) ScatterAddEven(ref from, ref dst, n, vectorize ? g.ImageSize - at : 0);
                        else for (int x = 0; x < n; x++) Unsafe.Add(ref dst, x * s) += Unsafe.Add(ref from, x);
                    }
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Im2ColRows(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld, bool vectorize = true)
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
    public static void Col2ImRows(ConvGeometry g, ReadOnlySpan<float> col, int ld, Span<float> image, bool vectorize = true)
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

    private static int FloorMod(int a, int b) => a - FloorDiv(a, b) * b;
}
