using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeSharp.Engine.Kernels;

// The packed, blocked, multi-threaded GEMM behind Gemm.Sgemm (GotoBLAS/BLIS loop structure).
// Row-major, contiguous. Dimensions: M rows of C, N columns of C, K the reduction.
//   a is (M, K), or (K, M) when transA
//   b is (K, N), or (N, K) when transB
//   c is (M, N); c = op(a)·op(b), or c += op(a)·op(b) when accumulate
// Steps, outermost loop first:
//   j0 over N in blocks of NC       B̃ (kc, nc) packed once per (j0, p0) and shared by all threads
//   p0 over K in blocks of kc ≤ KC  fixed order; block sizes depend only on K
//   i0 over M in chunks of 8 MC     Ã (mRows, kc) packed for the chunk, shared
// Each step's compute is split into tasks (MC block × group of 16-wide panels) running 6×16
// micro-kernels. Packing is pipelined: one WorkerPool.Run computes step s from one pair of
// buffers while packing step s + 1 into the other, so there is one fork-join per step and the
// packing fills the threads' idle tail.
// On AVX-512 hardware, full tiles over two adjacent B panels run one 6×32 kernel instead of two 6×16 ones;
// each value gets the same chain of multiply-adds either way, so the bits do not depend on the kernel.
// Each C value is a chain over the K blocks in order, each block one micro-kernel chain, so the
// result is bit-identical for any thread count and any task split (threads only choose who runs
// a tile). Edge tiles are computed from zero-padded panels into a 6×16 temporary, then the valid
// part is added to or stored into C.
// The loops are marked AggressiveOptimization: compiled fully optimised at their first call instead of
// running as Tier-0 code (several times slower) through the first seconds of a training run.
// Not handled here: validation (Gemm.Sgemm does it) and k == 0.
internal sealed unsafe class GemmPacked : IParallelJob
{
    private const int MR = GemmMicroKernels.MR;
    private const int NR = GemmMicroKernels.NR;
    // K up to 1024 in one block: fewer fork-joins and passes over C. The B micro-panels (two of 64 KiB at
    // most) then stream from L2, which keeps up with the kernel; the MLP training step ran about 8 %
    // faster than with KC = 256 (docs/benchmarks.md).
    public const int KC = 1024;
    public const int MC = 144;   // A block (MC, KC) ≤ 576 KiB stays in L2
    public const int NC = 2048;  // B̃ block (KC, NC) ≤ 8 MiB stays in L3
    private const int MBlocksPerChunk = 8;
    private const int PanelsPerPackTask = 4;
    private const int TasksPerThread = 16;
    // Fewer multiply-adds than this run on the calling thread: a fork-join costs microseconds.
    private const long ParallelThreshold = 1L << 18;

    [ThreadStatic] private static GemmPacked? _forThread;

    /// <summary>Whether the AVX2+FMA kernel and SIMD packing are used (else the scalar kernel).</summary>
    public static bool UsesSimd => Fma.IsSupported && Avx2.IsSupported;

    /// <summary>Whether full tiles of two adjacent B panels go through the AVX-512 6×32 kernel (same bits as two 6×16 calls).</summary>
    public static bool UsesAvx512 => UsesSimd && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    private readonly bool _simd = UsesSimd;
    private readonly bool _wide = UsesAvx512;
    private bool _inUse;
    // Two Ã and two B̃ buffers: step s packs into one while step s - 1 computes from the other.
    private readonly float[][] _stores = [[], [], [], []];
    private readonly float*[] _buffers = new float*[4];

    // The problem.
    private float* _a, _b, _c;
    private int _m, _n, _k;
    private bool _transA, _transB, _accumulate;
    private int _threads, _kcStep, _mcRows, _chunkRows, _kBlocks, _mChunks;

    // The step being computed and the step being packed by the current WorkerPool.Run.
    private Step _compute, _pack;

    // One (j0, p0, i0) block: C columns [J0, J0 + 16·BPanels), K steps [P0, P0 + Kc), C rows [I0, I0 + MRows).
    private struct Step
    {
        public int J0, P0, Kc, I0, MRows, APanels, BPanels;
        public float* APack, BPack;
        public int BPackTasks;          // pack tasks [0, BPackTasks) pack B̃ (0 when B̃ is reused)
        public int PackTasks;           // then Ã
        public int Groups, GroupPanels; // compute tasks: MC blocks × groups of panels
        public int ComputeTasks;
    }

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
        _threads = (long)m * n * k < ParallelThreshold ? 1 : EngineSettings.Threads;

        // Balanced blocks: K = 784 gives four blocks of 196, not 256+256+256+16.
        _kBlocks = CeilDiv(k, KC);
        _kcStep = CeilDiv(k, _kBlocks);
        int mBlocks = CeilDiv(m, MC);
        if (_threads > 1)
        {
            // Few column tiles (a batch of 128 rows, 400 columns: 13 pair tiles) split unevenly over the
            // threads: cut the rows finer, down to 4 panels a block, until there are enough tasks.
            int tiles = CeilDiv(CeilDiv(Math.Min(n, NC), NR), _wide ? 2 : 1);
            while (mBlocks * tiles < TasksPerThread * _threads && CeilDiv(m, mBlocks + 1) >= 4 * MR) mBlocks++;
        }
        _mcRows = RoundUp(CeilDiv(m, mBlocks), MR);
        _chunkRows = _mcRows * MBlocksPerChunk;
        _mChunks = CeilDiv(m, _chunkRows);
        int aFloats = Math.Min(_chunkRows, RoundUp(m, MR)) * _kcStep;
        int bFloats = Math.Min(RoundUp(n, NR), NC) * _kcStep;
        int steps = CeilDiv(n, NC) * _kBlocks * _mChunks;
        EnsureBuffer(0, aFloats);
        EnsureBuffer(2, bFloats);
        if (steps > 1)
        {
            EnsureBuffer(1, aFloats);
            EnsureBuffer(3, bFloats);
        }

        _compute = default;
        _pack = MakeStep(0);
        WorkerPool.Run(_pack.PackTasks, this, _threads);
        for (int s = 0; s < steps; s++)
        {
            _compute = _pack;
            _pack = s + 1 < steps ? MakeStep(s + 1) : default;
            WorkerPool.Run(_compute.ComputeTasks + _pack.PackTasks, this, _threads);
        }
    }

    private Step MakeStep(int index)
    {
        int chunk = index % _mChunks;
        int bBlock = index / _mChunks;         // which (j0, p0) block, in order
        int kBlock = bBlock % _kBlocks;
        var step = new Step
        {
            J0 = bBlock / _kBlocks * NC,
            P0 = kBlock * _kcStep,
            I0 = chunk * _chunkRows,
            APack = _buffers[index & 1],
            BPack = _buffers[2 + (bBlock & 1)],
        };
        step.Kc = Math.Min(_kcStep, _k - step.P0);
        step.MRows = Math.Min(_chunkRows, _m - step.I0);
        step.APanels = CeilDiv(step.MRows, MR);
        step.BPanels = CeilDiv(Math.Min(NC, _n - step.J0), NR);
        step.BPackTasks = chunk == 0 ? CeilDiv(step.BPanels, PanelsPerPackTask) : 0;
        step.PackTasks = step.BPackTasks + CeilDiv(step.APanels, PanelsPerPackTask);

        // Several tasks per thread, so a slow thread (a noisy neighbour) is absorbed.
        int mBlocks = CeilDiv(step.MRows, _mcRows);
        int groups = _threads == 1 ? 1 : Math.Clamp(CeilDiv(TasksPerThread * _threads, mBlocks), 1, step.BPanels);
        step.GroupPanels = CeilDiv(step.BPanels, groups);
        if (_wide) step.GroupPanels = Math.Min(RoundUp(step.GroupPanels, 2), step.BPanels); // pairs for the 6×32 kernel
        step.Groups = CeilDiv(step.BPanels, step.GroupPanels);
        step.ComputeTasks = mBlocks * step.Groups;
        return step;
    }

    // Compute tasks of _compute first, then the pack tasks of _pack (they fill the idle tail).
    public void Execute(int task)
    {
        if (task < _compute.ComputeTasks) Compute(task, ref _compute);
        else Pack(task - _compute.ComputeTasks, ref _pack);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pack(int task, ref Step step)
    {
        if (task < step.BPackTasks)
        {
            int end = Math.Min(step.BPanels, (task + 1) * PanelsPerPackTask);
            for (int jp = task * PanelsPerPackTask; jp < end; jp++)
            {
                int j = step.J0 + jp * NR;
                int cols = Math.Min(NR, _n - j);
                float* dst = step.BPack + (nint)jp * NR * step.Kc;
                if (_transB) GemmPacking.FromRows(_b + (nint)j * _k + step.P0, _k, cols, step.Kc, dst, NR, _simd);
                else GemmPacking.FromColumns(_b + (nint)step.P0 * _n + j, _n, cols, step.Kc, dst, NR, _simd);
            }
        }
        else
        {
            task -= step.BPackTasks;
            int end = Math.Min(step.APanels, (task + 1) * PanelsPerPackTask);
            for (int ip = task * PanelsPerPackTask; ip < end; ip++)
            {
                int i = step.I0 + ip * MR;
                int rows = Math.Min(MR, _m - i);
                float* dst = step.APack + (nint)ip * MR * step.Kc;
                if (_transA) GemmPacking.FromColumns(_a + (nint)step.P0 * _m + i, _m, rows, step.Kc, dst, MR, _simd);
                else GemmPacking.FromRows(_a + (nint)i * _k + step.P0, _k, rows, step.Kc, dst, MR, _simd);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Compute(int task, ref Step step)
    {
        int mBlock = Math.DivRem(task, step.Groups, out int group);
        int ipStart = mBlock * (_mcRows / MR);
        int ipEnd = Math.Min(step.APanels, ipStart + _mcRows / MR);
        int jpStart = group * step.GroupPanels;
        int jpEnd = Math.Min(step.BPanels, jpStart + step.GroupPanels);
        int kc = step.Kc, m = _m, n = _n;
        bool add = _accumulate || step.P0 > 0;
        float* tile = stackalloc float[MR * NR];

        // B micro-panel outer (it stays in L1), A panels of the block inner (they stay in L2).
        for (int jp = jpStart; jp < jpEnd; jp++)
        {
            float* bp = step.BPack + (nint)jp * NR * kc;
            int j = step.J0 + jp * NR;
            int cols = Math.Min(NR, n - j);
            if (_wide && jp + 1 < jpEnd && j + 2 * NR <= n)
            {
                ComputePair(kc, ref step, ipStart, ipEnd, bp, j, add, tile);
                jp++;
                continue;
            }
            for (int ip = ipStart; ip < ipEnd; ip++)
            {
                float* ap = step.APack + (nint)ip * MR * kc;
                int i = step.I0 + ip * MR;
                int rows = Math.Min(MR, m - i);
                float* cp = _c + (nint)i * n + j;
                if (rows == MR && cols == NR)
                {
                    Kernel(kc, ap, bp, cp, n, add);
                }
                else
                {
                    EdgeKernel(kc, ap, bp, tile, rows);
                    WriteBack(tile, cp, n, rows, cols, add);
                }
            }
        }
    }

    // Two full-width B panels (columns j..j+31) against the block's A panels: the 6×32 kernel on full tiles,
    // the 6×16 edge path panel by panel on a bottom edge.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputePair(int kc, ref Step step, int ipStart, int ipEnd, float* bp, int j, bool add, float* tile)
    {
        float* bp1 = bp + (nint)NR * kc;
        int m = _m, n = _n;
        for (int ip = ipStart; ip < ipEnd; ip++)
        {
            float* ap = step.APack + (nint)ip * MR * kc;
            int i = step.I0 + ip * MR;
            int rows = Math.Min(MR, m - i);
            float* cp = _c + (nint)i * n + j;
            if (rows == MR)
            {
                GemmMicroKernels.Fma6x32(kc, ap, bp, bp1, cp, n, add);
            }
            else
            {
                EdgeKernel(kc, ap, bp, tile, rows);
                WriteBack(tile, cp, n, rows, NR, add);
                EdgeKernel(kc, ap, bp1, tile, rows);
                WriteBack(tile, cp + NR, n, rows, NR, add);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Kernel(int kc, float* ap, float* bp, float* c, nint ldc, bool add)
    {
        if (_simd) GemmMicroKernels.Fma6x16(kc, ap, bp, c, ldc, add);
        else GemmMicroKernels.Scalar6x16(kc, ap, bp, c, ldc, add);
    }

    // A partial tile into the 6×16 temporary: skips the rows past the bottom edge where it pays.
    private void EdgeKernel(int kc, float* ap, float* bp, float* tile, int rows)
    {
        if (!_simd) GemmMicroKernels.Scalar6x16(kc, ap, bp, tile, NR, false);
        else if (rows <= 2) GemmMicroKernels.Fma2x16(kc, ap, bp, tile, NR);
        else if (rows <= 4) GemmMicroKernels.Fma4x16(kc, ap, bp, tile, NR);
        else GemmMicroKernels.Fma6x16(kc, ap, bp, tile, NR, false);
    }

    // Same arithmetic as the kernel's own write: c = old c + tile, or c = tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    private void EnsureBuffer(int index, int floats)
    {
        if (_stores[index].Length >= floats + 16) return;
        float[] store = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref store[0]);
        _stores[index] = store;
        _buffers[index] = (float*)((address + 63) & ~(nint)63);
    }

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
