using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

// Stochastic gradient descent exactly as torch.optim.SGD documents it (maximize=False):
//   g ← g + λ·θ                                   (weight_decay λ)
//   b ← g on the first step, else b ← μ·b + (1 − τ)·g   (momentum μ, dampening τ; only when μ ≠ 0)
//   g ← g + μ·b if nesterov, else g ← b            (only when μ ≠ 0)
//   θ ← θ − lr·g
// Nesterov momentum in this form is Sutskever et al. 2013. State: "momentum_buffer" (b), aligned with
// the buffer, saved only when μ ≠ 0. Dimension: N values; θ, g, b are each (N). Lanes as in AdamKernel:
// 8 values per Vector256<float>, the scalar loop does the remainder with the same operations in order.

/// <summary>SGD with optional momentum, dampening, Nesterov momentum and L2 weight decay (PyTorch's <c>torch.optim.SGD</c>).</summary>
public sealed class Sgd : Optimizer
{
    private readonly float[]? _momentumBuffer;

    /// <summary>Creates SGD over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">learningRate, momentum or weightDecay negative or not finite; dampening outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Nesterov momentum without momentum, or with dampening.</exception>
    public Sgd(ParameterBuffer parameters, float learningRate, float momentum = 0f, float dampening = 0f,
        bool nesterov = false, float weightDecay = 0f)
        : base(parameters, learningRate)
    {
        Momentum = OptimGuard.NonNegative(momentum);
        Dampening = OptimGuard.ClosedUnit(dampening);
        WeightDecay = OptimGuard.NonNegative(weightDecay);
        if (nesterov && (momentum == 0f || dampening != 0f))
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0.", nameof(nesterov));
        Nesterov = nesterov;
        if (momentum != 0f) _momentumBuffer = RegisterState("momentum_buffer");
    }

    /// <summary>Momentum factor μ (0: plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>Dampening τ of the gradient added to the momentum buffer.</summary>
    public float Dampening { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 penalty coefficient λ: the gradient becomes g + λ·θ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients)
    {
        if (_momentumBuffer is null)
        {
            // θ ← θ − lr·(g + λθ), written as θ + (−lr)·(g + λθ) like PyTorch's add_(grad, alpha=−lr).
            var c = new Coefficients(-LearningRate, WeightDecay, 0f, 0f, nesterov: false);
            int done = Vector256.IsHardwareAccelerated ? PlainVector(values, gradients, c) : 0;
            PlainScalar(values, gradients, c, done);
            return;
        }
        // The first step copies g into b: clearing b and using (μ, 1 − τ) = (0, 1) gives exactly 0·0 + 1·g = g.
        bool first = StepCount == 1;
        if (first) Array.Clear(_momentumBuffer);
        var cm = new Coefficients(-LearningRate, WeightDecay, first ? 0f : Momentum, first ? 1f : 1f - Dampening, Nesterov, Momentum);
        int doneM = Vector256.IsHardwareAccelerated ? MomentumVector(values, gradients, _momentumBuffer, cm) : 0;
        MomentumScalar(values, gradients, _momentumBuffer, cm, doneM);
    }

    internal readonly struct Coefficients(float negLearningRate, float weightDecay, float bufferDecay, float gradientScale, bool nesterov, float momentum = 0f)
    {
        public float NegLearningRate { get; } = negLearningRate;
        public float WeightDecay { get; } = weightDecay;
        public float BufferDecay { get; } = bufferDecay;       // μ, or 0 on the first step
        public float GradientScale { get; } = gradientScale;   // 1 − τ, or 1 on the first step
        public bool Nesterov { get; } = nesterov;
        public float Momentum { get; } = momentum;             // μ for the Nesterov look-ahead
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int PlainVector(Span<float> p, ReadOnlySpan<float> g, in Coefficients c)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        Vector256<float> negLr = Vector256.Create(c.NegLearningRate), wd = Vector256.Create(c.WeightDecay);
        int n = p.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            nuint k = (nuint)i;
            var pk = Vector256.LoadUnsafe(ref pr, k);
            var gk = Vector256.LoadUnsafe(ref gr, k) + wd * pk;
            (pk + negLr * gk).StoreUnsafe(ref pr, k);
        }
        return i;
    }

    internal static void PlainScalar(Span<float> p, ReadOnlySpan<float> g, in Coefficients c, int start)
    {
        for (int i = start; i < p.Length; i++)
        {
            float gi = g[i] + c.WeightDecay * p[i];
            p[i] = p[i] + c.NegLearningRate * gi;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int MomentumVector(Span<float> p, ReadOnlySpan<float> g, Span<float> b, in Coefficients c)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float br = ref MemoryMarshal.GetReference(b);
        Vector256<float> negLr = Vector256.Create(c.NegLearningRate), wd = Vector256.Create(c.WeightDecay);
        Vector256<float> bufferDecay = Vector256.Create(c.BufferDecay), gradientScale = Vector256.Create(c.GradientScale);
        Vector256<float> momentum = Vector256.Create(c.Momentum);
        bool nesterov = c.Nesterov;
        int n = p.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            nuint k = (nuint)i;
            var pk = Vector256.LoadUnsafe(ref pr, k);
            var gk = Vector256.LoadUnsafe(ref gr, k) + wd * pk;
            var bk = bufferDecay * Vector256.LoadUnsafe(ref br, k) + gradientScale * gk;
            var dk = nesterov ? gk + momentum * bk : bk;
            bk.StoreUnsafe(ref br, k);
            (pk + negLr * dk).StoreUnsafe(ref pr, k);
        }
        return i;
    }

    internal static void MomentumScalar(Span<float> p, ReadOnlySpan<float> g, Span<float> b, in Coefficients c, int start)
    {
        for (int i = start; i < p.Length; i++)
        {
            float gi = g[i] + c.WeightDecay * p[i];
            float bi = c.BufferDecay * b[i] + c.GradientScale * gi;
            float di = c.Nesterov ? gi + c.Momentum * bi : bi;
            b[i] = bi;
            p[i] = p[i] + c.NegLearningRate * di;
        }
    }
}
