namespace VaeSharp.Distributions;

/// <summary>The decoder's distribution p(x | z) (config.json and command-line names in brackets).</summary>
public enum LikelihoodKind
{
    /// <summary>Bernoulli per value, the decoder gives logits ("bernoulli").</summary>
    Bernoulli,
    /// <summary>Gaussian with one fixed σ ("gaussian").</summary>
    Gaussian,
    /// <summary>Gaussian with one learned σ, the σ-VAE ("gaussian-learned").</summary>
    GaussianLearned,
    /// <summary>A table's mixed likelihood, one block per column: Gaussian (learned σ per column), Bernoulli or categorical ("table").</summary>
    Table,
}
