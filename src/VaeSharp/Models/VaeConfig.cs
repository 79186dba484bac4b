namespace VaeSharp.Models;

/// <summary>
/// Everything needed to rebuild a model (saved as the "model" part of a run's config.json).
/// </summary>
public sealed record VaeConfig
{
    /// <summary>Network family: "mlp" (conv comes with the VAE-family issue).</summary>
    public string Architecture { get; init; } = "mlp";

    /// <summary>Shape of one input example, e.g. [1, 28, 28].</summary>
    public int[] InputShape { get; init; } = [1, 28, 28];

    /// <summary>Hidden layer widths of the encoder; the decoder mirrors them.</summary>
    public int[] Hidden { get; init; } = [400];

    /// <summary>Latent dimension.</summary>
    public int LatentDim { get; init; } = 20;

    /// <summary>Hidden activation: relu or tanh (fused into the linear layers); others run as separate layers.</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>bernoulli, gaussian (fixed σ) or gaussian-learned.</summary>
    public string Likelihood { get; init; } = "bernoulli";

    /// <summary>σ of the Gaussian likelihood (fixed, or the starting value when learned).</summary>
    public float GaussianStd { get; init; } = 0.1f;

    /// <summary>Weight of the KL term: 1 is the VAE, &gt; 1 the β-VAE (Higgins et al. 2017).</summary>
    public float Beta { get; init; } = 1f;

    /// <summary>Seed for the initial weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Number of input values per example.</summary>
    public int InputSize => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate()
    {
        if (Architecture != "mlp") throw new ArgumentException($"architecture '{Architecture}': expected mlp.");
        if (InputShape.Length == 0 || InputShape.Any(d => d <= 0)) throw new ArgumentException($"input_shape [{string.Join(", ", InputShape)}]: expected positive dimensions.");
        if (Hidden.Any(h => h <= 0)) throw new ArgumentException($"hidden [{string.Join(", ", Hidden)}]: expected positive widths.");
        if (LatentDim <= 0) throw new ArgumentException($"latent_dim {LatentDim}: expected a positive integer.");
        if (!(Beta >= 0f) || float.IsInfinity(Beta)) throw new ArgumentException($"beta {Beta}: expected a finite value ≥ 0.");
        if (!(GaussianStd > 0f)) throw new ArgumentException($"gaussian_std {GaussianStd}: expected a positive value.");
        if (Likelihood is not ("bernoulli" or "gaussian" or "gaussian-learned"))
            throw new ArgumentException($"likelihood '{Likelihood}': expected bernoulli, gaussian or gaussian-learned.");
        _ = Engine.Nn.ActivationLayer.FromName(Activation);
    }
}
