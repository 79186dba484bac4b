using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Mean over non-overlapping k×k windows of (N, C, H, W) images (stride k) — PyTorch's <c>nn.AvgPool2d(k)</c>.</summary>
public sealed class AvgPool2d : Layer
{
    /// <summary>Creates the layer with window and stride <paramref name="kernelSize"/>.</summary>
    public AvgPool2d(int kernelSize = 2)
    {
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "AvgPool2d: kernelSize must be at least 1.");
        KernelSize = kernelSize;
    }

    /// <summary>Window size and stride k.</summary>
    public int KernelSize { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.AvgPool2d(input, KernelSize);
}
