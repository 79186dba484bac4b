using VaeSharp.Engine.Random;
using VaeSharp.Evaluation;

namespace VaeSharp.Tests.Evaluation;

public class PrecisionRecallTests
{
    private static float[] Normal2D(int n, ulong seed, float shift = 0f)
    {
        var rng = new RandomGenerator(seed);
        var x = new float[n * 2];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextNormal() + shift;
        return x;
    }

    [Fact]
    public void TheSameDistribution_HasHighPrecisionAndRecall()
    {
        var (p, r) = PrecisionRecall.Compute(Normal2D(1000, 1), 1000, Normal2D(1000, 2), 1000, 2);
        Assert.InRange(p, 0.9, 1);
        Assert.InRange(r, 0.9, 1);
        var real = Normal2D(300, 3);
        Assert.Equal((1.0, 1.0), PrecisionRecall.Compute(real, 300, real, 300, 2));
    }

    [Fact]
    public void ADistantSet_HasNoPrecisionAndNoRecall()
    {
        var (p, r) = PrecisionRecall.Compute(Normal2D(500, 1), 500, Normal2D(500, 2, shift: 50f), 500, 2);
        Assert.Equal(0, p);
        Assert.Equal(0, r);
    }

    [Fact]
    public void DroppedModes_KeepPrecision_AndLoseRecall()
    {
        // Real: two clusters; generated: only the first one.
        var real = Normal2D(1000, 1);
        for (int i = 500; i < 1000; i++) real[2 * i] += 20f;
        var generated = Normal2D(1000, 2);
        var (p, r) = PrecisionRecall.Compute(real, 1000, generated, 1000, 2);
        Assert.InRange(p, 0.9, 1);
        Assert.InRange(r, 0.4, 0.55);
    }

    [Fact]
    public void KthNeighbourDistance_IsTheKthSmallestOtherDistance()
    {
        float[] line = [0f, 1f, 3f, 7f];   // 1-D points
        var radii = PrecisionRecall.KthNeighbourDistances(line, 4, 1, k: 2);
        // The second-nearest other point: 0 → 3 (others at 1, 3, 7), 1 → 3 (1, 2, 6), 3 → 0 (2, 3, 4), 7 → 1 (4, 6, 7); squared.
        Assert.Equal([9f, 4f, 9f, 36f], radii);
    }
}
