using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VaeSharp.Engine.Autograd;

namespace VaeSharp.Engine.Kernels;

// Element-wise activation kernels shared by the fused layers (Linear, Conv2d, ConvTranspose2d) and the
// stand-alone activation ops. Dimension: N values; every span is (N) (callers pass equal lengths).
//   Apply:           v = act(v) in place (relu: max(v, 0) with TensorPrimitives' NaN rule, as Ops.Relu)
//   Backward:        dz = g · act'(z), written with the activation's output y (overwrites dz):
//                      relu: y > 0 ? g : 0      tanh: g·(1 − y·y)      sigmoid: g·y·(1 − y)
//   ReluBackwardAdd: gx += (y > 0 ? g : 0)
//   MaskedAdd / ScaledAdd / ...: the other stand-alone backward loops of Ops.Unary, same shape.
// Why not a scalar `if (y > 0) gx += g`: with signs that vary at random the branch mispredicts about
// half the time (≈ 20 ms per 4M values measured); compare + select has no branch.
// Lanes: 8 consecutive values per Vector256<float>. The scalar loop finishes the last N mod 8 and is the
// whole path without hardware Vector256 (DOTNET_EnableAVX2=0). Both do the same IEEE operations in the
// same order (the JIT does not contract a·b + c into an FMA), so a value does not depend on its path.
internal static class ActivationKernels
{
    /// <summary>v = act(v) in place.</summary>
    public static void Apply(Activation activation, Span<float> v)
    {
        switch (activation)
        {
            case Activation.Relu: TensorPrimitives.Max(v, 0f, v); break;
            case Activation.Tanh: TensorPrimitives.Tanh(v, v); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(v, v); break;
        }
    }

    /// <summary>dz = g · act'(z), from the activation's output y; dz may alias g. <see cref="Activation.None"/> copies g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Activation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dz)
    {
        int n = dz.Length, i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(dz);
        var one = Vector256.Create(1f);
        switch (activation)
        {
            case Activation.None:
                g[..n].CopyTo(dz);
                return;
            case Activation.Relu:
                if (Vector256.IsHardwareAccelerated)
                    for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                    {
                        var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                        (Vector256.LoadUnsafe(ref gr, (nuint)i) & mask).StoreUnsafe(ref dr, (nuint)i);
                    }
                for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref yr, i) > 0f ? Unsafe.Add(ref gr, i) : 0f;
                return;
            case Activation.Tanh:
                if (Vector256.IsHardwareAccelerated)
                    for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                    {
                        var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                        (Vector256.LoadUnsafe(ref gr, (nuint)i) * (one - yv * yv)).StoreUnsafe(ref dr, (nuint)i);
                    }
                for (; i < n; i++)
                {
                    float yv = Unsafe.Add(ref yr, i);
                    Unsafe.Add(ref dr, i) = Unsafe.Add(ref gr, i) * (1f - yv * yv);
                }
                return;
            case Activation.Sigmoid:
                if (Vector256.IsHardwareAccelerated)
                    for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                    {
                        var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                        (Vector256.LoadUnsafe(ref gr, (nuint)i) * yv * (one - yv)).StoreUnsafe(ref dr, (nuint)i);
                    }
                for (; i < n; i++)
                {
                    float yv = Unsafe.Add(ref yr, i);
                    Unsafe.Add(ref dr, i) = Unsafe.Add(ref gr, i) * yv * (1f - yv);
                }
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown fused activation.");
        }
    }

    /// <summary>gx += (y &gt; 0 ? g : 0): ReLU's backward, accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackwardAdd(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        int n = gx.Length, i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(gx);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + (Vector256.LoadUnsafe(ref gr, (nuint)i) & mask)).StoreUnsafe(ref xr, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref xr, i) += Unsafe.Add(ref yr, i) > 0f ? Unsafe.Add(ref gr, i) : 0f;
    }

    /// <summary>gx += (lo ≤ x ≤ hi ? g : 0): the clamp's backward (NaN x passes nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClampBackwardAdd(ReadOnlySpan<float> x, float lo, float hi, ReadOnlySpan<float> g, Span<float> gx)
    {
        int n = gx.Length, i = 0;
        ref float vr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(gx);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> low = Vector256.Create(lo), high = Vector256.Create(hi);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref vr, (nuint)i);
                var mask = Vector256.GreaterThanOrEqual(v, low) & Vector256.LessThanOrEqual(v, high);
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + (Vector256.LoadUnsafe(ref gr, (nuint)i) & mask)).StoreUnsafe(ref xr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref vr, i);
            Unsafe.Add(ref xr, i) += v >= lo && v <= hi ? Unsafe.Add(ref gr, i) : 0f;
        }
    }

    /// <summary>gx += x &gt; 0 ? g : slope·g: the leaky ReLU's backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReluBackwardAdd(ReadOnlySpan<float> x, float slope, ReadOnlySpan<float> g, Span<float> gx)
    {
        int n = gx.Length, i = 0;
        ref float vr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(gx);
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(slope);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref vr, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + Vector256.ConditionalSelect(mask, gv, s * gv)).StoreUnsafe(ref xr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gv = Unsafe.Add(ref gr, i);
            Unsafe.Add(ref xr, i) += Unsafe.Add(ref vr, i) > 0f ? gv : slope * gv;
        }
    }

    /// <summary>gx += g · act'(z) for tanh or sigmoid, from the output y (the stand-alone ops' backward).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SmoothBackwardAdd(Activation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        int n = gx.Length, i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(gx);
        var one = Vector256.Create(1f);
        bool tanh = activation == Activation.Tanh;
        if (!tanh && activation != Activation.Sigmoid)
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "SmoothBackwardAdd takes tanh or sigmoid.");
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var d = tanh ? gv * (one - yv * yv) : gv * yv * (one - yv);
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + d).StoreUnsafe(ref xr, (nuint)i);
            }
        for (; i < n; i++)
        {
            float yv = Unsafe.Add(ref yr, i), gv = Unsafe.Add(ref gr, i);
            Unsafe.Add(ref xr, i) += tanh ? gv * (1f - yv * yv) : gv * yv * (1f - yv);
        }
    }
}
