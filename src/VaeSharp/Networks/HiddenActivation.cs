using System.Text.Json.Serialization;

namespace VaeSharp.Networks;

/// <summary>The activation after each hidden layer. relu, tanh and sigmoid are fused into the layer before them.</summary>
public enum HiddenActivation
{
    /// <summary>max(x, 0) ("relu").</summary>
    Relu,
    /// <summary>tanh ("tanh").</summary>
    Tanh,
    /// <summary>σ(x) ("sigmoid").</summary>
    Sigmoid,
    /// <summary>max(x, 0.01·x) ("leaky_relu").</summary>
    [JsonStringEnumMemberName("leaky_relu")] LeakyRelu,
    /// <summary>ELU, α = 1 ("elu").</summary>
    Elu,
    /// <summary>Exact GELU ("gelu").</summary>
    Gelu,
    /// <summary>SiLU / swish ("silu").</summary>
    Silu,
    /// <summary>log(1 + eˣ) ("softplus").</summary>
    Softplus,
}
