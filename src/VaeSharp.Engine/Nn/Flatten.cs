using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Flattens all dimensions after the batch dimension: (N, ...) → (N, prod(...)).</summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Flatten(input, 1);
}
