using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

using VaeSharp.Engine.Kernels;

namespace VaeSharp.Engine.Optim;

// The fused Adam/AdamW update, one pass over the buffer — Kingma & Ba 2015, Alg. 1, with PyTorch's
// bias correction and its two forms of weight decay (coupled L2 for Adam, decoupled for AdamW —
// Loshchilov & Hutter 2019, Alg. 2). Dimension: N values. p, g, m, v are each (N).
//   g' = g + λ₂·p               (Adam's weight_decay; λ₂ = 0 for AdamW)
//   p  = p·(1 − lr·λ)           (AdamW's decay;       factor 1 for Adam)
//   m  = β1·m + (1 − β1)·g'
//   v  = β2·v + (1 − β2)·g'·g'
//   p  = p − stepSize·m / (√v / √(1 − β2ᵗ) + eps),   stepSize = lr / (1 − β1ᵗ)
// Lanes: 16 consecutive values per Vector512<float> with AVX-512, else 8 per Vector256<float>
// (Kernels/SimdLanes.cs); the scalar loop finishes the last N mod lanes and is the whole path without
// AVX2. All do the same IEEE operations in the same order (the JIT does not contract a·b + c into an
// FMA), so a value's result does not depend on which path updated it.
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

    // Updates the first ⌊N/lanes⌋·lanes values; returns how many it did.
    internal static int UpdateVector(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Coefficients c) =>
        Vector512.IsHardwareAccelerated ? UpdateVector<Vector512<float>, Lanes512>(p, g, m, v, c) : UpdateVector<Vector256<float>, Lanes256>(p, g, m, v, c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int UpdateVector<TV, L>(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Coefficients c)
        where TV : struct where L : struct, ISimdLanes<TV>
    {
        TV beta1 = L.Create(c.Beta1), oneMinusBeta1 = L.Create(c.OneMinusBeta1);
        TV beta2 = L.Create(c.Beta2), oneMinusBeta2 = L.Create(c.OneMinusBeta2);
        TV stepSize = L.Create(c.StepSize), bias2Sqrt = L.Create(c.Bias2Sqrt);
        TV eps = L.Create(c.Epsilon), l2 = L.Create(c.L2), decay = L.Create(c.DecayFactor);
        int n = p.Length, i = 0;
        fixed (float* pp = p, pg = g, pm = m, pv = v)
        {
            for (; i <= n - L.Count; i += L.Count)
            {
                TV pk = L.Load(pp + i);
                TV gk = L.Add(L.Load(pg + i), L.Multiply(l2, pk));
                pk = L.Multiply(pk, decay);
                TV mk = L.Add(L.Multiply(beta1, L.Load(pm + i)), L.Multiply(oneMinusBeta1, gk));
                TV vk = L.Add(L.Multiply(beta2, L.Load(pv + i)), L.Multiply(L.Multiply(oneMinusBeta2, gk), gk));
                TV denom = L.Add(L.Divide(L.Sqrt(vk), bias2Sqrt), eps);
                pk = L.Subtract(pk, L.Divide(L.Multiply(stepSize, mk), denom));
                L.Store(mk, pm + i);
                L.Store(vk, pv + i);
                L.Store(pk, pp + i);
            }
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
