using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Tests;

/// <summary>
/// Checks d f(x) / dx of a scalar-valued model function against central differences (step 1e-2, float forward),
/// on every <c>stride</c>-th input element. Tolerance: |analytic − numeric| &lt; 2e-2 + 2e-2·|numeric|.
/// <paramref name="f"/> must be deterministic (reseed the model's noise inside it).
/// </summary>
internal static class InputGradCheck
{
    public static void Assert(Func<Tensor, Tensor> f, Tensor x, int stride)
    {
        x.RequiresGrad = true;
        x.Grad = null;
        f(x).Backward();
        for (int i = 0; i < x.Size; i += stride)
        {
            float orig = x.Data[i];
            double Eval(float v) { x.Data[i] = v; using var _ = GradMode.NoGrad(); return f(x).Item(); }
            double numeric = (Eval(orig + 1e-2f) - Eval(orig - 1e-2f)) / 2e-2;
            x.Data[i] = orig;
            double analytic = x.Grad!.Data[i];
            Xunit.Assert.True(Math.Abs(numeric - analytic) < 2e-2 + 2e-2 * Math.Abs(numeric), $"element {i}: {analytic} vs {numeric}");
        }
    }
}
