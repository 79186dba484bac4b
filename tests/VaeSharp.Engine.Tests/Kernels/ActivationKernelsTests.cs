using System.Numerics.Tensors;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tests.Kernels;

// The element-wise activation kernels against their scalar formulas, bit for bit, on lengths that leave
// every remainder of the 8-lane loop, with zeros, signed zeros and NaN among the values. (The scalar-only
// path runs in KernelCheck with AVX2 switched off.)
public class ActivationKernelsTests
{
    private static float[] Values(int n, ulong seed)
    {
        var v = new float[n];
        new RandomGenerator(seed).FillNormal(v);
        for (int i = 0; i < n; i += 5) v[i] = 0f;
        for (int i = 3; i < n; i += 11) v[i] = -0f;
        if (n > 7) v[7] = float.NaN;
        return v;
    }

    // Same bits, except that any NaN matches any NaN (which operand's payload survives is the instruction's choice).
    private static void SameBits(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    public static TheoryData<int> Lengths => new() { 0, 1, 7, 8, 9, 31, 64, 77 };

    [Theory, MemberData(nameof(Lengths))]
    public void Backward_MatchesTheScalarFormulas(int n)
    {
        float[] y = Values(n, 1), g = Values(n, 2);
        foreach (var act in new[] { Activation.None, Activation.Relu, Activation.Tanh, Activation.Sigmoid })
        {
            var expected = new float[n];
            for (int i = 0; i < n; i++)
                expected[i] = act switch
                {
                    Activation.Relu => y[i] > 0f ? g[i] : 0f,
                    Activation.Tanh => g[i] * (1f - y[i] * y[i]),
                    Activation.Sigmoid => g[i] * y[i] * (1f - y[i]),
                    _ => g[i],
                };
            var dz = new float[n];
            ActivationKernels.Backward(act, y, g, dz);
            SameBits(expected, dz);
            var inPlace = (float[])g.Clone();
            ActivationKernels.Backward(act, y, inPlace, inPlace);
            SameBits(expected, inPlace);
        }
    }

    [Theory, MemberData(nameof(Lengths))]
    public void AccumulatingBackwards_MatchTheScalarFormulas(int n)
    {
        float[] x = Values(n, 3), g = Values(n, 4), start = Values(n, 5);
        var relu = (float[])start.Clone();
        var clamp = (float[])start.Clone();
        var leaky = (float[])start.Clone();
        var tanh = (float[])start.Clone();
        var sigmoid = (float[])start.Clone();
        ActivationKernels.ReluBackwardAdd(x, g, relu);
        ActivationKernels.ClampBackwardAdd(x, -0.5f, 0.7f, g, clamp);
        ActivationKernels.LeakyReluBackwardAdd(x, 0.1f, g, leaky);
        ActivationKernels.SmoothBackwardAdd(Activation.Tanh, x, g, tanh);
        ActivationKernels.SmoothBackwardAdd(Activation.Sigmoid, x, g, sigmoid);
        float[] eRelu = (float[])start.Clone(), eClamp = (float[])start.Clone(), eLeaky = (float[])start.Clone(), eTanh = (float[])start.Clone(), eSigmoid = (float[])start.Clone();
        for (int i = 0; i < n; i++)
        {
            eRelu[i] += x[i] > 0f ? g[i] : 0f;
            eClamp[i] += x[i] >= -0.5f && x[i] <= 0.7f ? g[i] : 0f;
            eLeaky[i] += x[i] > 0f ? g[i] : 0.1f * g[i];
            eTanh[i] += g[i] * (1f - x[i] * x[i]);
            eSigmoid[i] += g[i] * x[i] * (1f - x[i]);
        }
        SameBits(eRelu, relu);
        SameBits(eClamp, clamp);
        SameBits(eLeaky, leaky);
        SameBits(eTanh, tanh);
        SameBits(eSigmoid, sigmoid);
    }

    [Fact]
    public void Apply_IsTheSeparateOps()
    {
        var v = Values(77, 6);
        var relu = (float[])v.Clone();
        ActivationKernels.Apply(Activation.Relu, relu);
        var expected = new float[v.Length];
        TensorPrimitives.Max(v, 0f, expected);
        SameBits(expected, relu);
        var none = (float[])v.Clone();
        ActivationKernels.Apply(Activation.None, none);
        SameBits(v, none);
    }
}
