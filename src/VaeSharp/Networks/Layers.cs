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

    // depth dense layers of width, each Linear → (BatchNorm1d) → activation: a deterministic block of the hierarchical families.
    public static Sequential Block(int inF, int width, int depth, HiddenActivation activation, bool batchNorm, RandomGenerator rng)
    {
        var seq = new Sequential();
        for (int i = 0; i < depth; i++)
        {
            if (batchNorm)
            {
                seq.Add(new Linear(i == 0 ? inF : width, width, rng));
                seq.Add(new BatchNorm1d(width));
                seq.Add(Create(activation));
            }
            else AddDense(seq, i == 0 ? inF : width, width, activation, rng);
        }
        return seq;
    }

    public static void AddDense(Sequential seq, int inF, int outF, HiddenActivation activation, RandomGenerator rng)
    {
        var fused = Fused(activation);
        seq.Add(new Linear(inF, outF, rng, activation: fused ?? Activation.None));
        if (fused is null) seq.Add(Create(activation));
    }
}
