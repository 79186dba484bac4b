using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeSharp.Engine.Kernels;

// The fused Bernoulli negative log-likelihood with logits: the training path of
// Ops.BinaryCrossEntropyWithLogits with a summed or averaged loss. Dimension: N values; x (logits),
// t (targets), s (σ(x), saved for the backward) and gx are each (N).
//   Forward:  Σᵢ ℓᵢ,  ℓᵢ = max(xᵢ, 0) − xᵢ·tᵢ + log1p(e),  e = exp(−|xᵢ|)      (stable for any x)
//             sᵢ = σ(xᵢ) = xᵢ ≥ 0 ? 1/(1 + e) : e/(1 + e)
//   Backward: gxᵢ += c·(sᵢ − tᵢ)
// One pass each, instead of the nine (forward) and three (backward) TensorPrimitives passes they replace,
// run on the kernel threads in tasks of whole 1024-value chunks. The sum is a float sum per chunk (eight
// lanes, then the lanes in a fixed order) and the chunk sums are added in double in chunk order, so it
// does not depend on the thread count.
// exp and log are Cephes-style polynomials (Moshier, Cephes Math Library: expf.c, logf.c; max relative
// error about 2 ulp on the ranges used here); log1p(e) adds the rounding error of u = 1 + e back to log(u),
// so the term stays accurate when e is tiny. A test checks ℓ and σ against double precision.
// Lanes: 8 consecutive values per Vector256<float>; the last N mod 8 values go through the same vector
// code from a padded copy, so every value gets the same operations whichever path it takes. Without
// hardware Vector256 (DOTNET_EnableAVX2=0) the same code runs on the software vectors.
internal static unsafe class BceKernel
{
    public const int ChunkSize = 1024;
    private const int ChunksPerTask = 8;
    // Below this many values the pass stays on the calling thread (a fork-join costs microseconds).
    private const int ParallelThreshold = 4 * ChunksPerTask * ChunkSize;

    /// <summary>Σ ℓ(x, t) in double; writes σ(x) into <paramref name="sigmoid"/> unless it is empty.</summary>
    public static double Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> t, Span<float> sigmoid)
    {
        int n = x.Length;
        if (n == 0) return 0;
        int chunks = (n + ChunkSize - 1) / ChunkSize;
        float[] partial = Tensors.BufferPool.Rent(chunks);
        try
        {
            fixed (float* px = x, pt = t, ps = sigmoid, pp = partial)
            {
                var job = Pass.For(px, pt, sigmoid.IsEmpty ? null : ps, null, pp, n, 0f);
                Run(job, n);
            }
            double sum = 0;
            for (int c = 0; c < chunks; c++) sum += partial[c];
            return sum;
        }
        finally
        {
            Tensors.BufferPool.Return(partial);
        }
    }

    /// <summary>gx += scale·(σ(x) − t), from the σ(x) the forward saved.</summary>
    public static void Backward(ReadOnlySpan<float> sigmoid, ReadOnlySpan<float> t, float scale, Span<float> gx)
    {
        int n = gx.Length;
        if (n == 0) return;
        fixed (float* ps = sigmoid, pt = t, pg = gx)
        {
            var job = Pass.For(null, pt, ps, pg, null, n, scale);
            Run(job, n);
        }
    }

    private static void Run(Pass job, int n)
    {
        int tasks = (n + ChunksPerTask * ChunkSize - 1) / (ChunksPerTask * ChunkSize);
        try
        {
            WorkerPool.Run(tasks, job, n < ParallelThreshold ? 1 : EngineSettings.Threads);
        }
        finally
        {
            job.Clear();
        }
    }

    // One forward (X set) or backward (Gx set) pass; task k covers chunks [8k, 8k + 8).
    private sealed class Pass : IParallelJob
    {
        [ThreadStatic] private static Pass? _forThread;
        private bool _inUse;
        private float* _x, _t, _s, _gx, _partial;
        private int _n;
        private float _scale;

        public static Pass For(float* x, float* t, float* s, float* gx, float* partial, int n, float scale)
        {
            Pass pass = _forThread ??= new Pass();
            if (pass._inUse) pass = new Pass(); // re-entered on this thread: rare, so allocate
            pass._inUse = true;
            pass._x = x; pass._t = t; pass._s = s; pass._gx = gx; pass._partial = partial;
            pass._n = n; pass._scale = scale;
            return pass;
        }

        public void Clear()
        {
            _x = _t = _s = _gx = _partial = null;
            _inUse = false;
        }

        public void Execute(int task)
        {
            int firstChunk = task * ChunksPerTask;
            int lastChunk = Math.Min(firstChunk + ChunksPerTask, (_n + ChunkSize - 1) / ChunkSize);
            for (int c = firstChunk; c < lastChunk; c++)
            {
                int start = c * ChunkSize, count = Math.Min(ChunkSize, _n - start);
                if (_x != null) _partial[c] = ForwardChunk(_x + start, _t + start, _s == null ? null : _s + start, count);
                else BackwardChunk(_s + start, _t + start, _gx + start, count, _scale);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ForwardChunk(float* x, float* t, float* s, int count)
    {
        var sum = Vector256<float>.Zero;
        int i = 0;
        for (; i <= count - 8; i += 8)
        {
            var loss = Terms(Vector256.Load(x + i), Vector256.Load(t + i), out var sig);
            sum += loss;
            if (s != null) sig.Store(s + i);
        }
        if (i < count)
        {
            // The remainder, padded with x = 0, t = 0 lanes that are masked out of the sum.
            float* px = stackalloc float[8], pt = stackalloc float[8], ps = stackalloc float[8];
            int rest = count - i;
            for (int r = 0; r < 8; r++) { px[r] = r < rest ? x[i + r] : 0f; pt[r] = r < rest ? t[i + r] : 0f; }
            var loss = Terms(Vector256.Load(px), Vector256.Load(pt), out var sig);
            var keep = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(rest)).AsSingle();
            sum += loss & keep;
            if (s != null)
            {
                sig.Store(ps);
                for (int r = 0; r < rest; r++) s[i + r] = ps[r];
            }
        }
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardChunk(float* s, float* t, float* gx, int count, float scale)
    {
        var c = Vector256.Create(scale);
        int i = 0;
        for (; i <= count - 8; i += 8)
            (Vector256.Load(gx + i) + c * (Vector256.Load(s + i) - Vector256.Load(t + i))).Store(gx + i);
        // Same IEEE operations per value as the lanes (the JIT does not contract them into an FMA).
        for (; i < count; i++) gx[i] = gx[i] + scale * (s[i] - t[i]);
    }

    // ℓ and σ of eight logits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Terms(Vector256<float> x, Vector256<float> t, out Vector256<float> sigmoid)
    {
        var one = Vector256.Create(1f);
        var e = ExpNonPositive(-Vector256.Abs(x));
        var u = one + e;
        var inverse = one / u;
        sigmoid = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), inverse, e * inverse);
        // log1p(e) = log(u) + δ/u to first order, where δ = e − (u − 1) is the rounding error of u = 1 + e
        // (u − 1 is exact); δ²/2 is below 2·10⁻¹⁵. When u rounds to 1 this gives e.
        var log1p = Vector256.FusedMultiplyAdd(e - (u - one), inverse, LogOneToTwo(u));
        return Vector256.Max(x, Vector256<float>.Zero) - x * t + log1p;
    }

    // exp(x) for x ≤ 0: x = n·ln2 + r with |r| ≤ ½ln2 (ln2 split in two for an exact r), a degree-5
    // polynomial for e^r, and 2ⁿ from the exponent bits. x below −87.3 gives 2⁻¹²⁶·e^r ≈ 1e−38.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        x = Vector256.Max(x, Vector256.Create(-87.3f));
        // Rounds x·log2(e) to the nearest integer n by adding 1.5·2²³: n lands in the low mantissa bits of `shifted`.
        var magic = Vector256.Create(12582912f);
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(1.44269504088896341f), magic);
        var n = shifted - magic;
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        var er = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256.Create(1f);
        var twoToN = Vector256.ShiftLeft(shifted.AsInt32() - magic.AsInt32() + Vector256.Create(127), 23).AsSingle();
        return er * twoToN;
    }

    // log(u) for 1 ≤ u ≤ 2: u = 2ᵏ·m with m in [√½, √2] (k = 0 or 1; m − 1 is exact), then
    // log m = f − f²/2 + f³·P(f) with f = m − 1, a degree-8 P, and k·ln2 added in two parts.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> LogOneToTwo(Vector256<float> u)
    {
        var big = Vector256.GreaterThan(u, Vector256.Create(1.41421356237f));
        var k = Vector256.Create(1f) & big;
        var f = Vector256.ConditionalSelect(big, u * Vector256.Create(0.5f), u) - Vector256.Create(1f);
        var z = f * f;
        var p = Vector256.Create(7.0376836292e-2f);
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-1.1514610310e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.1676998740e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-1.2420140846e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.4249322787e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-1.6668057665e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(2.0000714765e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-2.4999993993e-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(3.3333331174e-1f));
        var y = p * f * z;
        y = Vector256.FusedMultiplyAdd(k, Vector256.Create(-2.12194440e-4f), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        return Vector256.FusedMultiplyAdd(k, Vector256.Create(0.693359375f), f + y);
    }
}
