namespace VaeSharp.Engine.Kernels;

// The naive convolutions, straight from their definitions: the oracle the lowered (im2col + GEMM)
// kernels are tested against. Sums in double. Square stride s and zero padding p.
//   Conv2d:          x is (N, Cin, H, W), w is (Cout, Cin, KH, KW), bias is (Cout), y is (N, Cout, OH, OW)
//                    y[n, co, oh, ow] = bias[co] + Σ_{ci,kh,kw} x[n, ci, oh·s − p + kh, ow·s − p + kw] · w[co, ci, kh, kw]
//   ConvTranspose2d: x is (N, Cin, H, W), w is (Cin, Cout, KH, KW), bias is (Cout), y is (N, Cout, OH, OW)
//                    every x[n, ci, ih, iw] · w[ci, co, kh, kw] is scattered onto y[n, co, ih·s − p + kh, iw·s − p + kw]
internal static class ConvReference
{
    public static float[] Conv2d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int n, int cin, int h, int wd, int cout, int kh, int kw, int s, int p)
    {
        int oh = ConvGeometry.OutputSize(h, kh, s, p), ow = ConvGeometry.OutputSize(wd, kw, s, p);
        var y = new float[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = bias.IsEmpty ? 0 : bias[co];
                        for (int ci = 0; ci < cin; ci++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++)
                                {
                                    int ih = i * s - p + u, iw = j * s - p + v;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    sum += (double)x[((b * cin + ci) * h + ih) * wd + iw] * w[((co * cin + ci) * kh + u) * kw + v];
                                }
                        y[((b * cout + co) * oh + i) * ow + j] = (float)sum;
                    }
        return y;
    }

    public static float[] ConvTranspose2d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int n, int cin, int h, int wd, int cout, int kh, int kw, int s, int p, int outputPadding)
    {
        int oh = (h - 1) * s - 2 * p + kh + outputPadding, ow = (wd - 1) * s - 2 * p + kw + outputPadding;
        var y = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
        {
            for (int co = 0; co < cout; co++)
                if (!bias.IsEmpty) y.AsSpan((b * cout + co) * oh * ow, oh * ow).Fill(bias[co]);
            for (int ci = 0; ci < cin; ci++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < wd; j++)
                    {
                        double xv = x[((b * cin + ci) * h + i) * wd + j];
                        for (int co = 0; co < cout; co++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++)
                                {
                                    int yh = i * s - p + u, yw = j * s - p + v;
                                    if (yh < 0 || yh >= oh || yw < 0 || yw >= ow) continue;
                                    y[((b * cout + co) * oh + yh) * ow + yw] += xv * w[((ci * cout + co) * kh + u) * kw + v];
                                }
                    }
        }
        return Array.ConvertAll(y, v => (float)v);
    }
}
