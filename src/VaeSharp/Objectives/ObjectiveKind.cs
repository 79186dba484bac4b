namespace VaeSharp.Objectives;

/// <summary>What a run minimises (config.json and command-line names in brackets).</summary>
public enum ObjectiveKind
{
    /// <summary>The model family's own loss: for the VAE the −ELBO with its KL controls ("elbo").</summary>
    Elbo,
    /// <summary>The importance-weighted bound −L_k (Burda et al. 2016) ("iwae").</summary>
    Iwae,
}
