using System.Runtime.InteropServices;

namespace VaeSharp.Engine.Kernels;

// Optional native BLAS provider (DESIGN.md, "Kernels"): cblas_sgemm from OpenBLAS, loaded at run
// time with NativeLibrary.TryLoad. Same contract and shapes as Gemm.Sgemm:
//   a is (M, K), or (K, M) when transA
//   b is (K, N), or (N, K) when transB
//   c is (M, N); c = op(a)·op(b), or c += op(a)·op(b) when accumulate
// Nothing depends on it: IsAvailable is false when the library is missing and callers fall back
// to the managed kernels. OpenBLAS's thread count follows EngineSettings.Threads at call time.
// OpenBLAS does not promise results independent of its thread count.
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> CblasSgemm;
    private static readonly delegate* unmanaged<int, void> SetNumThreads;
    private static int _threads;

    static OpenBlas()
    {
        foreach (string name in new[] { "libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll", "openblas" })
        {
            if (!NativeLibrary.TryLoad(name, out nint library)) continue;
            if (NativeLibrary.TryGetExport(library, "cblas_sgemm", out nint sgemm))
            {
                CblasSgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                if (NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out nint setThreads))
                    SetNumThreads = (delegate* unmanaged<int, void>)setThreads;
                return;
            }
        }
    }

    /// <summary>Whether an OpenBLAS library with cblas_sgemm was found.</summary>
    public static bool IsAvailable => CblasSgemm != null;

    /// <summary>C = op(A)·op(B), or C += op(A)·op(B); same contract as <see cref="Gemm.Sgemm"/>.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        if (!IsAvailable) throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) is not available.");
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "GEMM dimensions must be non-negative.");
        if (a.Length < (long)m * k) throw new ArgumentException($"A holds {a.Length} values; {m}x{k} needed.", nameof(a));
        if (b.Length < (long)k * n) throw new ArgumentException($"B holds {b.Length} values; {k}x{n} needed.", nameof(b));
        if (c.Length < (long)m * n) throw new ArgumentException($"C holds {c.Length} values; {m}x{n} needed.", nameof(c));
        if (m == 0 || n == 0) return;

        int threads = EngineSettings.Threads;
        if (threads != _threads && SetNumThreads != null)
        {
            SetNumThreads(threads);
            _threads = threads;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            CblasSgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k,
                1f, pa, Math.Max(1, transA ? m : k), pb, Math.Max(1, transB ? k : n),
                accumulate ? 1f : 0f, pc, Math.Max(1, n));
        }
    }
}
