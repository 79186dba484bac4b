using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Reshapes (N, prod(shape)) → (N, shape...), e.g. a decoder's dense output to (N, C, H, W).</summary>
public sealed class Unflatten : Layer
{
    private readonly int[] _shape;

    /// <summary>Creates the layer for per-example shape <paramref name="shape"/>.</summary>
    public Unflatten(params int[] shape) => _shape = (int[])shape.Clone();

    /// <summary>The per-example shape the input is reshaped to.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var s = new int[_shape.Length + 1];
        s[0] = input.Shape[0];
        _shape.CopyTo(s, 1);
        return Ops.Reshape(input, s);
    }
}
