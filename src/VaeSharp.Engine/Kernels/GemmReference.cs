namespace VaeSharp.Engine.Kernels;

// The naive GEMM: the oracle every fast kernel is tested against, and the fallback.
// Row-major, contiguous. Dimensions: M rows of C, N columns of C, K the reduction.
//   a is (M, K), or (K, M) when transA
//   b is (K, N), or (N, K) when transB
//   c is (M, N); c = op(a)·op(b), or c += op(a)·op(b) when accumulate
// Accumulates each dot product in double so it is an oracle, not a twin, of the fast kernel.
internal static class GemmReference
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * m + i] : a[i * k + p];
                    float bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += (double)av * bv;
                }
                c[i * n + j] = accumulate ? c[i * n + j] + (float)sum : (float)sum;
            }
        }
    }
}
