using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tests.Kernels;

// The fused BCE kernel against double precision, value by value (its own exp and log polynomials), and
// its sum and backward against the thread count and the scalar formula. (KernelCheck repeats the value
// check with AVX2 switched off.)
[Collection(EngineSettingsCollection.Name)]
public class BceKernelTests
{
    private static readonly float[] Logits =
    [
        0f, -0f, 1e-8f, -1e-8f, 1e-3f, -1e-3f, 0.5f, -0.5f, 1f, -1f, 2.5f, -2.5f, 10f, -10f, 16.9f, -16.9f, 17.1f, -17.1f,
        30f, -30f, 87f, -87f, 88f, -88f, 100f, -100f, 1e4f, -1e4f,
    ];

    [Fact]
    public void LossAndSigmoid_MatchDoublePrecision_ValueByValue()
    {
        var values = new List<float>(Logits);
        for (float v = -40f; v <= 40f; v += 0.0137f) values.Add(v);
        foreach (float target in new[] { 0f, 0.3f, 1f })
            foreach (float x in values)
            {
                var sigmoid = new float[1];
                double loss = BceKernel.Forward([x], [target], sigmoid);
                double e = Math.Exp(-Math.Abs((double)x));
                double expectedLoss = Math.Max(x, 0) - (double)x * target + Log1P(e);
                double expectedSigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e);
                // Relative 1e-6 (a few float ulps); absolute 1e-37 where the exact value is below float's normal range.
                Assert.True(Math.Abs(loss - expectedLoss) <= 1e-6 * Math.Abs(expectedLoss) + 1e-37,
                    $"ℓ({x}, {target}) = {loss}, expected {expectedLoss}");
                Assert.True(Math.Abs(sigmoid[0] - expectedSigmoid) <= 1e-6 * expectedSigmoid + 1e-37,
                    $"σ({x}) = {sigmoid[0]}, expected {expectedSigmoid}");
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(100_389)]
    public void Terms_AreTheForwardsValues_OnAnyThreadCount(int n)
    {
        float[] x = new float[n], t = new float[n];
        var rng = new RandomGenerator(6);
        rng.FillNormal(x);
        for (int i = 0; i < n; i++) x[i] *= 8f;
        rng.FillUniform(t, 0f, 1f);
        int saved = EngineSettings.Threads;
        try
        {
            var terms = new float[2][];
            for (int threads = 1; threads <= 2; threads++)
            {
                EngineSettings.Threads = threads;
                terms[threads - 1] = new float[n];
                BceKernel.Terms(x, t, terms[threads - 1]);
            }
            Assert.Equal(terms[0], terms[1]);
            for (int i = 0; i < n; i += Math.Max(1, n / 500))
            {
                double single = BceKernel.Forward([x[i]], [t[i]], default);   // the same lane arithmetic, one value
                Assert.Equal((float)single, terms[0][i]);
                double e = Math.Exp(-Math.Abs((double)x[i]));
                double expected = Math.Max(x[i], 0) - (double)x[i] * t[i] + Log1P(e);
                // Float rounding of max(x, 0) and x·t (a few ulps of |x|) bounds the error where they cancel.
                Assert.True(Math.Abs(terms[0][i] - expected) <= 1e-6 * (Math.Abs(expected) + Math.Abs(x[i])) + 1e-30, $"ℓ({x[i]}, {t[i]}) = {terms[0][i]}, expected {expected}");
            }
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
    }

    // log(1 + e) accurate for tiny e too (Goldberg's correction; 1 + e alone loses e's low digits).
    private static double Log1P(double e)
    {
        double u = 1 + e;
        return u == 1 ? e : Math.Log(u) * e / (u - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(100_352)]
    [InlineData(100_389)]
    public void Sum_IsTheSameForAnyThreadCount_AndMatchesDoublePrecision(int n)
    {
        float[] x = new float[n], t = new float[n];
        var rng = new RandomGenerator(5);
        rng.FillNormal(x);
        for (int i = 0; i < n; i++) x[i] *= 6f;
        rng.FillUniform(t, 0f, 1f);
        int saved = EngineSettings.Threads;
        try
        {
            EngineSettings.Threads = 1;
            double one = BceKernel.Forward(x, t, default);
            EngineSettings.Threads = 2;
            double two = BceKernel.Forward(x, t, default);
            Assert.Equal(one, two);
            double expected = 0;
            for (int i = 0; i < n; i++) expected += Math.Max(x[i], 0) - (double)x[i] * t[i] + Log1P(Math.Exp(-Math.Abs((double)x[i])));
            Assert.True(Math.Abs(one - expected) <= 1e-6 * expected, $"sum {one}, expected {expected}");
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(100_389)]
    public void Backward_MatchesTheScalarFormula_BitForBit(int n)
    {
        float[] s = new float[n], t = new float[n], g = new float[n];
        var rng = new RandomGenerator(6);
        rng.FillUniform(s, 0f, 1f);
        rng.FillUniform(t, 0f, 1f);
        rng.FillNormal(g);
        var expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = g[i] + 0.25f * (s[i] - t[i]);
        BceKernel.Backward(s, t, 0.25f, g);
        for (int i = 0; i < n; i++) Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(g[i]));
    }
}
