namespace VaeSharp.Models;

/// <summary>A family configuration whose loss weights a KL term by β (1 = the ELBO, &gt; 1 the β-VAE of Higgins et al. 2017).</summary>
public interface IKlWeighted
{
    /// <summary>β.</summary>
    float Beta { get; }
}
