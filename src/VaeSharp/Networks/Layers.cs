using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;

namespace VaeSharp.Networks;

// Dense layers with an activation: fused into the Linear where the engine can (relu, tanh, sigmoid), else a
// separate activation layer after it.
internal static class Layers
{
    public static Activation? Fused(HiddenActivation activation) => activation switch
    {
        HiddenActivation.Relu => Activation.Relu,
        HiddenActivation.Tanh => Activation.Tanh,
        HiddenActivation.Sigmoid => Activation.Sigmoid,
        _ => null,
    };

    public static ActivationLayer Create(HiddenActivation activation) => activation switch
    {
        HiddenActivation.Relu => ActivationLayer.Relu(),
        HiddenActivation.Tanh => ActivationLayer.Tanh(),
        HiddenActivation.Sigmoid => ActivationLayer.Sigmoid(),
        HiddenActivation.LeakyRelu => ActivationLayer.LeakyRelu(),
        HiddenActivation.Elu => ActivationLayer.Elu(),
        HiddenActivation.Gelu => ActivationLayer.Gelu(),
        HiddenActivation.Silu => ActivationLayer.Silu(),
        HiddenActivation.Softplus => ActivationLayer.Softplus(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    public static void AddDense(Sequential seq, int inF, int outF, HiddenActivation activation, RandomGenerator rng)
    {
        var fused = Fused(activation);
        seq.Add(new Linear(inF, outF, rng, activation: fused ?? Activation.None));
        if (fused is null) seq.Add(Create(activation));
    }
}
