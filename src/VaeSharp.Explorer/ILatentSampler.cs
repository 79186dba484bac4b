using VaeSharp.Engine.Random;

namespace VaeSharp.Explorer;

/// <summary>
/// A way to draw latent codes for the page's "sample" button. The explorer serves N(0, I) (<see cref="PriorSampler"/>);
/// other samplers (a mixture fitted to the posterior means, ...) are added by passing them in
/// <see cref="ExplorerSessionOptions.Samplers"/>. A sampler is called under the session's inference gate, one call at a time.
/// </summary>
public interface ILatentSampler
{
    /// <summary>The name the API selects it by (lowercase letters, digits and '-'), e.g. <c>prior</c>.</summary>
    string Name { get; }

    /// <summary>A short description for the page.</summary>
    string Description { get; }

    /// <summary><paramref name="count"/> codes of the model's latent dimension, row-major (count × latent dim), drawn from <paramref name="rng"/>.</summary>
    float[] Sample(int count, RandomGenerator rng);

    /// <summary>True when the codes depend on a class (a conditional model's per-class mixture): the API then needs a label.</summary>
    bool IsClassConditional => false;

    /// <summary>Codes for class <paramref name="label"/>; a sampler that is not class-conditional ignores it.</summary>
    float[] Sample(int count, RandomGenerator rng, int? label) => Sample(count, rng);
}
