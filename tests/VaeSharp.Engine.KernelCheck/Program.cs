// Checks the fast kernels against their naive oracles on odd shapes, with whatever instruction
// sets this process has. GemmTests runs it with DOTNET_EnableAVX2=0 to cover the scalar paths.
// Prints "Avx2=<bool> Fma=<bool> OK" and exits 0, or prints the first mismatch and exits 1.
using System.Runtime.Intrinsics.X86;
using VaeSharp.Engine;
using VaeSharp.Engine.Kernels;

(int M, int N, int K)[] shapes = [(1, 1, 1), (7, 13, 5), (5, 16, 1), (6, 15, 300), (3, 33, 257), (130, 777, 403), (145, 47, 600)];
var random = new Random(1234);
int failures = 0;
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

Console.WriteLine($"Avx2={Avx2.IsSupported} Fma={Fma.IsSupported} {(failures == 0 ? "OK" : $"FAILED {failures}")}");
return failures == 0 ? 0 : 1;

float[] Fill(int count)
{
    var values = new float[count];
    for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
    return values;
}

static double AbsDot(bool transA, bool transB, int m, int n, int k, float[] a, float[] b, int i, int j)
{
    double sum = 0;
    for (int p = 0; p < k; p++)
        sum += Math.Abs((double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]));
    return sum;
}
