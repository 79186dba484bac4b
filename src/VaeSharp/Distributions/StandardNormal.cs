using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>p(z) = N(0, I): log p(z) = −½ Σ_j (z_j² + log 2π); the KL from a diagonal Gaussian is analytic.</summary>
public sealed class StandardNormal : Prior
{
    /// <summary>The one instance (it has no parameters).</summary>
    public static StandardNormal Instance { get; } = new();

    private StandardNormal() { }

    /// <inheritdoc />
    public override string Description => "N(0, I)";

    /// <inheritdoc />
    public override Tensor Sample(RandomGenerator rng, int count, int dim) => Tensor.Normal(rng, 0f, 1f, count, dim);

    /// <inheritdoc />
    public override Tensor LogProb(Tensor z) => Ops.Sum(Ops.Square(z), 1) * -0.5f - z.Shape[1] * DiagonalGaussian.HalfLog2Pi;

    /// <inheritdoc />
    public override Tensor Kl(LatentDistribution posterior, Reduction reduction) => posterior switch
    {
        DiagonalGaussian q => q.KlToStandardNormal(reduction),
        _ => throw new NotSupportedException($"No closed-form KL from a {posterior.GetType().Name} to N(0, I)."),
    };
}
