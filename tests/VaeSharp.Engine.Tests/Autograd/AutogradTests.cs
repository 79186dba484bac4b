using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Autograd;

public class AutogradTests
{
    [Fact]
    public void Backward_AccumulatesAcrossCalls()
    {
        var x = Tensor.FromArray([2f], 1);
        x.RequiresGrad = true;
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(8f, x.Grad!.Data[0]);
        x.ZeroGrad();
        Assert.Equal(0f, x.Grad!.Data[0]);
    }

    [Fact]
    public void Backward_RequiresScalar_AndAGradPath()
    {
        var x = Tensor.Ones(2, 2);
        x.RequiresGrad = true;
        Assert.Contains("scalar", Assert.Throws<InvalidOperationException>(() => (x * 2f).Backward()).Message);
        Assert.Contains("RequiresGrad", Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2).Sum().Backward()).Message);
    }

    [Fact]
    public void NoGrad_RecordsNothing()
    {
        var x = Tensor.Ones(3);
        x.RequiresGrad = true;
        Tensor y;
        using (GradMode.NoGrad()) y = Ops.Exp(x);
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Detach_StopsGradient_ButSharesValues()
    {
        var x = Tensor.FromArray([3f], 1);
        x.RequiresGrad = true;
        var d = (x * 2f).Detach();
        Assert.False(d.RequiresGrad);
        (x * d).Sum().Backward();
        Assert.Equal(6f, x.Grad!.Data[0]); // d is a constant 6
    }

    [Fact]
    public void GradientsFlowToInputs_ForImputation()
    {
        // d/dx Σ (x − t)² = 2(x − t): inputs, not only parameters, receive gradients.
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        Ops.MseLoss(x, Tensor.FromArray([0f, 4f], 2), Reduction.Sum).Backward();
        Assert.Equal([2f, -4f], x.Grad!.ToArray());
    }

    [Fact]
    public void DeepChain_DoesNotOverflowTheStack()
    {
        var x = Tensor.FromArray([1f], 1);
        x.RequiresGrad = true;
        var y = x;
        for (int i = 0; i < 20_000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Data[0]);
    }

    [Fact]
    public void Scope_ReleasesTemporaries_AndReusesTheirStorage()
    {
        var x = Tensor.Ones(4, 4);
        x.RequiresGrad = true;
        Tensor inside;
        float[] storage;
        using (TensorScope.Begin())
        {
            inside = Ops.Exp(x);
            storage = inside.Storage;
            inside.Sum().Backward();
        }
        Assert.Throws<ObjectDisposedException>(() => inside.Data[0]);
        Assert.NotNull(x.Grad);                  // a leaf created outside keeps its gradient
        Assert.Equal(MathF.E, x.Grad!.Data[0], 5);
        using (TensorScope.Begin())
        {
            Assert.Same(storage, Ops.Exp(x).Storage); // served from the pool
        }
    }

    [Fact]
    public void ToString_ShowsShapeAndFirstValues()
    {
        var s = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2, 5).ToString();
        Assert.StartsWith("Tensor[2, 5] [1, 2, 3", s);
        Assert.EndsWith(", ...]", s);
    }
}
