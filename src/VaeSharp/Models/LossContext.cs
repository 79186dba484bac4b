using VaeSharp.Engine.Random;
using VaeSharp.Objectives;

namespace VaeSharp.Models;

/// <summary>What a model's loss needs besides the batch: the generator for its noise (passed explicitly, so
/// training, evaluation and the applications each draw from their own stream) and the KL controls of this step.</summary>
/// <param name="Noise">Source of ε and any other draw the loss makes.</param>
/// <param name="Kl">The KL controls; <see cref="KlControl.None"/> for evaluation.</param>
public sealed record LossContext(RandomGenerator Noise, KlControl Kl)
{
    /// <summary>Plain loss (no KL controls) with noise from <paramref name="noise"/>.</summary>
    public static LossContext Plain(RandomGenerator noise) => new(noise, KlControl.None);
}
