using VaeSharp.Applications;

namespace VaeSharp.Tests.Applications;

public class LatentPathTests
{
    [Theory]
    [InlineData(InterpolationMode.Lerp)]
    [InlineData(InterpolationMode.Slerp)]
    public void Between_StartsAndEndsAtTheCodes_BitForBit(InterpolationMode mode)
    {
        float[] a = [0.3f, -1.7f, 2.2f], b = [-0.9f, 0.1f, 1.3f];
        var path = LatentPath.Between(a, b, 7, mode);
        Assert.Equal(a, path[..3]);
        Assert.Equal(b, path[^3..]);
    }

    [Fact]
    public void Slerp_KeepsTheNorm_BetweenCodesOfEqualNorm()
    {
        float[] a = [3f, 0f, 0f, 0f], b = [0f, 0f, 3f * MathF.Sqrt(0.5f), -3f * MathF.Sqrt(0.5f)];
        var path = LatentPath.Between(a, b, 11, InterpolationMode.Slerp);
        for (int s = 0; s < 11; s++)
        {
            double norm = Math.Sqrt(path.AsSpan(s * 4, 4).ToArray().Sum(v => (double)v * v));
            Assert.InRange(norm, 3 - 1e-5, 3 + 1e-5);
        }
        // Lerp cuts through the inside: its midpoint is shorter (3/√2).
        var mid = LatentPath.At(a, b, 0.5, InterpolationMode.Lerp);
        Assert.InRange(Math.Sqrt(mid.Sum(v => (double)v * v)), 3 / Math.Sqrt(2) - 1e-5, 3 / Math.Sqrt(2) + 1e-5);
    }

    [Fact]
    public void Slerp_MovesAtConstantAngularSpeed()
    {
        // Unit vectors 90° apart in 2-D: the point at t is at angle t·90°.
        float[] a = [1f, 0f], b = [0f, 1f];
        foreach (var t in new[] { 0.1, 0.25, 0.5, 0.8 })
        {
            var p = LatentPath.At(a, b, t, InterpolationMode.Slerp);
            Assert.Equal(Math.Cos(t * Math.PI / 2), p[0], 5);
            Assert.Equal(Math.Sin(t * Math.PI / 2), p[1], 5);
        }
    }

    [Theory]
    [InlineData(InterpolationMode.Lerp)]
    [InlineData(InterpolationMode.Slerp)]
    public void Paths_AreMonotone_InAKnown2DLatent(InterpolationMode mode)
    {
        // From (2, 0) to (0, 2): the first coordinate only falls, the second only rises.
        var path = LatentPath.Between([2f, 0f], [0f, 2f], 21, mode);
        for (int s = 1; s < 21; s++)
        {
            Assert.True(path[2 * s] < path[2 * (s - 1)], $"x rose at step {s}");
            Assert.True(path[2 * s + 1] > path[2 * (s - 1) + 1], $"y fell at step {s}");
        }
    }

    [Fact]
    public void Slerp_OfParallelCodes_IsTheLine_AndOfOppositeCodes_IsRefused()
    {
        var p = LatentPath.At([1f, 1f], [2f, 2f], 0.5, InterpolationMode.Slerp);
        Assert.Equal(1.5f, p[0], 5);
        var error = Assert.Throws<ArgumentException>(() => LatentPath.At([1f, 0f], [-1f, 0f], 0.5, InterpolationMode.Slerp));
        Assert.Contains("opposite", error.Message);
    }

    [Fact]
    public void BadArguments_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => LatentPath.Between([1f], [1f, 2f], 3, InterpolationMode.Lerp));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentPath.Between([1f], [2f], 1, InterpolationMode.Lerp));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentPath.At([1f], [2f], 1.5, InterpolationMode.Lerp));
        Assert.Throws<ArgumentException>(() => LatentPath.At([float.NaN, 1f], [1f, 2f], 0.5, InterpolationMode.Slerp));
    }
}
