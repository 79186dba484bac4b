using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

// A layer whose op can apply an element-wise activation in the same pass (Linear, Conv2d, ConvTranspose2d).
// Sequential uses it to run "layer, activation layer" as one fused op: same values and gradients, one
// pass fewer over the output each way, and the activation keeps its own index in the state_dict names.
internal interface IFusesActivation
{
    /// <summary>The activation the layer already applies (fusion needs <see cref="Activation.None"/>).</summary>
    Activation Activation { get; }

    /// <summary>The layer's output with <paramref name="activation"/> applied in place of its own.</summary>
    Tensor Forward(Tensor input, Activation activation);
}
