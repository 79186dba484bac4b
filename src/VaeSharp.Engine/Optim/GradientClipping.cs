using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

// Gradient clipping over a whole ParameterBuffer, as torch.nn.utils.clip_grad_norm_ (norm_type 2,
// error_if_nonfinite=False) and clip_grad_value_ do it. Call between Backward() and Step().
// The norm is the L2 norm of all gradients together, summed in double (PyTorch sums in float32, so
// the two agree to float rounding); the scale max/(norm + 1e-6) is applied only when it is below 1.
// A non-finite norm is returned as is and, like PyTorch, turns the gradients into zeros or NaN.
// Neither allocates.

/// <summary>Clips a model's gradients in place: by their total L2 norm or element-wise by value.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by <c>maxNorm / (‖g‖₂ + 1e-6)</c> when that is below 1 (PyTorch's <c>clip_grad_norm_</c>).
    /// </summary>
    /// <returns>The total norm ‖g‖₂ before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative, infinite or NaN.</exception>
    public static float ClipNorm(ParameterBuffer parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptimGuard.NonNegative(maxNorm);
        var grads = parameters.Gradients;
        float norm = (float)Math.Sqrt(SumOfSquares(grads));
        float scale = maxNorm / (norm + 1e-6f);
        if (scale < 1f || float.IsNaN(scale)) TensorPrimitives.Multiply(grads, scale, grads);
        return norm;
    }

    /// <summary>Clamps every gradient to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>] (PyTorch's <c>clip_grad_value_</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative, infinite or NaN.</exception>
    public static void ClipValue(ParameterBuffer parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptimGuard.NonNegative(clipValue);
        var grads = parameters.Gradients;
        TensorPrimitives.Clamp(grads, -clipValue, clipValue, grads);
    }

    // Σ x², each square and the sum in double. Lanes: 8 floats widen to two Vector256<double> of 4,
    // squared into two accumulators; the scalar loop adds the last N mod 8.
    internal static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double sum = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                acc0 += lower * lower;
                acc1 += upper * upper;
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) sum += (double)x[i] * x[i];
        return sum;
    }
}
