namespace VaeSharp.Engine.Kernels;

// Lowering a convolution to a matrix product (im2col) and its adjoint (col2im), one image at a time.
// Dimensions are those of ConvGeometry:
//   image is (C, H, W)
//   col   is (C·KH·KW, OH·OW), stored with leading dimension ld ≥ OH·OW so that several images can
//         sit side by side in one matrix (image i at column offset i·OH·OW)
//   col[(c·KH + kh)·KW + kw, oh·OW + ow] = image[c, oh·s − p + kh, ow·s − p + kw], 0 outside the image
// Im2Col overwrites its columns; Col2Im adds every column entry back onto the pixel it came from
// (Col2Im = Im2Colᵀ). Inner loops run along ow: contiguous in col, and in the image when s = 1.
internal static class ConvLowering
{
    public static void Im2Col(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld)
    {
        int h = g.Height, w = g.Width, s = g.Stride, p = g.Padding, oh = g.OutH, ow = g.OutW;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * h * w, h * w);
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int row = (c * g.KernelH + kh) * g.KernelW + kw;
                    var (lo, hi) = ValidColumns(kw, w, ow, s, p);
                    for (int y = 0; y < oh; y++)
                    {
                        var dst = col.Slice(row * ld + y * ow, ow);
                        int ih = y * s - p + kh;
                        if ((uint)ih >= (uint)h) { dst.Clear(); continue; }
                        dst[..lo].Clear();
                        dst[hi..].Clear();
                        var src = plane.Slice(ih * w, w);
                        int iw = lo * s - p + kw;
                        if (s == 1) src.Slice(iw, hi - lo).CopyTo(dst[lo..hi]);
                        else for (int x = lo; x < hi; x++, iw += s) dst[x] = src[iw];
                    }
                }
        }
    }

    public static void Col2Im(ConvGeometry g, ReadOnlySpan<float> col, int ld, Span<float> image)
    {
        int h = g.Height, w = g.Width, s = g.Stride, p = g.Padding, oh = g.OutH, ow = g.OutW;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * h * w, h * w);
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int row = (c * g.KernelH + kh) * g.KernelW + kw;
                    var (lo, hi) = ValidColumns(kw, w, ow, s, p);
                    if (lo >= hi) continue;
                    for (int y = 0; y < oh; y++)
                    {
                        int ih = y * s - p + kh;
                        if ((uint)ih >= (uint)h) continue;
                        var src = col.Slice(row * ld + y * ow, ow);
                        var dst = plane.Slice(ih * w, w);
                        int iw = lo * s - p + kw;
                        if (s == 1)
                        {
                            var d = dst.Slice(iw, hi - lo);
                            TensorPrimitives.Add(d, src[lo..hi], d);
                        }
                        else for (int x = lo; x < hi; x++, iw += s) dst[iw] += src[x];
                    }
                }
        }
    }

    // Output columns [lo, hi) whose input column ow·s − p + kw lies inside [0, w); lo ≤ hi.
    private static (int Lo, int Hi) ValidColumns(int kw, int w, int ow, int s, int p)
    {
        int lo = Math.Clamp(CeilDiv(p - kw, s), 0, ow);
        int hi = Math.Clamp(FloorDiv(w - 1 + p - kw, s) + 1, lo, ow);
        return (lo, hi);
    }

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static int CeilDiv(int a, int b) => -FloorDiv(-a, b);
}
