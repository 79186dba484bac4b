// Checks the fast kernels against their naive oracles on odd shapes, with whatever instruction
// sets this process has: GEMM, the activation kernels, and convolution (lowering + GEMM + fused
// activation) forward and backward, the fused BCE and Adam. GemmTests runs it with DOTNET_EnableAVX2=0 to cover the scalar paths.
// Prints a digest of the GEMM results' bits (the AVX-512 and AVX2 kernels must agree on it; GemmTests
// compares them), then "Avx2=<bool> Fma=<bool> OK" and exits 0, or prints the first mismatch and exits 1.
using System.Runtime.Intrinsics.X86;
using VaeSharp.Engine;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Tensors;

(int M, int N, int K)[] shapes = [(1, 1, 1), (7, 13, 5), (5, 16, 1), (6, 15, 300), (3, 33, 257), (130, 777, 403), (145, 47, 600), (13, 70, 1500)];
var random = new Random(1234);
int failures = 0;
ulong digest = 14695981039346656037UL; // FNV-1a over the bits of every fast GEMM result
foreach (int threads in new[] { 1, 2 })
{
    EngineSettings.Threads = threads;
    foreach (var (m, n, k) in shapes)
    {
        float[] a = Fill(m * k), b = Fill(k * n), c0 = Fill(m * n);
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        {
            float[] fast = (float[])c0.Clone(), naive = (float[])c0.Clone();
            Gemm.Sgemm(transA, transB, m, n, k, a, b, fast, accumulate);
            foreach (float v in fast) digest = (digest ^ (uint)BitConverter.SingleToInt32Bits(v)) * 1099511628211UL;
            GemmReference.Sgemm(transA, transB, m, n, k, a, b, naive, accumulate);
            for (int i = 0; i < m * n; i++)
            {
                // Tolerance relative to sum_p |a||b| + |c0|: at most 1e-5 (k ≤ 600 float sums).
                double scale = (accumulate ? Math.Abs(c0[i]) : 0) + AbsDot(transA, transB, m, n, k, a, b, i / n, i % n);
                if (Math.Abs(fast[i] - naive[i]) > 1e-5 * scale + 1e-30)
                {
                    Console.WriteLine($"MISMATCH threads={threads} {m}x{n}x{k} transA={transA} transB={transB} accumulate={accumulate} at {i}: {fast[i]} vs {naive[i]}");
                    failures++;
                    break;
                }
            }
        }
    }
}

// Activation backward against its scalar formula (bit for bit), on a length with a remainder.
{
    float[] y = Fill(37), g = Fill(37);
    foreach (var act in new[] { Activation.Relu, Activation.Tanh, Activation.Sigmoid })
    {
        var dz = new float[y.Length];
        ActivationKernels.Backward(act, y, g, dz);
        for (int i = 0; i < y.Length; i++)
        {
            float expected = act == Activation.Relu ? (y[i] > 0f ? g[i] : 0f) : act == Activation.Tanh ? g[i] * (1f - y[i] * y[i]) : g[i] * y[i] * (1f - y[i]);
            if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(dz[i]))
            {
                Console.WriteLine($"MISMATCH activation {act} at {i}: {dz[i]} vs {expected}");
                failures++;
                break;
            }
        }
    }
}

// Convolutions (phase-plane and row lowering, one and several images per GEMM) against the naive sums:
// forward, and dx through the adjoint (dx of conv = convT of dy; dx of convT = conv of dy).
foreach (var (n, cin, h, cout, s, p, op) in new[] { (5, 3, 14, 4, 2, 1, 1), (2, 2, 24, 3, 1, 1, 0), (3, 2, 9, 2, 3, 1, 0) })
{
    EngineSettings.Threads = 2;
    var x = Tensor.FromArray(Fill(n * cin * h * h), n, cin, h, h);
    var w = Tensor.FromArray(Fill(cout * cin * 9), cout, cin, 3, 3);
    x.RequiresGrad = true;
    var y = Ops.Conv2d(x, w, null, s, p, Activation.Tanh);
    int oh = y.Shape[2];
    var z = ConvReference.Conv2d(x.Data, w.Data, default, n, cin, h, h, cout, 3, 3, s, p);
    var dy = Fill(y.Size);
    var dz = new float[z.Length];
    for (int i = 0; i < z.Length; i++) dz[i] = dy[i] * (1f - MathF.Tanh(z[i]) * MathF.Tanh(z[i]));
    Ops.Sum(Ops.Mul(y, Tensor.FromArray(dy, y.Shape.ToArray()))).Backward();
    var dx = ConvReference.ConvTranspose2d(dz, w.Data, default, n, cout, oh, oh, cin, 3, 3, s, p, h - ((oh - 1) * s - 2 * p + 3));
    failures += Compare($"conv {n}x{cin}x{h} s{s} forward", z.Select(MathF.Tanh).ToArray(), y.Data);
    failures += Compare($"conv {n}x{cin}x{h} s{s} dx", dx, x.Grad!.Data);

    var xt = Tensor.FromArray(Fill(n * cout * oh * oh), n, cout, oh, oh);
    xt.RequiresGrad = true;
    var yt = Ops.ConvTranspose2d(xt, w, null, s, p, h - ((oh - 1) * s - 2 * p + 3));
    var dyt = Fill(yt.Size);
    Ops.Sum(Ops.Mul(yt, Tensor.FromArray(dyt, yt.Shape.ToArray()))).Backward();
    failures += Compare($"convT {n}x{cout}x{oh} s{s} forward", ConvReference.ConvTranspose2d(xt.Data, w.Data, default, n, cout, oh, oh, cin, 3, 3, s, p, h - ((oh - 1) * s - 2 * p + 3)), yt.Data);
    failures += Compare($"convT {n}x{cout}x{oh} s{s} dx", ConvReference.Conv2d(dyt, w.Data, default, n, cin, h, h, cout, 3, 3, s, p), xt.Grad!.Data);
}

// The fused BCE (its own exp and log on the vector lanes) against double precision, value by value.
foreach (float target in new[] { 0f, 0.3f, 1f })
    for (float x = -40f; x <= 40f; x += 0.37f)
    {
        var sigmoid = new float[1];
        double loss = BceKernel.Forward([x], [target], sigmoid);
        double e = Math.Exp(-Math.Abs((double)x)), u = 1 + e;
        double expected = Math.Max(x, 0) - (double)x * target + (u == 1 ? e : Math.Log(u) * e / (u - 1));
        double expectedSigmoid = x >= 0 ? 1 / u : e / u;
        if (Math.Abs(loss - expected) > 1e-6 * expected || Math.Abs(sigmoid[0] - expectedSigmoid) > 1e-6 * expectedSigmoid)
        {
            Console.WriteLine($"MISMATCH bce x={x} t={target}: ℓ {loss} vs {expected}, σ {sigmoid[0]} vs {expectedSigmoid}");
            failures++;
            break;
        }
    }

// Adam's vector lanes (whichever width this process has) against its scalar loop, bit for bit.
{
    float[] p0 = Fill(1000 + 5), g = Fill(1005);
    float[] pv = (float[])p0.Clone(), ps = (float[])p0.Clone();
    float[] mv = new float[1005], vv = new float[1005], ms = new float[1005], vs = new float[1005];
    for (int t = 1; t <= 3; t++)
    {
        var c = new VaeSharp.Engine.Optim.AdamKernel.Coefficients(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, 0f, t);
        VaeSharp.Engine.Optim.AdamKernel.Update(pv, g, mv, vv, c);
        VaeSharp.Engine.Optim.AdamKernel.UpdateScalar(ps, g, ms, vs, c, 0);
    }
    for (int i = 0; i < pv.Length; i++)
        if (BitConverter.SingleToInt32Bits(pv[i]) != BitConverter.SingleToInt32Bits(ps[i]))
        {
            Console.WriteLine($"MISMATCH adam at {i}: {pv[i]} vs {ps[i]}");
            failures++;
            break;
        }
}

Console.WriteLine($"GemmDigest={digest:x16} Avx512={Avx512F.IsSupported}");
Console.WriteLine($"Avx2={Avx2.IsSupported} Fma={Fma.IsSupported} {(failures == 0 ? "OK" : $"FAILED {failures}")}");
return failures == 0 ? 0 : 1;

float[] Fill(int count)
{
    var values = new float[count];
    for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
    return values;
}

static int Compare(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
{
    for (int i = 0; i < expected.Length; i++)
        if (Math.Abs(expected[i] - actual[i]) > 1e-4 * Math.Max(1, Math.Abs(expected[i])))
        {
            Console.WriteLine($"MISMATCH {what} at {i}: {actual[i]} vs {expected[i]}");
            return 1;
        }
    return 0;
}

static double AbsDot(bool transA, bool transB, int m, int n, int k, float[] a, float[] b, int i, int j)
{
    double sum = 0;
    for (int p = 0; p < k; p++)
        sum += Math.Abs((double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]));
    return sum;
}
