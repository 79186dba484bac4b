using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Maximum over non-overlapping k×k windows of (N, C, H, W) images (stride k) — PyTorch's <c>nn.MaxPool2d(k)</c>.</summary>
public sealed class MaxPool2d : Layer
{
    /// <summary>Creates the layer with window and stride <paramref name="kernelSize"/>.</summary>
    public MaxPool2d(int kernelSize = 2)
    {
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "MaxPool2d: kernelSize must be at least 1.");
        KernelSize = kernelSize;
    }

    /// <summary>Window size and stride k.</summary>
    public int KernelSize { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.MaxPool2d(input, KernelSize);
}
