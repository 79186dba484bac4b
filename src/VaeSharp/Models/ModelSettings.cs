using VaeSharp.Distributions;
using VaeSharp.Networks;

namespace VaeSharp.Models;

/// <summary>The settings a training request gives every family (each takes what applies to it).</summary>
/// <param name="InputShape">Shape of one example of the training data.</param>
/// <param name="ClassCount">Label classes of the training data (0 without labels).</param>
/// <param name="LatentDim">Latent dimension.</param>
/// <param name="Network">Encoder and decoder bodies.</param>
/// <param name="Likelihood">p(x | z).</param>
/// <param name="GaussianStd">σ of a Gaussian likelihood.</param>
/// <param name="Beta">KL weight, for the families that have one.</param>
/// <param name="Seed">Seed of the initial weights.</param>
/// <param name="LatentSizes">|z_i| per stochastic layer for the hierarchical families (null: the family's own).</param>
/// <param name="HiddenGiven">Whether the request gave the hidden widths (false: the built-in default, so a family with
/// widths of its own uses those).</param>
public sealed record ModelSettings(int[] InputShape, int ClassCount, int LatentDim, NetworkConfig Network,
    LikelihoodKind Likelihood, float GaussianStd, float Beta, ulong Seed, int[]? LatentSizes = null, bool HiddenGiven = true)
{
    /// <summary><paramref name="config"/> with the settings every family shares (input shape, latent dimension, network,
    /// likelihood, seed) taken from these; the family's own fields stay as given.</summary>
    public T Apply<T>(T config) where T : ModelConfig => (T)(config with
    {
        InputShape = InputShape, LatentDim = LatentDim, Network = Network, Likelihood = Likelihood, GaussianStd = GaussianStd, Seed = Seed,
    });
}
