namespace VaeSharp.Engine.Kernels;

// The public single-precision GEMM. Row-major, contiguous. Dimensions: M rows of C, N columns of
// C, K the reduction.
//   a is (M, K), or (K, M) when transA
//   b is (K, N), or (N, K) when transB
//   c is (M, N); c = op(a)·op(b), or c += op(a)·op(b) when accumulate
// Validates the arguments and hands the work to GemmPacked (6×16 AVX2+FMA micro-kernel, 6×32 over
// pairs of panels with AVX-512, or a scalar kernel on the same packing without AVX2/FMA).
// GemmReference is the oracle in the tests.
// No alpha/beta other than beta ∈ {0, 1}; no leading dimensions (matrices are contiguous).

/// <summary>
/// Single-precision matrix product on row-major, contiguous matrices:
/// <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>.
/// </summary>
/// <remarks>
/// Shapes: A is (M, K) or (K, M) when <c>transA</c>; B is (K, N) or (N, K) when <c>transB</c>; C is (M, N).
/// Uses up to <see cref="EngineSettings.Threads"/> threads; results are bit-identical for any thread count.
/// Steady-state calls allocate no managed memory.
/// </remarks>
public static class Gemm
{
    /// <summary>The micro-kernel this process uses: <c>"avx512 6x32"</c>, <c>"avx2 6x16"</c> or <c>"scalar 6x16"</c>
    /// (chosen from the CPU at start-up; all give the same bits except the scalar one, which does not fuse multiply-adds).</summary>
    public static string Kernel => GemmPacked.UsesAvx512 ? "avx512 6x32" : GemmPacked.UsesSimd ? "avx2 6x16" : "scalar 6x16";

    /// <summary>C (M×N) = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>.</summary>
    /// <param name="transA">A is stored as (K, M) and used transposed.</param>
    /// <param name="transB">B is stored as (N, K) and used transposed (the Linear weight layout).</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The reduction length.</param>
    /// <param name="a">A, row-major, at least M·K values.</param>
    /// <param name="b">B, row-major, at least K·N values.</param>
    /// <param name="c">C, row-major, at least M·N values; read only when <paramref name="accumulate"/>.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "GEMM dimensions must be non-negative.");
        if (a.Length < (long)m * k) throw new ArgumentException($"A holds {a.Length} values; {m}x{k} needed.", nameof(a));
        if (b.Length < (long)k * n) throw new ArgumentException($"B holds {b.Length} values; {k}x{n} needed.", nameof(b));
        if (c.Length < (long)m * n) throw new ArgumentException($"C holds {c.Length} values; {m}x{n} needed.", nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        if (Diagnostics.OpProfiler.Enabled)
        {
            long started = Diagnostics.OpProfiler.Begin();
            Dispatch(transA, transB, m, n, k, a, b, c, accumulate);
            Diagnostics.OpProfiler.End(started, Diagnostics.ProfileKind.Gemm, ShapeName(transA, transB, m, n, k), 2.0 * m * n * k,
                4.0 * ((double)m * k + (double)k * n + (accumulate ? 2.0 : 1.0) * m * n));
            return;
        }
        Dispatch(transA, transB, m, n, k, a, b, c, accumulate);
    }

    // A narrow C (a latent layer's 20 columns) fills the 16-wide panels badly: 20 columns cost two panels, 37.5 % of the
    // work wasted, and give few tiles to split over threads. Such a product runs transposed instead, Cᵀ = op(B)ᵀ·op(A)ᵀ,
    // into a temporary that is then transposed into C: the narrow side becomes the 6-row side. The bits are the same:
    // every value is still one chain of multiply-adds over each K block in order from zero (a·b and b·a are the same
    // product), added to the old C — provided there is one K block when accumulating (else the temporary would sum
    // the blocks before adding them to C, another order).
    internal static bool RunsTransposed(int m, int n, int k, bool accumulate) =>
        n < 2 * GemmMicroKernels.NR && n % GemmMicroKernels.NR != 0 && m >= 4 * n && (!accumulate || k <= GemmPacked.KC);

    private static void Dispatch(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        if (!RunsTransposed(m, n, k, accumulate))
        {
            GemmPacked.Sgemm(transA, transB, m, n, k, a, b, c, accumulate);
            return;
        }
        float[] t = Tensors.BufferPool.Rent(m * n);
        try
        {
            GemmPacked.Sgemm(!transB, !transA, n, m, k, b, a, t, accumulate: false);   // t (n, m) = op(B)ᵀ·op(A)ᵀ
            for (int i = 0; i < m; i++)
            {
                var row = c.Slice(i * n, n);
                if (accumulate) for (int j = 0; j < n; j++) row[j] += t[j * m + i];
                else for (int j = 0; j < n; j++) row[j] = t[j * m + i];
            }
        }
        finally
        {
            Tensors.BufferPool.Return(t);
        }
    }

    /// <summary>A GEMM's shape as the profile names it: C(m×n) += op(A)·op(B) with k inner, e.g. <c>128×400×784 A·Bᵀ</c>.</summary>
    public static string ShapeName(bool transA, bool transB, int m, int n, int k) =>
        $"{m}×{n}×{k} {(transA ? "Aᵀ" : "A")}·{(transB ? "Bᵀ" : "B")}";
}
