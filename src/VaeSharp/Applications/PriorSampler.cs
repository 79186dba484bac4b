using VaeSharp.Engine.Random;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>Codes from the model's prior p(z): the same draws as <see cref="LatentVariableModel.Generate"/> makes.</summary>
public sealed class PriorSampler(LatentVariableModel model) : LatentSampler
{
    private readonly LatentVariableModel _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc />
    public override SamplerKind Kind => SamplerKind.Normal;

    /// <inheritdoc />
    public override int LatentDim => _model.LatentDim;

    /// <inheritdoc />
    public override string Description => "prior " + _model.Prior.Description;

    /// <inheritdoc />
    public override float[] Sample(RandomGenerator rng, int count) => _model.Prior.Sample(rng, count, LatentDim).ToArray();
}
