using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Networks;

namespace VaeSharp.Models;

/// <summary>
/// The contract every model family implements (PyTorch-VAE's BaseVAE, pythae's BaseAE):
/// <code>
///   Encode(batch)      → q(z | x [, y])           a LatentDistribution
///   Decode(z [, y])    → the parameters of p(x | z [, y]) (N, input shape); DecodeMean gives E[x | z]
///   Prior              → p(z), with Sample and LogProb
///   Generate(n, rng)   → E[x | z], z ~ p(z)
///   Loss(batch, ctx)   → the family's loss as named terms (reconstruction, kl, and whatever it adds)
/// </code>
/// Conditioning travels in the <see cref="Batch"/> (labels) and in Decode's <c>labels</c>; an unconditional model
/// ignores a batch's labels and rejects explicit ones. Randomness is always passed in, never held by the model.
/// </summary>
public abstract class LatentVariableModel : Module
{
    /// <summary>Validates <paramref name="config"/> and keeps it.</summary>
    protected LatentVariableModel(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
    }

    /// <summary>The configuration the model was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>The family's registered name (vae, cvae, ...).</summary>
    public string Family => ModelFamilies.For(Config).Name;

    /// <summary>Shape of one example.</summary>
    public int[] InputShape => Config.InputShape;

    /// <summary>Latent dimension: the width of the codes <see cref="Encode"/> gives and <see cref="Decode"/> takes (the
    /// configuration's <c>latent_dim</c>, unless the family's codes are made of several of those, as a VQ-VAE's grid).</summary>
    public virtual int LatentDim => Config.LatentDim;

    /// <summary>Number of label classes the model is conditioned on; 0 for an unconditional model.</summary>
    public virtual int ClassCount => 0;

    /// <summary>True when every call needs labels.</summary>
    public bool IsConditional => ClassCount > 0;

    /// <summary>p(x | z).</summary>
    public abstract Likelihood Likelihood { get; }

    /// <summary>p(z).</summary>
    public abstract Prior Prior { get; }

    /// <summary>A short human description ("VAE", "β-VAE (β = 4)", "conditional VAE (10 classes)").</summary>
    public abstract string Description { get; }

    /// <summary>The loss terms <see cref="Loss"/> returns, in order (for report headers before the first step).</summary>
    public abstract IReadOnlyList<string> LossTermNames { get; }

    /// <summary>How <see cref="Loss"/>'s total is made of its terms, in words for a run's header, for a family whose loss is not
    /// the ELBO ("Loss = Reconstruction Loss + Codebook Loss + 0.25·Commitment Loss"); null for the ELBO families, whose
    /// description the objective writes from its KL controls.</summary>
    public virtual string? LossFormula => null;

    /// <summary>q(z | x [, y]) for the batch.</summary>
    public abstract LatentDistribution Encode(Batch batch);

    /// <summary>The likelihood's parameters (N, input shape) — logits for a Bernoulli, means for a Gaussian — for codes <paramref name="z"/> (N, D).</summary>
    public abstract Tensor Decode(Tensor z, int[]? labels = null);

    /// <summary>The family's loss of a batch, per example, as named terms.</summary>
    public abstract ModelLoss Loss(Batch batch, LossContext context);

    /// <summary>E[x | z] (N, input shape).</summary>
    public Tensor DecodeMean(Tensor z, int[]? labels = null) => Likelihood.Mean(Decode(z, labels));

    /// <summary><paramref name="count"/> new examples E[x | z], z ~ p(z) drawn from <paramref name="rng"/> (of the given classes for a conditional model).</summary>
    public virtual Tensor Generate(int count, RandomGenerator rng, int[]? labels = null) => DecodeMean(Prior.Sample(rng, count, LatentDim), labels);

    /// <summary>Registers a part's layer stacks under their state-dict names.</summary>
    protected T Register<T>(T part) where T : NetworkPart
    {
        foreach (var (name, module) in part.Modules) RegisterModule(name, module);
        return part;
    }

    /// <summary>Throws when labels are given to an unconditional model.</summary>
    protected void RejectLabels(int[]? labels)
    {
        if (labels is not null) throw new ArgumentException($"This {Description} is not conditional; do not pass labels.");
    }
}
