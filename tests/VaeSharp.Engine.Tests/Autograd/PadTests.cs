using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Autograd;

public class PadTests
{
    [Fact]
    public void Pad2d_PlacesTheInputAmongZeros()
    {
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 1, 2, 3);
        var y = Ops.Pad2d(x, top: 1, bottom: 0, left: 2, right: 1);
        Assert.Equal([1, 3, 6], y.Shape.ToArray());
        Assert.Equal([0, 0, 0, 0, 0, 0,
                      0, 0, 1, 2, 3, 0,
                      0, 0, 4, 5, 6, 0], y.ToArray());
    }

    [Fact]
    public void Pad2d_ThenNarrow_ShiftsRowsDown()
    {
        // The PixelCNN's down-shift: row i of the result is row i − 1 of the input, row 0 is zeros.
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 1, 1, 3, 2);
        var y = Ops.Narrow(Ops.Pad2d(x, 1, 0, 0, 0), 2, 0, 3);
        Assert.Equal([0, 0, 1, 2, 3, 4], y.ToArray());
    }

    [Fact] public void Pad2d_Gradient() => GradCheck.Assert([2, 3, 3, 4], x => Ops.Pad2d(x, 2, 1, 0, 3));
    [Fact] public void Pad2d_Gradient_Rank2() => GradCheck.Assert([3, 2], x => Ops.Pad2d(x, 0, 2, 1, 0));

    [Fact]
    public void Pad2d_RefusesNegativeAmountsAndVectors()
    {
        Assert.Contains("≥ 0", Assert.Throws<ArgumentException>(() => Ops.Pad2d(Tensor.Zeros(2, 2), 0, -1, 0, 0)).Message);
        Assert.Contains("rank", Assert.Throws<ArgumentException>(() => Ops.Pad2d(Tensor.Zeros(4), 1, 1, 1, 1)).Message);
    }
}
