using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Explorer;

/// <summary>Codes from the model's prior p(z) (N(0, I) for the VAE families): the same draws as
/// <see cref="Models.LatentVariableModel.Generate"/> and <c>vae sample</c> make from the same generator.</summary>
/// <param name="model">The model whose prior is sampled.</param>
public sealed class PriorSampler(LatentVariableModel model) : ILatentSampler
{
    /// <inheritdoc />
    public string Name => "prior";

    /// <inheritdoc />
    public string Description => "the prior p(z) = N(0, I)";

    /// <inheritdoc />
    public float[] Sample(int count, RandomGenerator rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using (TensorScope.Begin()) return model.Prior.Sample(rng, count, model.LatentDim).ToArray();
    }
}
