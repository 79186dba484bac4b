namespace VaeSharp.Distributions;

/// <summary>The kind of one block of values of a mixed (table) likelihood (config.json names in brackets).</summary>
public enum LikelihoodBlockKind
{
    /// <summary>One value, Gaussian with a learned σ of its own ("gaussian").</summary>
    Gaussian,
    /// <summary>One value, Bernoulli on a logit ("bernoulli").</summary>
    Bernoulli,
    /// <summary>K values, one-hot; categorical on K logits (softmax) ("categorical").</summary>
    Categorical,
}

/// <summary>A run of <paramref name="Width"/> consecutive example values with one distribution: a table column.</summary>
/// <param name="Kind">The distribution.</param>
/// <param name="Width">1 for Gaussian and Bernoulli, K for categorical.</param>
public sealed record LikelihoodBlock(LikelihoodBlockKind Kind, int Width);
