using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// Nearest-neighbour upsampling of (N, C, H, W) images by an integer factor — PyTorch's
/// <c>nn.Upsample(scale_factor=s, mode='nearest')</c>; other modes are not provided.
/// </summary>
public sealed class Upsample : Layer
{
    /// <summary>Creates the layer with integer factor <paramref name="scaleFactor"/> in both directions.</summary>
    public Upsample(int scaleFactor = 2)
    {
        if (scaleFactor < 1) throw new ArgumentOutOfRangeException(nameof(scaleFactor), scaleFactor, "Upsample: scaleFactor must be at least 1.");
        ScaleFactor = scaleFactor;
    }

    /// <summary>Integer factor s: (N, C, H, W) → (N, C, s·H, s·W).</summary>
    public int ScaleFactor { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.UpsampleNearest2d(input, ScaleFactor);
}
