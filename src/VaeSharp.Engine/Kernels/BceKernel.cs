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
// Lanes: 16 consecutive values per Vector512<float> with AVX-512, else 8 per Vector256<float>
// (SimdLanes.cs); the last N mod lanes values go through the same vector code from a padded copy, so
// every value gets the same operations whichever path and width it takes (the chunk sums are summed over
// 16 or 8 lanes, so the loss may differ in its last bits between widths). Without hardware Vector256
// (DOTNET_EnableAVX2=0) the same code runs on the software vectors.
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

    /// <summary>ℓᵢ(x, t) per value into <paramref name="terms"/> (the per-example likelihoods of evaluation and importance
    /// sampling): the same arithmetic per value as <see cref="Forward"/>, one pass on the kernel threads.</summary>
    public static void Terms(ReadOnlySpan<float> x, ReadOnlySpan<float> t, Span<float> terms)
    {
        int n = x.Length;
        if (n == 0) return;
        fixed (float* px = x, pt = t, pl = terms)
        {
            var job = Pass.For(px, pt, null, null, null, n, 0f, pl);
            Run(job, n);
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
        private float* _x, _t, _s, _gx, _partial, _terms;
        private int _n;
        private float _scale;

        public static Pass For(float* x, float* t, float* s, float* gx, float* partial, int n, float scale, float* terms = null)
        {
            Pass pass = _forThread ??= new Pass();
            if (pass._inUse) pass = new Pass(); // re-entered on this thread: rare, so allocate
            pass._inUse = true;
            pass._x = x; pass._t = t; pass._s = s; pass._gx = gx; pass._partial = partial; pass._terms = terms;
            pass._n = n; pass._scale = scale;
            return pass;
        }

        public void Clear()
        {
            _x = _t = _s = _gx = _partial = _terms = null;
            _inUse = false;
        }

        public void Execute(int task)
        {
            int firstChunk = task * ChunksPerTask;
            int lastChunk = Math.Min(firstChunk + ChunksPerTask, (_n + ChunkSize - 1) / ChunkSize);
            for (int c = firstChunk; c < lastChunk; c++)
            {
                int start = c * ChunkSize, count = Math.Min(ChunkSize, _n - start);
                if (_terms != null) TermsChunk(_x + start, _t + start, _terms + start, count);
                else if (_x != null) _partial[c] = ForwardChunk(_x + start, _t + start, _s == null ? null : _s + start, count);
                else BackwardChunk(_s + start, _t + start, _gx + start, count, _scale);
            }
        }
    }

    private static float ForwardChunk(float* x, float* t, float* s, int count) =>
        Vector512.IsHardwareAccelerated ? ForwardChunk<Vector512<float>, Lanes512>(x, t, s, count) : ForwardChunk<Vector256<float>, Lanes256>(x, t, s, count);

    private static void TermsChunk(float* x, float* t, float* terms, int count)
    {
        if (Vector512.IsHardwareAccelerated) TermsChunk<Vector512<float>, Lanes512>(x, t, terms, count);
        else TermsChunk<Vector256<float>, Lanes256>(x, t, terms, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TermsChunk<TV, L>(float* x, float* t, float* terms, int count) where TV : struct where L : struct, ISimdLanes<TV>
    {
        int i = 0;
        for (; i <= count - L.Count; i += L.Count) L.Store(Terms<TV, L>(L.Load(x + i), L.Load(t + i), out _), terms + i);
        if (i < count)
        {
            float* px = stackalloc float[16], pt = stackalloc float[16], pl = stackalloc float[16];
            int rest = count - i;
            for (int r = 0; r < L.Count; r++) { px[r] = r < rest ? x[i + r] : 0f; pt[r] = r < rest ? t[i + r] : 0f; }
            L.Store(Terms<TV, L>(L.Load(px), L.Load(pt), out _), pl);
            for (int r = 0; r < rest; r++) terms[i + r] = pl[r];
        }
    }

    private static void BackwardChunk(float* s, float* t, float* gx, int count, float scale)
    {
        if (Vector512.IsHardwareAccelerated) BackwardChunk<Vector512<float>, Lanes512>(s, t, gx, count, scale);
        else BackwardChunk<Vector256<float>, Lanes256>(s, t, gx, count, scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ForwardChunk<TV, L>(float* x, float* t, float* s, int count) where TV : struct where L : struct, ISimdLanes<TV>
    {
        TV sum = L.Create(0f);
        int i = 0;
        for (; i <= count - L.Count; i += L.Count)
        {
            TV loss = Terms<TV, L>(L.Load(x + i), L.Load(t + i), out TV sigmoid);
            sum = L.Add(sum, loss);
            if (s != null) L.Store(sigmoid, s + i);
        }
        if (i < count)
        {
            // The remainder, padded with x = 0, t = 0 lanes that are masked out of the sum.
            float* px = stackalloc float[16], pt = stackalloc float[16], ps = stackalloc float[16];
            int rest = count - i;
            for (int r = 0; r < L.Count; r++) { px[r] = r < rest ? x[i + r] : 0f; pt[r] = r < rest ? t[i + r] : 0f; }
            TV loss = Terms<TV, L>(L.Load(px), L.Load(pt), out TV sigmoid);
            sum = L.Add(sum, L.KeepFirst(loss, rest));
            if (s != null)
            {
                L.Store(sigmoid, ps);
                for (int r = 0; r < rest; r++) s[i + r] = ps[r];
            }
        }
        return L.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardChunk<TV, L>(float* s, float* t, float* gx, int count, float scale) where TV : struct where L : struct, ISimdLanes<TV>
    {
        TV c = L.Create(scale);
        int i = 0;
        for (; i <= count - L.Count; i += L.Count)
            L.Store(L.Add(L.Load(gx + i), L.Multiply(c, L.Subtract(L.Load(s + i), L.Load(t + i)))), gx + i);
        // Same IEEE operations per value as the lanes (the JIT does not contract them into an FMA).
        for (; i < count; i++) gx[i] = gx[i] + scale * (s[i] - t[i]);
    }

    // ℓ and σ of a vector of logits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Terms<TV, L>(TV x, TV t, out TV sigmoid) where TV : struct where L : struct, ISimdLanes<TV>
    {
        TV one = L.Create(1f), zero = L.Create(0f);
        TV e = ExpNonPositive<TV, L>(L.Subtract(zero, L.Abs(x)));
        TV u = L.Add(one, e);
        TV inverse = L.Divide(one, u);
        sigmoid = L.SelectGreaterOrEqual(x, zero, inverse, L.Multiply(e, inverse));
        // log1p(e) = log(u) + δ/u to first order, where δ = e − (u − 1) is the rounding error of u = 1 + e
        // (u − 1 is exact); δ²/2 is below 2·10⁻¹⁵. When u rounds to 1 this gives e.
        TV log1p = L.FusedMultiplyAdd(L.Subtract(e, L.Subtract(u, one)), inverse, LogOneToTwo<TV, L>(u));
        return L.Add(L.Subtract(L.Max(x, zero), L.Multiply(x, t)), log1p);
    }

    // exp(x) for x ≤ 0: x = n·ln2 + r with |r| ≤ ½ln2 (ln2 split in two for an exact r), a degree-5
    // polynomial for e^r, and 2ⁿ from the exponent bits. x below −87.3 gives 2⁻¹²⁶·e^r ≈ 1e−38.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpNonPositive<TV, L>(TV x) where TV : struct where L : struct, ISimdLanes<TV>
    {
        x = L.Max(x, L.Create(-87.3f));
        // Rounds x·log2(e) to the nearest integer n by adding 1.5·2²³: n lands in the low mantissa bits of `shifted`.
        TV magic = L.Create(12582912f);
        TV shifted = L.FusedMultiplyAdd(x, L.Create(1.44269504088896341f), magic);
        TV n = L.Subtract(shifted, magic);
        TV r = L.FusedMultiplyAdd(n, L.Create(-0.693359375f), x);
        r = L.FusedMultiplyAdd(n, L.Create(2.12194440e-4f), r);
        TV p = L.Create(1.9875691500e-4f);
        p = L.FusedMultiplyAdd(p, r, L.Create(1.3981999507e-3f));
        p = L.FusedMultiplyAdd(p, r, L.Create(8.3334519073e-3f));
        p = L.FusedMultiplyAdd(p, r, L.Create(4.1665795894e-2f));
        p = L.FusedMultiplyAdd(p, r, L.Create(1.6666665459e-1f));
        p = L.FusedMultiplyAdd(p, r, L.Create(5.0000001201e-1f));
        TV er = L.Add(L.FusedMultiplyAdd(p, L.Multiply(r, r), r), L.Create(1f));
        return L.Multiply(er, L.PowerOfTwoFromShifted(shifted, magic));
    }

    // log(u) for 1 ≤ u ≤ 2: u = 2ᵏ·m with m in [√½, √2] (k = 0 or 1; m − 1 is exact), then
    // log m = f − f²/2 + f³·P(f) with f = m − 1, a degree-8 P, and k·ln2 added in two parts.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LogOneToTwo<TV, L>(TV u) where TV : struct where L : struct, ISimdLanes<TV>
    {
        TV sqrt2 = L.Create(1.41421356237f);
        TV k = L.SelectGreater(u, sqrt2, L.Create(1f), L.Create(0f));
        TV f = L.Subtract(L.SelectGreater(u, sqrt2, L.Multiply(u, L.Create(0.5f)), u), L.Create(1f));
        TV z = L.Multiply(f, f);
        TV p = L.Create(7.0376836292e-2f);
        p = L.FusedMultiplyAdd(p, f, L.Create(-1.1514610310e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(1.1676998740e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(-1.2420140846e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(1.4249322787e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(-1.6668057665e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(2.0000714765e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(-2.4999993993e-1f));
        p = L.FusedMultiplyAdd(p, f, L.Create(3.3333331174e-1f));
        TV y = L.Multiply(L.Multiply(p, f), z);
        y = L.FusedMultiplyAdd(k, L.Create(-2.12194440e-4f), y);
        y = L.FusedMultiplyAdd(z, L.Create(-0.5f), y);
        return L.FusedMultiplyAdd(k, L.Create(0.693359375f), L.Add(f, y));
    }
}
