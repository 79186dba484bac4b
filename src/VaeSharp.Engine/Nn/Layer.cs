using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>A module with one input and one output, the unit <see cref="Sequential"/> chains.</summary>
public abstract class Layer : Module
{
    /// <summary>Computes the layer's output.</summary>
    public abstract Tensor Forward(Tensor input);
}
