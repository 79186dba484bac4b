namespace VaeSharp.Models;

/// <summary>
/// The registry of model families: config.json's <c>family</c> names, the JSON polymorphism of <see cref="ModelConfig"/>
/// and the factory all read this one list. Adding a family is its file plus one line here.
/// </summary>
public static class ModelFamilies
{
    /// <summary>Every family, in help order.</summary>
    public static IReadOnlyList<ModelFamily> All { get; } =
    [
        ModelFamily.Of<VaeConfig>("vae", "VAE and β-VAE (Kingma & Welling 2014; Higgins et al. 2017)", c => new Vae(c), s => s.Apply(new VaeConfig { Beta = s.Beta })),
        ModelFamily.Of<ConditionalVaeConfig>("cvae", "conditional VAE on the data's labels (Sohn et al. 2015)", c => new ConditionalVae(c),
            s => s.Apply(new ConditionalVaeConfig { Beta = s.Beta, ClassCount = s.ClassCount > 0 ? s.ClassCount : throw new ArgumentException("family cvae: the data set has no labels to condition on.") })),
        ModelFamily.Of<VqVaeConfig>("vq-vae", "VQ-VAE, a grid of discrete codes (van den Oord et al. 2017)", c => new VqVae(c),
            s => s.Apply(new VqVaeConfig()) with { Network = s.Network with { Body = Networks.NetworkBody.Conv, Hidden = [] } }),
        ModelFamily.Of<HierarchicalVaeConfig>("iwae-2layer", "the IWAE paper's VAE with two stochastic layers, z 100-50 (Burda et al. 2016); --latent-sizes for others", c => new HierarchicalVae(c), s => HierarchicalConfig.Configure(s, new HierarchicalVaeConfig())),
        ModelFamily.Of<LadderVaeConfig>("ladder-vae", "Ladder VAE, z 64-32-16-8-4 with precision-weighted top-down inference (Sønderby et al. 2016); --latent-sizes for others", c => new LadderVae(c), s => HierarchicalConfig.Configure(s, new LadderVaeConfig())),
    ];

    /// <summary>The family names.</summary>
    public static IEnumerable<string> Names => All.Select(f => f.Name);

    /// <summary>The family named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such family; the message lists the known ones.</exception>
    public static ModelFamily Find(string name) => All.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"family '{name}': expected one of {string.Join(", ", Names)}.");

    /// <summary>The family of <paramref name="config"/>.</summary>
    public static ModelFamily For(ModelConfig config) => All.FirstOrDefault(f => f.ConfigType == config.GetType())
        ?? throw new ArgumentException($"{config.GetType().Name} is not a registered model family.");

    /// <summary>Builds the model <paramref name="config"/> describes (initial weights from its seed).</summary>
    public static LatentVariableModel Create(ModelConfig config) => For(config).Build(config);
}
