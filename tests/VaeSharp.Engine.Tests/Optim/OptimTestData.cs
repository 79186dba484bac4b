using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Optim;

// Buffers and gradients for the optimiser tests: one parameter tensor of `count` values drawn from
// N(0, 1), and a fresh N(0, scale²) gradient per step written straight into the buffer.
internal static class OptimTestData
{
    public static ParameterBuffer Buffer(int count, ulong seed = 1)
    {
        var rng = new RandomGenerator(seed);
        return ParameterBuffer.Pack([("w", Tensor.Normal(rng, 0f, 1f, count))]);
    }

    public static float[][] Gradients(int steps, int count, float scale = 1f, ulong seed = 2)
    {
        var rng = new RandomGenerator(seed);
        var grads = new float[steps][];
        for (int s = 0; s < steps; s++)
        {
            grads[s] = new float[count];
            rng.FillNormal(grads[s], 0f, scale);
        }
        return grads;
    }

    // |actual − expected| ≤ atol + rtol·|expected| for every element, with the first offender in the message.
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (err > atol + rtol * Math.Abs(expected[i]))
                Assert.Fail($"{what}[{i}] = {actual[i]:R}, reference {expected[i]:R} (error {err:E2} > {atol:E0} + {rtol:E0}·|ref|).");
        }
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return d;
    }
}
