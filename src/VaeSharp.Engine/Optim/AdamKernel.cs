using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeSharp.Engine.Optim;

// The fused Adam/AdamW update, one pass over the buffer — Kingma & Ba 2015, Alg. 1, with PyTorch's
// bias correction and its two forms of weight decay (coupled L2 for Adam, decoupled for AdamW —
// Loshchilov & Hutter 2019, Alg. 2). Dimension: N values. p, g, m, v are each (N).
//   g' = g + λ₂·p               (Adam's weight_decay; λ₂ = 0 for AdamW)
//   p  = p·(1 − lr·λ)           (AdamW's decay;       factor 1 for Adam)
//   m  = β1·m + (1 − β1)·g'
//   v  = β2·v + (1 − β2)·g'·g'
//   p  = p − stepSize·m / (√v / √(1 − β2ᵗ) + eps),   stepSize = lr / (1 − β1ᵗ)
// Lanes: 8 consecutive values per Vector256<float>; the scalar loop finishes the last N mod 8 and is
// the whole path without AVX2. Both do the same IEEE operations in the same order (the JIT does not
// contract a·b + c into an FMA), so a value's result does not depend on which path updated it.
// Large buffers are updated in slices of 32K values on the kernel threads (WorkerPool); each value's
// update depends on nothing else, so neither does the result on the thread count.
internal static class AdamKernel
{
    /// <summary>Per-step constants, computed once in double as PyTorch does and rounded to float.</summary>
    public readonly struct Coefficients
    {
        public Coefficients(float learningRate, float beta1, float beta2, float epsilon, float l2, float decoupledDecay, int step)
        {
            double bias1 = 1.0 - Math.Pow(beta1, step), bias2 = 1.0 - Math.Pow(beta2, step);
            Beta1 = beta1;
            OneMinusBeta1 = (float)(1.0 - beta1);
            Beta2 = beta2;
            OneMinusBeta2 = (float)(1.0 - beta2);
            StepSize = (float)(learningRate / bias1);
            Bias2Sqrt = (float)Math.Sqrt(bias2);
            Epsilon = epsilon;
            L2 = l2;
            DecayFactor = (float)(1.0 - (double)learningRate * decoupledDecay);
        }

        public float Beta1 { get; }
        public float OneMinusBeta1 { get; }
        public float Beta2 { get; }
        public float OneMinusBeta2 { get; }
        public float StepSize { get; }
        public float Bias2Sqrt { get; }
        public float Epsilon { get; }
        public float L2 { get; }
        public float DecayFactor { get; }
    }

    // Slices of this many values (a multiple of 8) are the tasks of a parallel update; buffers shorter than
    // two slices are updated on the calling thread.
    private const int SliceSize = 1 << 15;

    /// <summary>Updates every value; on the kernel threads in slices when the buffer is large (the result does not depend on it).</summary>
    public static unsafe void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Coefficients c)
    {
        int n = p.Length;
        if (n < 2 * SliceSize || EngineSettings.Threads == 1)
        {
            UpdateSlice(p, g, m, v, c);
            return;
        }
        fixed (float* pp = p, pg = g, pm = m, pv = v)
        {
            var job = SliceJob.For(pp, pg, pm, pv, n, c);
            try
            {
                Kernels.WorkerPool.Run((n + SliceSize - 1) / SliceSize, job);
            }
            finally
            {
                job.Clear();
            }
        }
    }

    private static void UpdateSlice(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Coefficients c)
    {
        int done = Vector256.IsHardwareAccelerated ? UpdateVector(p, g, m, v, c) : 0;
        UpdateScalar(p, g, m, v, c, done);
    }

    // One parallel update; task k updates values [k·SliceSize, (k + 1)·SliceSize).
    private sealed unsafe class SliceJob : Kernels.IParallelJob
    {
        [ThreadStatic] private static SliceJob? _forThread;
        private bool _inUse;
        private float* _p, _g, _m, _v;
        private int _n;
        private Coefficients _c;

        public static SliceJob For(float* p, float* g, float* m, float* v, int n, in Coefficients c)
        {
            SliceJob job = _forThread ??= new SliceJob();
            if (job._inUse) job = new SliceJob(); // re-entered on this thread: rare, so allocate
            job._inUse = true;
            job._p = p; job._g = g; job._m = m; job._v = v; job._n = n; job._c = c;
            return job;
        }

        public void Clear()
        {
            _p = _g = _m = _v = null;
            _inUse = false;
        }

        public void Execute(int task)
        {
            int start = task * SliceSize, count = Math.Min(SliceSize, _n - start);
            UpdateSlice(new Span<float>(_p + start, count), new ReadOnlySpan<float>(_g + start, count),
                new Span<float>(_m + start, count), new Span<float>(_v + start, count), _c);
        }
    }

    // Updates the first ⌊N/8⌋·8 values; returns how many it did.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int UpdateVector(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Coefficients c)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        Vector256<float> beta1 = Vector256.Create(c.Beta1), oneMinusBeta1 = Vector256.Create(c.OneMinusBeta1);
        Vector256<float> beta2 = Vector256.Create(c.Beta2), oneMinusBeta2 = Vector256.Create(c.OneMinusBeta2);
        Vector256<float> stepSize = Vector256.Create(c.StepSize), bias2Sqrt = Vector256.Create(c.Bias2Sqrt);
        Vector256<float> eps = Vector256.Create(c.Epsilon), l2 = Vector256.Create(c.L2), decay = Vector256.Create(c.DecayFactor);
        int n = p.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            nuint k = (nuint)i;
            var pk = Vector256.LoadUnsafe(ref pr, k);
            var gk = Vector256.LoadUnsafe(ref gr, k) + l2 * pk;
            pk *= decay;
            var mk = beta1 * Vector256.LoadUnsafe(ref mr, k) + oneMinusBeta1 * gk;
            var vk = beta2 * Vector256.LoadUnsafe(ref vr, k) + oneMinusBeta2 * gk * gk;
            var denom = Vector256.Sqrt(vk) / bias2Sqrt + eps;
            pk -= stepSize * mk / denom;
            mk.StoreUnsafe(ref mr, k);
            vk.StoreUnsafe(ref vr, k);
            pk.StoreUnsafe(ref pr, k);
        }
        return i;
    }

    // The scalar equivalent, from index `start` on.
    internal static void UpdateScalar(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Coefficients c, int start)
    {
        for (int i = start; i < p.Length; i++)
        {
            float pi = p[i];
            float gi = g[i] + c.L2 * pi;
            pi *= c.DecayFactor;
            float mi = c.Beta1 * m[i] + c.OneMinusBeta1 * gi;
            float vi = c.Beta2 * v[i] + c.OneMinusBeta2 * gi * gi;
            float denom = MathF.Sqrt(vi) / c.Bias2Sqrt + c.Epsilon;
            p[i] = pi - c.StepSize * mi / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
