namespace VaeSharp.Engine.Kernels;

/// <summary>
/// Single-precision matrix product on row-major, contiguous matrices:
/// <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>.
/// </summary>
/// <remarks>
/// Shapes: A is (M, K) or (K, M) when <c>transA</c>; B is (K, N) or (N, K) when <c>transB</c>; C is (M, N).
/// Results are bit-identical for any <see cref="EngineSettings.Threads"/>.
/// </remarks>
public static class Gemm
{
    /// <summary>C (M×N) = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "GEMM dimensions must be non-negative.");
        if (a.Length < (long)m * k) throw new ArgumentException($"A holds {a.Length} values; {m}x{k} needed.", nameof(a));
        if (b.Length < (long)k * n) throw new ArgumentException($"B holds {b.Length} values; {k}x{n} needed.", nameof(b));
        if (c.Length < (long)m * n) throw new ArgumentException($"C holds {c.Length} values; {m}x{n} needed.", nameof(c));
        GemmReference.Sgemm(transA, transB, m, n, k, a, b, c, accumulate);
    }
}
