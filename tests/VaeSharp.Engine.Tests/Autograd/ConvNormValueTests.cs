using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Autograd;

// Forward values of the image and normalisation ops against independent oracles: the naive direct
// convolution and scatter definition (Kernels/ConvReference), the adjoint identity, statistics computed
// in double, and hand-computed pooling. Tolerance for float sums of up to a few hundred products: 1e-4 relative.
public class ConvNormValueTests
{
    private static Tensor Random(RandomGenerator rng, params int[] shape) => Tensor.Normal(rng, 0f, 1f, shape);

    private static void AllNear(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tol = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    [Theory]
    [InlineData(2, 3, 5, 5, 4, 3, 3, 1, 0, true)]
    [InlineData(3, 1, 28, 28, 8, 4, 4, 2, 1, true)]     // the MNIST encoder's first layer
    [InlineData(2, 4, 9, 7, 3, 3, 2, 2, 1, false)]      // non-square, Cin ≠ Cout, no bias
    [InlineData(1, 2, 6, 6, 2, 1, 1, 1, 0, true)]       // 1×1
    [InlineData(2, 3, 8, 8, 5, 5, 5, 3, 2, true)]       // stride 3, padding 2
    [InlineData(2, 2, 4, 5, 3, 4, 5, 1, 0, false)]      // kernel as large as the input
    public void Conv2d_MatchesNaiveDirectConvolution(int n, int cin, int h, int w, int cout, int kh, int kw, int s, int p, bool withBias)
    {
        var rng = new RandomGenerator(11);
        var x = Random(rng, n, cin, h, w);
        var weight = Random(rng, cout, cin, kh, kw);
        var bias = withBias ? Random(rng, cout) : null;
        var y = Ops.Conv2d(x, weight, bias, s, p);
        int oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        Assert.Equal([n, cout, oh, ow], y.Shape.ToArray());
        AllNear(ConvReference.Conv2d(x.Data, weight.Data, bias is null ? default : bias.Data, n, cin, h, w, cout, kh, kw, s, p), y.Data);
    }

    [Theory]
    [InlineData(2, 3, 4, 4, 2, 3, 3, 1, 0, 0, true)]
    [InlineData(3, 8, 7, 7, 1, 4, 4, 2, 1, 0, true)]    // the MNIST decoder's last layer: 7×7 → 14×14
    [InlineData(2, 3, 3, 5, 4, 3, 2, 2, 1, 1, false)]   // non-square, outputPadding 1, no bias
    [InlineData(1, 2, 3, 3, 3, 3, 3, 3, 2, 2, true)]    // stride 3, padding 2, outputPadding 2
    public void ConvTranspose2d_MatchesNaiveScatter(int n, int cin, int h, int w, int cout, int kh, int kw, int s, int p, int op, bool withBias)
    {
        var rng = new RandomGenerator(12);
        var x = Random(rng, n, cin, h, w);
        var weight = Random(rng, cin, cout, kh, kw);
        var bias = withBias ? Random(rng, cout) : null;
        var y = Ops.ConvTranspose2d(x, weight, bias, s, p, op);
        Assert.Equal([n, cout, (h - 1) * s - 2 * p + kh + op, (w - 1) * s - 2 * p + kw + op], y.Shape.ToArray());
        AllNear(ConvReference.ConvTranspose2d(x.Data, weight.Data, bias is null ? default : bias.Data, n, cin, h, w, cout, kh, kw, s, p, op), y.Data);
    }

    [Theory]
    [InlineData(2, 3, 5, 5, 4, 3, 3, 1, 0)]
    [InlineData(2, 2, 8, 6, 3, 4, 4, 2, 1)]
    [InlineData(1, 3, 9, 6, 2, 3, 3, 3, 1)]             // outputPadding 2 restores 9×6
    public void ConvTranspose2d_IsTheAdjointOfConv2d(int n, int cin, int h, int w, int cout, int kh, int kw, int s, int p)
    {
        // ⟨conv(x; W), y⟩ = ⟨x, convT(y; W)⟩ for the same W (Cout, Cin, KH, KW); outputPadding restores x's size
        // (one outputPadding for both axes, so the cases leave the same remainder in H and W).
        var rng = new RandomGenerator(13);
        var x = Random(rng, n, cin, h, w);
        var weight = Random(rng, cout, cin, kh, kw);
        var conv = Ops.Conv2d(x, weight, null, s, p);
        var y = Random(rng, conv.Shape.ToArray());
        var back = Ops.ConvTranspose2d(y, weight, null, s, p, outputPadding: (h + 2 * p - kh) % s);
        Assert.Equal(x.Shape.ToArray(), back.Shape.ToArray());
        double left = Dot(conv.Data, y.Data), right = Dot(x.Data, back.Data);
        Assert.True(Math.Abs(left - right) <= 1e-4 * Math.Max(1, Math.Abs(left)), $"⟨conv(x), y⟩ = {left} but ⟨x, convT(y)⟩ = {right}");
    }

    [Theory]
    [InlineData(2, 8, 90, 90, 3, 3)]    // 88·88 output columns per image (≥ 512): one image per GEMM
    [InlineData(5, 2, 18, 18, 3, 3)]    // 16·16 columns: two images per GEMM, in groups of 2, 2 and 1
    public void Conv2d_MatchesNaive_ForwardAndBackward_WhateverTheImagesPerGemm(int n, int cin, int h, int w, int cout, int k)
    {
        var rng = new RandomGenerator(14);
        var x = Random(rng, n, cin, h, w);
        var weight = Random(rng, cout, cin, k, k);
        var bias = Random(rng, cout);
        x.RequiresGrad = weight.RequiresGrad = bias.RequiresGrad = true;
        var y = Ops.Conv2d(x, weight, bias);
        AllNear(ConvReference.Conv2d(x.Data, weight.Data, bias.Data, n, cin, h, w, cout, k, k, 1, 0), y.Data);

        var dy = Random(rng, y.Shape.ToArray());
        Ops.Sum(Ops.Mul(y, dy)).Backward();
        // dx = convT(dy; W) and dW[co, ci, u, v] = Σ dy[n, co, i, j]·x[n, ci, i + u, j + v], dbias = Σ dy.
        AllNear(ConvReference.ConvTranspose2d(dy.Data, weight.Data, default, n, cout, h - 2, w - 2, cin, k, k, 1, 0, 0), x.Grad!.Data);
        var dw = new float[weight.Size];
        var db = new float[cout];
        for (int co = 0; co < cout; co++)
        {
            double sb = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h - 2; i++)
                    for (int j = 0; j < w - 2; j++) sb += dy[b, co, i, j];
            db[co] = (float)sb;
            for (int ci = 0; ci < cin; ci++)
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                    {
                        double sw = 0;
                        for (int b = 0; b < n; b++)
                            for (int i = 0; i < h - 2; i++)
                                for (int j = 0; j < w - 2; j++) sw += (double)dy[b, co, i, j] * x[b, ci, i + u, j + v];
                        dw[((co * cin + ci) * k + u) * k + v] = (float)sw;
                    }
        }
        AllNear(dw, weight.Grad!.Data, 1e-3);
        AllNear(db, bias.Grad!.Data, 1e-3);
    }

    [Theory]
    [InlineData(2, 3, 100, 100, 4, 4)]  // 100·100 columns per image: one image per GEMM
    [InlineData(5, 3, 16, 16, 2, 4)]    // 16·16 columns: groups of 2, 2 and 1 images
    public void ConvTranspose2d_MatchesNaive_ForwardAndBackward_WhateverTheImagesPerGemm(int n, int cin, int h, int w, int cout, int k)
    {
        // dx of convT is conv(dy; W); dW[ci, co, u, v] = Σ x[n, ci, i, j]·dy[n, co, 2i − 1 + u, 2j − 1 + v].
        var rng = new RandomGenerator(15);
        var x = Random(rng, n, cin, h, w);
        var weight = Random(rng, cin, cout, k, k);
        x.RequiresGrad = weight.RequiresGrad = true;
        var y = Ops.ConvTranspose2d(x, weight, null, stride: 2, padding: 1);
        AllNear(ConvReference.ConvTranspose2d(x.Data, weight.Data, default, n, cin, h, w, cout, k, k, 2, 1, 0), y.Data);
        var dy = Random(rng, y.Shape.ToArray());
        Ops.Sum(Ops.Mul(y, dy)).Backward();
        AllNear(ConvReference.Conv2d(dy.Data, weight.Data, default, n, cout, y.Shape[2], y.Shape[3], cin, k, k, 2, 1), x.Grad!.Data);
        int oh = y.Shape[2], ow = y.Shape[3];
        var dw = new float[weight.Size];
        for (int ci = 0; ci < cin; ci++)
            for (int co = 0; co < cout; co++)
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                    {
                        double sum = 0;
                        for (int b = 0; b < n; b++)
                            for (int i = 0; i < h; i++)
                                for (int j = 0; j < w; j++)
                                {
                                    int yi = 2 * i - 1 + u, yj = 2 * j - 1 + v;
                                    if (yi >= 0 && yi < oh && yj >= 0 && yj < ow) sum += (double)x[b, ci, i, j] * dy[b, co, yi, yj];
                                }
                        dw[((ci * cout + co) * k + u) * k + v] = (float)sum;
                    }
        AllNear(dw, weight.Grad!.Data, 1e-3);
    }

    [Fact]
    public void Conv2d_InsideTensorScope_GivesTheSameGradients()
    {
        var rng = new RandomGenerator(16);
        var x = Random(rng, 3, 2, 8, 8);
        var weight = Random(rng, 4, 2, 3, 3);
        var gamma = Random(rng, 4);
        weight.RequiresGrad = gamma.RequiresGrad = true;
        float Step()
        {
            var y = Ops.BatchNorm(Ops.Conv2d(x, weight, null, stride: 2, padding: 1), gamma, null, null, null, training: true);
            var loss = Ops.Sum(Ops.Mul(Ops.MaxPool2d(Ops.UpsampleNearest2d(y)), Ops.AvgPool2d(Ops.UpsampleNearest2d(y))));
            loss.Backward();
            return loss.Item();
        }
        float outside = Step();
        var gw = weight.Grad!.ToArray();
        var gg = gamma.Grad!.ToArray();
        weight.ZeroGrad(); gamma.ZeroGrad();
        for (int i = 0; i < 3; i++) // later steps reuse pooled buffers that earlier ones returned dirty
        {
            float inside;
            using (TensorScope.Begin()) inside = Step();
            Assert.Equal(outside, inside);
            AllNear(gw, weight.Grad!.Data, 1e-6);
            AllNear(gg, gamma.Grad!.Data, 1e-6);
            weight.ZeroGrad(); gamma.ZeroGrad();
        }
    }

    [Fact]
    public void Pooling_MatchesHandComputedValues()
    {
        //  0  1  2  3
        //  4  5  6  7      max 2×2: 5 7 / 13 15;  mean 2×2: 2.5 4.5 / 10.5 12.5
        //  8  9 10 11
        // 12 13 14 15
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 1, 1, 4, 4);
        Assert.Equal([5f, 7f, 13f, 15f], Ops.MaxPool2d(x).ToArray());
        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], Ops.AvgPool2d(x).ToArray());
        Assert.Equal([10f], Ops.MaxPool2d(x, 3).ToArray());     // the 3×3 window at the top left; the rest is dropped
        Assert.Equal([5f], Ops.AvgPool2d(x, 3).ToArray());
        Assert.Equal([1, 1, 2, 2], Ops.MaxPool2d(x).Shape.ToArray());
    }

    [Fact]
    public void MaxPool2d_SendsTheGradientToTheFirstMaximumOnly_AndPropagatesNaN()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 2f, /**/ 0f, float.NaN, 7f, 7f], 1, 2, 2, 2);
        x.RequiresGrad = true;
        var y = Ops.MaxPool2d(x);
        Assert.Equal(3f, y.Data[0]);
        Assert.True(float.IsNaN(y.Data[1]));
        Ops.Sum(Ops.Mul(y, Tensor.FromArray([2f, 5f], 1, 2, 1, 1))).Backward();
        Assert.Equal([0f, 2f, 0f, 0f, 0f, 5f, 0f, 0f], x.Grad!.ToArray());

        // An infinite upstream gradient reaches the maximum only (no ∞·0 = NaN on the others).
        var z = Tensor.FromArray([1f, 4f, 2f, 3f], 1, 1, 2, 2);
        z.RequiresGrad = true;
        Ops.Sum(Ops.Mul(Ops.MaxPool2d(z), Tensor.FromArray([float.PositiveInfinity], 1, 1, 1, 1))).Backward();
        Assert.Equal([0f, float.PositiveInfinity, 0f, 0f], z.Grad!.ToArray());
    }

    [Fact]
    public void UpsampleNearest2d_RepeatsEachPixel()
    {
        var y = Ops.UpsampleNearest2d(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 1, 1, 2, 3));
        Assert.Equal([1, 1, 4, 6], y.Shape.ToArray());
        Assert.Equal([1f, 1f, 2f, 2f, 3f, 3f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 5f, 5f, 6f, 6f, 4f, 4f, 5f, 5f, 6f, 6f], y.ToArray());
    }

    [Theory]
    [InlineData(new[] { 16, 3 })]
    [InlineData(new[] { 8, 3, 4, 5 })]
    public void BatchNorm_Training_NormalizesPerChannel_AndUpdatesRunningStatsLikePyTorch(int[] shape)
    {
        var rng = new RandomGenerator(17);
        var x = Random(rng, shape);
        int n = shape[0], c = shape[1], plane = x.Size / (n * c), m = n * plane;
        var xv = x.Data;
        for (int i = 0; i < xv.Length; i++) xv[i] = xv[i] * (1 + i / plane % c) + 3f * (i / plane % c);   // channel c: mean 3c, std c + 1
        float[] rm0 = [0.5f, -1f, 2f], rv0 = [1f, 3f, 0.25f];
        var runningMean = Tensor.FromArray(rm0, 3);
        var runningVar = Tensor.FromArray(rv0, 3);
        const float Momentum = 0.1f, Eps = 1e-5f;
        var y = Ops.BatchNorm(x, null, null, runningMean, runningVar, training: true, Momentum, Eps);
        for (int ch = 0; ch < c; ch++)
        {
            double mean = 0, sq = 0, yMean = 0, ySq = 0;
            for (int b = 0; b < n; b++)
                for (int q = 0; q < plane; q++) { mean += xv[(b * c + ch) * plane + q]; yMean += y.Data[(b * c + ch) * plane + q]; }
            mean /= m; yMean /= m;
            for (int b = 0; b < n; b++)
                for (int q = 0; q < plane; q++)
                {
                    sq += Math.Pow(xv[(b * c + ch) * plane + q] - mean, 2);
                    ySq += Math.Pow(y.Data[(b * c + ch) * plane + q] - yMean, 2);
                }
            double biased = sq / m, unbiased = sq / (m - 1);
            Assert.True(Math.Abs(yMean) < 1e-5, $"channel {ch}: output mean {yMean}");
            Assert.True(Math.Abs(ySq / m - biased / (biased + Eps)) < 1e-4, $"channel {ch}: output variance {ySq / m}");
            Assert.True(Math.Abs(runningMean.Data[ch] - (0.9 * rm0[ch] + 0.1 * mean)) < 1e-5, $"channel {ch}: running mean {runningMean.Data[ch]}");
            Assert.True(Math.Abs(runningVar.Data[ch] - (0.9 * rv0[ch] + 0.1 * unbiased)) < 1e-4 * unbiased, $"channel {ch}: running var {runningVar.Data[ch]}");
        }
    }

    [Fact]
    public void BatchNorm_Eval_UsesRunningStats_AndLeavesThemAlone()
    {
        var rng = new RandomGenerator(18);
        var x = Random(rng, 4, 2, 3, 3);
        var gamma = Tensor.FromArray([2f, -0.5f], 2);
        var beta = Tensor.FromArray([0.1f, 1f], 2);
        var runningMean = Tensor.FromArray([0.3f, -1f], 2);
        var runningVar = Tensor.FromArray([4f, 0.25f], 2);
        var y = Ops.BatchNorm(x, gamma, beta, runningMean, runningVar, training: false, eps: 1e-5f);
        var expected = new float[x.Size];
        for (int i = 0; i < x.Size; i++)
        {
            int ch = i / 9 % 2;
            expected[i] = (float)(gamma.Data[ch] * (x.Data[i] - runningMean.Data[ch]) / Math.Sqrt(runningVar.Data[ch] + 1e-5) + beta.Data[ch]);
        }
        AllNear(expected, y.Data, 1e-5);
        Assert.Equal([0.3f, -1f], runningMean.ToArray());
        Assert.Equal([4f, 0.25f], runningVar.ToArray());
    }

    [Fact]
    public void LayerNorm_MatchesHandComputedValues()
    {
        // [1, 2, 3]: μ = 2, σ² = 2/3 → (x − 2)/√(2/3 + eps); then ·γ + β.
        var y = Ops.LayerNorm(Tensor.FromArray([1f, 2f, 3f, 10f, 10f, 10f], 2, 3), Tensor.FromArray([1f, 2f, 3f], 3), Tensor.FromArray([0f, 0f, 1f], 3));
        double s = 1 / Math.Sqrt(2.0 / 3 + 1e-5);
        AllNear([(float)-s, 0f, (float)(3 * s + 1), 0f, 0f, 1f], y.Data, 1e-5);
    }

    [Fact]
    public void GroupNorm_WithOneGroupIsLayerNormOverCHW_AndWithCGroupsIsInstanceNorm()
    {
        var rng = new RandomGenerator(19);
        var x = Random(rng, 2, 4, 3, 3);
        AllNear(Ops.LayerNorm(x, null, null, normalizedDims: 3).Data, Ops.GroupNorm(x, 1, null, null).Data, 1e-5);
        var perChannel = Ops.LayerNorm(Ops.Reshape(x, 2, 4, 9), null, null).Data;
        AllNear(perChannel, Ops.GroupNorm(x, 4, null, null).Data, 1e-5);
        // Two groups: channels {0, 1} and {2, 3} of each image have mean 0 and variance ≈ 1.
        var y = Ops.GroupNorm(x, 2, null, null).Data;
        for (int grp = 0; grp < 4; grp++)
        {
            var part = y.Slice(grp * 18, 18);
            double mean = 0, sq = 0;
            foreach (float v in part) mean += v;
            mean /= 18;
            foreach (float v in part) sq += (v - mean) * (v - mean);
            Assert.True(Math.Abs(mean) < 1e-5 && Math.Abs(sq / 18 - 1) < 1e-3, $"group {grp}: mean {mean}, variance {sq / 18}");
        }
    }

    [Fact]
    public void Arguments_AreValidated_WithTheOpAndShapesInTheMessage()
    {
        var x = Tensor.Zeros(2, 3, 5, 5);
        var e = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, Tensor.Zeros(4, 2, 3, 3)));
        Assert.Contains("Conv2d", e.Message);
        Assert.Contains("[4, 2, 3, 3]", e.Message);
        Assert.Contains("[2, 3, 5, 5]", e.Message);
        Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, Tensor.Zeros(4, 3, 6, 6)));
        Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.ConvTranspose2d(x, Tensor.Zeros(3, 4, 3, 3), stride: 2, outputPadding: 2));
        Assert.Contains("ConvTranspose2d", Assert.Throws<ArgumentException>(() => Ops.ConvTranspose2d(x, Tensor.Zeros(4, 3, 3, 3))).Message);
        Assert.Throws<ArgumentException>(() => Ops.MaxPool2d(Tensor.Zeros(3, 5, 5)));
        Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, null, null, null, null, training: false));
        Assert.Throws<ArgumentException>(() => Ops.BatchNorm(Tensor.Zeros(1, 3), null, null, null, null, training: true));
        Assert.Contains("gamma", Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, Tensor.Zeros(4), null, null, null, training: true)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.GroupNorm(x, 2, null, null));
        Assert.Throws<ArgumentException>(() => Ops.LayerNorm(x, Tensor.Zeros(4), null));
    }
}
