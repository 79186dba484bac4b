using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Layers applied in order; their entries are named <c>0.weight</c>, <c>1.bias</c>, ... as in PyTorch.</summary>
/// <remarks>A linear or convolution layer (without an activation of its own) followed by a ReLU, tanh or sigmoid
/// layer runs as one op with the activation fused: the same values and gradients, one pass fewer over the output.</remarks>
public sealed class Sequential : Layer
{
    private readonly List<Layer> _layers = [];

    /// <summary>Chains <paramref name="layers"/>.</summary>
    public Sequential(params Layer[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer.</summary>
    public Sequential Add(Layer layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (i + 1 < _layers.Count && _layers[i] is IFusesActivation { Activation: Activation.None } fusing
                && _layers[i + 1] is ActivationLayer { Fusable: { } activation })
            {
                x = fusing.Forward(x, activation);
                i++;
            }
            else
            {
                x = _layers[i].Forward(x);
            }
        }
        return x;
    }
}
