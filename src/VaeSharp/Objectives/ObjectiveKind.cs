using System.Text.Json.Serialization;

namespace VaeSharp.Objectives;

/// <summary>What a run minimises (config.json and command-line names in brackets).</summary>
public enum ObjectiveKind
{
    /// <summary>The model family's own loss: for the VAE the −ELBO with its KL controls ("elbo").</summary>
    Elbo,
    /// <summary>The importance-weighted bound −L_k (Burda et al. 2016) ("iwae").</summary>
    Iwae,
    /// <summary>β-TCVAE (Chen et al. 2018): the KL split into index-code MI, total correlation and dimension-wise KL,
    /// weighted α, β, γ ("beta-tcvae").</summary>
    [JsonStringEnumMemberName("beta-tcvae")] BetaTcvae,
    /// <summary>FactorVAE (Kim &amp; Mnih 2018): the ELBO plus γ times a discriminator's estimate of the total correlation ("factor-vae").</summary>
    [JsonStringEnumMemberName("factor-vae")] FactorVae,
    /// <summary>DIP-VAE-I (Kumar et al. 2018): the ELBO plus a penalty on Cov[μ(x)] ("dip-vae-1").</summary>
    [JsonStringEnumMemberName("dip-vae-1")] DipVae1,
    /// <summary>DIP-VAE-II (Kumar et al. 2018): the ELBO plus a penalty on Cov_q(z) ("dip-vae-2").</summary>
    [JsonStringEnumMemberName("dip-vae-2")] DipVae2,
}
