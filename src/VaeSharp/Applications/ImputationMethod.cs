namespace VaeSharp.Applications;

/// <summary>How missing values are filled (CLI names one-pass, pseudo-gibbs, metropolis-gibbs, mean, knn).</summary>
public enum ImputationMethod
{
    /// <summary>One reconstruction: fill with the training mean, x̂ = E[x | z = μ(x_filled)].</summary>
    OnePass,
    /// <summary>Pseudo-Gibbs iterations (Rezende, Mohamed &amp; Wierstra 2014): z ~ q(z | x̂), x̂_miss ← E[x_miss | z].</summary>
    PseudoGibbs,
    /// <summary>Metropolis-within-Gibbs (Mattei &amp; Frellsen 2018): z proposals from q(z | x̂) accepted by the Metropolis–Hastings ratio, missing values drawn from p(x_miss | z).</summary>
    MetropolisGibbs,
    /// <summary>The per-value mean of the training examples (baseline).</summary>
    Mean,
    /// <summary>The mean of the k training examples nearest on the observed values (baseline).</summary>
    Knn,
}
