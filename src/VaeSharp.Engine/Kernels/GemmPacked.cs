using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace VaeSharp.Engine.Kernels;

// The packed, blocked, multi-threaded GEMM behind Gemm.Sgemm (GotoBLAS/BLIS loop structure).
// Row-major, contiguous. Dimensions: M rows of C, N columns of C, K the reduction.
//   a is (M, K), or (K, M) when transA
//   b is (K, N), or (N, K) when transB
//   c is (M, N); c = op(a)·op(b), or c += op(a)·op(b) when accumulate
// Loops, outermost first:
//   j0 over N in blocks of NC       B̃ (kc, nc) packed once per (j0, p0) and shared by all threads
//   p0 over K in blocks of kc ≤ KC  fixed order; block sizes depend only on K
//   i0 over M in chunks of 8 MC     Ã (mRows, kc) packed for the chunk, shared
//     parallel tasks: (MC block × group of 16-wide panels), each running 6×16 micro-kernels
// Each C value is a chain over the K blocks in order, each block one micro-kernel chain, so the
// result is bit-identical for any thread count and any task split (threads only choose who runs
// a tile). Edge tiles are computed from zero-padded panels into a 6×16 temporary, then the valid
// part is added to or stored into C.
// Not handled here: validation (Gemm.Sgemm does it) and k == 0.
internal sealed unsafe class GemmPacked : IParallelJob
{
    private const int MR = GemmMicroKernels.MR;
    private const int NR = GemmMicroKernels.NR;
    public const int KC = 256;   // B micro-panel (KC, 16) = 16 KiB stays in L1
    public const int MC = 144;   // A block (MC, KC) = 144 KiB stays in L2
    public const int NC = 2048;  // B̃ block (KC, NC) = 2 MiB stays in L3
    private const int MBlocksPerChunk = 8;
    private const int PanelsPerPackTask = 4;
    // Fewer multiply-adds than this run on the calling thread: a fork-join costs microseconds.
    private const long ParallelThreshold = 1L << 18;

    [ThreadStatic] private static GemmPacked? _forThread;

    /// <summary>Whether the AVX2+FMA kernel and SIMD packing are used (else the scalar kernel).</summary>
    public static bool UsesSimd => Fma.IsSupported && Avx2.IsSupported;

    private readonly bool _simd = UsesSimd;
    private bool _inUse;
    private float[] _aStore = [], _bStore = [];
    private float* _aPack, _bPack;

    // The problem.
    private float* _a, _b, _c;
    private int _m, _n, _k;
    private bool _transA, _transB, _accumulate;

    // The current block: C columns [_j0, _j0 + _nc), K steps [_p0, _p0 + _kc), C rows [_i0, _i0 + _mRows).
    private int _j0, _p0, _kc, _i0, _mRows;
    private int _mcRows;          // rows per compute block, a multiple of MR
    private int _aPanels, _bPanels;
    private bool _packing;        // which phase Execute runs
    private int _bPackTasks;      // pack tasks [0, _bPackTasks) pack B̃, the rest pack Ã
    private int _groupPanels, _groups;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        GemmPacked driver = _forThread ??= new GemmPacked();
        if (driver._inUse) driver = new GemmPacked(); // re-entered on this thread: rare, so allocate
        driver._inUse = true;
        try
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                driver._a = pa; driver._b = pb; driver._c = pc;
                driver._m = m; driver._n = n; driver._k = k;
                driver._transA = transA; driver._transB = transB; driver._accumulate = accumulate;
                driver.Run();
            }
        }
        finally
        {
            driver._a = driver._b = driver._c = null;
            driver._inUse = false;
        }
    }

    private void Run()
    {
        int m = _m, n = _n, k = _k;
        int threads = (long)m * n * k < ParallelThreshold ? 1 : EngineSettings.Threads;

        // Balanced blocks: K = 784 gives four blocks of 196, not 256+256+256+16.
        int kBlocks = CeilDiv(k, KC);
        int kcStep = CeilDiv(k, kBlocks);
        int mBlocks = CeilDiv(m, MC);
        _mcRows = RoundUp(CeilDiv(m, mBlocks), MR);
        int chunkRows = _mcRows * MBlocksPerChunk;
        EnsureBuffers(Math.Min(chunkRows, RoundUp(m, MR)) * kcStep, Math.Min(RoundUp(n, NR), NC) * kcStep);

        for (int j0 = 0; j0 < n; j0 += NC)
        {
            _j0 = j0;
            _bPanels = CeilDiv(Math.Min(NC, n - j0), NR);
            for (int p0 = 0; p0 < k; p0 += kcStep)
            {
                _p0 = p0;
                _kc = Math.Min(kcStep, k - p0);
                for (int i0 = 0; i0 < m; i0 += chunkRows)
                {
                    _i0 = i0;
                    _mRows = Math.Min(chunkRows, m - i0);
                    _aPanels = CeilDiv(_mRows, MR);

                    _packing = true;
                    _bPackTasks = i0 == 0 ? CeilDiv(_bPanels, PanelsPerPackTask) : 0;
                    WorkerPool.Run(_bPackTasks + CeilDiv(_aPanels, PanelsPerPackTask), this, threads);

                    // About four tasks per thread, so a slow thread (a noisy neighbour) is absorbed.
                    _packing = false;
                    int computeMBlocks = CeilDiv(_mRows, _mcRows);
                    int groups = threads == 1 ? 1 : Math.Clamp(CeilDiv(4 * threads, computeMBlocks), 1, _bPanels);
                    _groupPanels = CeilDiv(_bPanels, groups);
                    _groups = CeilDiv(_bPanels, _groupPanels);
                    WorkerPool.Run(computeMBlocks * _groups, this, threads);
                }
            }
        }
    }

    public void Execute(int task)
    {
        if (_packing) Pack(task);
        else Compute(task);
    }

    private void Pack(int task)
    {
        if (task < _bPackTasks)
        {
            int end = Math.Min(_bPanels, (task + 1) * PanelsPerPackTask);
            for (int jp = task * PanelsPerPackTask; jp < end; jp++)
            {
                int j = _j0 + jp * NR;
                int cols = Math.Min(NR, _n - j);
                float* dst = _bPack + (nint)jp * NR * _kc;
                if (_transB) GemmPacking.FromRows(_b + (nint)j * _k + _p0, _k, cols, _kc, dst, NR, _simd);
                else GemmPacking.FromColumns(_b + (nint)_p0 * _n + j, _n, cols, _kc, dst, NR, _simd);
            }
        }
        else
        {
            task -= _bPackTasks;
            int end = Math.Min(_aPanels, (task + 1) * PanelsPerPackTask);
            for (int ip = task * PanelsPerPackTask; ip < end; ip++)
            {
                int i = _i0 + ip * MR;
                int rows = Math.Min(MR, _m - i);
                float* dst = _aPack + (nint)ip * MR * _kc;
                if (_transA) GemmPacking.FromColumns(_a + (nint)_p0 * _m + i, _m, rows, _kc, dst, MR, _simd);
                else GemmPacking.FromRows(_a + (nint)i * _k + _p0, _k, rows, _kc, dst, MR, _simd);
            }
        }
    }

    private void Compute(int task)
    {
        int mBlock = Math.DivRem(task, _groups, out int group);
        int ipStart = mBlock * (_mcRows / MR);
        int ipEnd = Math.Min(_aPanels, ipStart + _mcRows / MR);
        int jpStart = group * _groupPanels;
        int jpEnd = Math.Min(_bPanels, jpStart + _groupPanels);
        int kc = _kc, m = _m, n = _n;
        bool add = _accumulate || _p0 > 0;
        float* tile = stackalloc float[MR * NR];

        // B micro-panel outer (it stays in L1), A panels of the block inner (they stay in L2).
        for (int jp = jpStart; jp < jpEnd; jp++)
        {
            float* bp = _bPack + (nint)jp * NR * kc;
            int j = _j0 + jp * NR;
            int cols = Math.Min(NR, n - j);
            for (int ip = ipStart; ip < ipEnd; ip++)
            {
                float* ap = _aPack + (nint)ip * MR * kc;
                int i = _i0 + ip * MR;
                int rows = Math.Min(MR, m - i);
                float* cp = _c + (nint)i * n + j;
                if (rows == MR && cols == NR)
                {
                    Kernel(kc, ap, bp, cp, n, add);
                }
                else
                {
                    Kernel(kc, ap, bp, tile, NR, false);
                    WriteBack(tile, cp, n, rows, cols, add);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Kernel(int kc, float* ap, float* bp, float* c, nint ldc, bool add)
    {
        if (_simd) GemmMicroKernels.Fma6x16(kc, ap, bp, c, ldc, add);
        else GemmMicroKernels.Scalar6x16(kc, ap, bp, c, ldc, add);
    }

    // Same arithmetic as the kernel's own write: c = old c + tile, or c = tile.
    private static void WriteBack(float* tile, float* c, nint ldc, int rows, int cols, bool add)
    {
        for (int r = 0; r < rows; r++, tile += NR, c += ldc)
        {
            if (add) for (int j = 0; j < cols; j++) c[j] += tile[j];
            else for (int j = 0; j < cols; j++) c[j] = tile[j];
        }
    }

    // Packed buffers: pinned arrays (so the GC may reclaim them with this thread), 64-byte
    // aligned, grown on demand and then reused: steady-state calls allocate nothing.
    private void EnsureBuffers(int aFloats, int bFloats)
    {
        if (_aStore.Length < aFloats + 16) _aPack = Allocate(aFloats, out _aStore);
        if (_bStore.Length < bFloats + 16) _bPack = Allocate(bFloats, out _bStore);
    }

    private static float* Allocate(int floats, out float[] store)
    {
        store = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref store[0]);
        return (float*)((address + 63) & ~(nint)63);
    }

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
