using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// y = act(x·Wᵀ + b) with W of shape (Out, In) and b of shape (Out) — PyTorch's <c>nn.Linear</c>,
/// same names (<c>weight</c>, <c>bias</c>) and same default initialisation; an optional fused activation.
/// </summary>
public sealed class Linear : Layer, IFusesActivation
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, RandomGenerator rng, bool bias = true, Activation activation = Activation.None)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear({inFeatures}, {outFeatures}): sizes must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Activation = activation;
        Weight = RegisterParameter("weight", Init.KaimingUniformDefault(rng, inFeatures, outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", Init.BiasDefault(rng, inFeatures, outFeatures));
    }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>The fused activation applied after the affine map.</summary>
    public Activation Activation { get; }

    /// <summary>Weight, shape (Out, In).</summary>
    public Tensor Weight { get; }

    /// <summary>Bias, shape (Out), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Linear(input, Weight, Bias, Activation);

    Tensor IFusesActivation.Forward(Tensor input, Activation activation) => Ops.Linear(input, Weight, Bias, activation);
}
