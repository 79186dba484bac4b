using VaeSharp.Engine.Optim;
using static VaeSharp.Engine.Tests.Optim.OptimTestData;

namespace VaeSharp.Engine.Tests.Optim;

public class GradientClippingTests
{
    [Fact]
    public void ClipNorm_ScalesByMaxOverNormPlusEpsilon_AndReturnsTheNormBefore()
    {
        var buffer = Buffer(2);
        buffer.Gradients[0] = 3f;
        buffer.Gradients[1] = -4f;
        Assert.Equal(5f, GradientClipping.ClipNorm(buffer, 1f));
        double scale = 1.0 / (5.0 + 1e-6); // torch: clip_coef = max_norm / (total_norm + 1e-6)
        Assert.Equal(3 * scale, buffer.Gradients[0], 1e-7);
        Assert.Equal(-4 * scale, buffer.Gradients[1], 1e-7);
    }

    [Fact]
    public void ClipNorm_LeavesGradientsBelowTheBoundUntouched()
    {
        var buffer = Buffer(1003);
        Gradients(1, 1003, 0.01f)[0].CopyTo(buffer.Gradients);
        var before = buffer.Gradients.ToArray();
        double expected = Math.Sqrt(before.Sum(g => (double)g * g));
        Assert.Equal(expected, GradientClipping.ClipNorm(buffer, 10f), expected * 1e-6);
        Assert.Equal(before, buffer.Gradients.ToArray());
    }

    [Fact]
    public void ClipNorm_OnALargeBuffer_ReachesMaxNorm()
    {
        var buffer = Buffer(1003); // 125 vector blocks and a remainder of 3
        Gradients(1, 1003)[0].CopyTo(buffer.Gradients);
        float norm = GradientClipping.ClipNorm(buffer, 2f);
        Assert.InRange(norm, 28f, 36f); // ≈ √1003 for N(0, 1) gradients
        double after = Math.Sqrt(buffer.Gradients.ToArray().Sum(g => (double)g * g));
        Assert.Equal(2.0 * norm / (norm + 1e-6), after, 1e-5);
    }

    [Fact]
    public void ClipValue_ClampsEachGradient()
    {
        var buffer = Buffer(5);
        float[] g = [-3f, -0.5f, 0f, 0.25f, 7f];
        g.CopyTo(buffer.Gradients);
        GradientClipping.ClipValue(buffer, 0.5f);
        Assert.Equal([-0.5f, -0.5f, 0f, 0.25f, 0.5f], buffer.Gradients.ToArray());
    }

    [Fact]
    public void Clipping_RejectsNegativeBounds()
    {
        var buffer = Buffer(2);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipNorm(buffer, -1f)).ParamName);
        Assert.Equal("clipValue", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipValue(buffer, float.NaN)).ParamName);
    }
}
