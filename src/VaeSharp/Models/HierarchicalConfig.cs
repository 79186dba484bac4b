using VaeSharp.Networks;

namespace VaeSharp.Models;

/// <summary>
/// What the families with several stochastic layers share in their configuration (iwae-2layer, ladder-vae): the
/// layer sizes |z₁|, …, |z_L| (the layer next to the data first), one hidden width per stochastic layer in
/// <c>network.hidden</c> (the deterministic block below z_i, and its mirror above it in the generative model), and
/// the depth of those blocks. <c>latent_dim</c> is Σ_i |z_i|: the code is the layers side by side.
/// </summary>
public abstract record HierarchicalConfig : ModelConfig
{
    /// <summary>|z_i| per stochastic layer, z₁ first.</summary>
    public int[] LatentSizes { get; init; } = [];

    /// <summary>Dense layers in each deterministic block (2 in both papers).</summary>
    public int BlockDepth { get; init; } = 2;

    /// <summary>The most stochastic layers a model may have.</summary>
    public const int MaxLayers = 8;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (LatentSizes is null || LatentSizes.Length == 0 || LatentSizes.Any(s => s <= 0))
            throw new ArgumentException($"latent_sizes [{string.Join(", ", LatentSizes ?? [])}]: expected one positive size per stochastic layer.");
        if (LatentSizes.Length > MaxLayers) throw new ArgumentException($"latent_sizes [{string.Join(", ", LatentSizes)}]: at most {MaxLayers} stochastic layers.");
        long sum = LatentSizes.Sum(s => (long)s);
        if (LatentDim != sum) throw new ArgumentException($"latent_dim {LatentDim}: expected the sum of latent_sizes [{string.Join(", ", LatentSizes)}], {sum}.");
        if (Network.Body != NetworkBody.Mlp) throw new ArgumentException("network.body conv: the hierarchical families are dense; expected mlp.");
        if (Network.Hidden.Length != LatentSizes.Length)
            throw new ArgumentException($"network.hidden [{string.Join(", ", Network.Hidden)}]: expected one width per stochastic layer ({LatentSizes.Length}, for latent_sizes [{string.Join(", ", LatentSizes)}]).");
        if (BlockDepth is < 1 or > 8) throw new ArgumentException($"block_depth {BlockDepth}: expected 1 to 8 dense layers per block.");
        long weights = 0;
        int below = InputSize;
        for (int i = 0; i < LatentSizes.Length; i++)
        {
            long w = Network.Hidden[i];
            // recognition and generative blocks (in, then depth − 1 of width × width), the Gaussian heads on both sides
            weights += 2 * ((below + (BlockDepth - 1) * w) * w + 2 * w * LatentSizes[i]) + (long)w * below;
            below = LatentSizes[i];
        }
        if (weights > MaxWeights) throw new ArgumentException($"network.hidden [{string.Join(", ", Network.Hidden)}], latent_sizes [{string.Join(", ", LatentSizes)}]: about {weights} weights, more than {MaxWeights}.");
    }

    /// <summary><paramref name="defaults"/> (a family's own sizes and widths) with the request's <paramref name="settings"/>:
    /// its latent sizes when given, its hidden widths when given (else the family's, when the layer count matches).</summary>
    internal static T Configure<T>(ModelSettings settings, T defaults) where T : HierarchicalConfig
    {
        var sizes = settings.LatentSizes ?? defaults.LatentSizes;
        int[] hidden = settings.HiddenGiven ? settings.Network.Hidden
            : sizes.Length == defaults.LatentSizes.Length ? defaults.Network.Hidden
            : throw new ArgumentException($"latent_sizes [{string.Join(", ", sizes)}]: give the hidden widths too (--hidden), one per stochastic layer.");
        return settings.Apply(defaults) with { LatentSizes = sizes, LatentDim = sizes.Sum(), Network = settings.Network with { Hidden = hidden } };
    }
}
