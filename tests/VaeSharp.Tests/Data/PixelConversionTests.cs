using VaeSharp.Data;

namespace VaeSharp.Tests.Data;

// The vectorised byte → [0, 1] conversion every image set uses gives exactly the scalar v · (1/255).
public class PixelConversionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(784)]
    [InlineData(1000)]
    public void ToUnit_IsBitIdenticalToTheScalarProduct(int length)
    {
        var source = new byte[length];
        for (int i = 0; i < length; i++) source[i] = (byte)(i * 37 + 11);
        var fast = new float[length];
        PixelConversion.ToUnit(source, fast);
        for (int i = 0; i < length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(source[i] * (1f / 255f)), BitConverter.SingleToInt32Bits(fast[i]));
    }

    [Fact]
    public void ToUnit_EveryByteValue()
    {
        var source = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        var fast = new float[256];
        PixelConversion.ToUnit(source, fast);
        Assert.Equal(0f, fast[0]);
        Assert.Equal(1f, fast[255]);
        for (int v = 0; v < 256; v++) Assert.Equal(v * (1f / 255f), fast[v]);
    }
}
