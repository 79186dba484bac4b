using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>A parameter-free element-wise activation as a layer.</summary>
public sealed class ActivationLayer : Layer
{
    private readonly Func<Tensor, Tensor> _fn;

    private ActivationLayer(string name, Func<Tensor, Tensor> fn, Activation? fusable = null, float? alpha = null)
    {
        Name = name;
        _fn = fn;
        Fusable = fusable;
        Alpha = alpha;
    }

    /// <summary>Name of the function ("relu", "tanh", ...).</summary>
    public string Name { get; }

    /// <summary>The function's constant: the negative slope of leaky_relu, α of elu; null for the others.</summary>
    public float? Alpha { get; }

    // The same function as a fused activation, for Sequential to hand to the layer before it; null if there is none.
    internal Activation? Fusable { get; }

    /// <summary>max(x, 0).</summary>
    public static ActivationLayer Relu() => new("relu", Ops.Relu, Activation.Relu);
    /// <summary>Leaky ReLU.</summary>
    public static ActivationLayer LeakyRelu(float slope = 0.01f) => new("leaky_relu", x => Ops.LeakyRelu(x, slope), alpha: slope);
    /// <summary>ELU.</summary>
    public static ActivationLayer Elu(float alpha = 1f) => new("elu", x => Ops.Elu(x, alpha), alpha: alpha);
    /// <summary>GELU (exact).</summary>
    public static ActivationLayer Gelu() => new("gelu", Ops.Gelu);
    /// <summary>SiLU / swish.</summary>
    public static ActivationLayer Silu() => new("silu", Ops.Silu);
    /// <summary>Softplus.</summary>
    public static ActivationLayer Softplus() => new("softplus", Ops.Softplus);
    /// <summary>Sigmoid.</summary>
    public static ActivationLayer Sigmoid() => new("sigmoid", Ops.Sigmoid, Activation.Sigmoid);
    /// <summary>Tanh.</summary>
    public static ActivationLayer Tanh() => new("tanh", Ops.Tanh, Activation.Tanh);

    /// <summary>The activation named <paramref name="name"/> (relu, leaky_relu, elu, gelu, silu, softplus, sigmoid, tanh).</summary>
    public static ActivationLayer FromName(string name) => name.ToLowerInvariant() switch
    {
        "relu" => Relu(),
        "leaky_relu" or "leakyrelu" => LeakyRelu(),
        "elu" => Elu(),
        "gelu" => Gelu(),
        "silu" or "swish" => Silu(),
        "softplus" => Softplus(),
        "sigmoid" => Sigmoid(),
        "tanh" => Tanh(),
        _ => throw new ArgumentException($"Unknown activation '{name}'; expected relu, leaky_relu, elu, gelu, silu, softplus, sigmoid or tanh.", nameof(name)),
    };

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => _fn(input);
}
