using System.Text.Json.Serialization;
using VaeSharp.Distributions;
using VaeSharp.Networks;

namespace VaeSharp.Models;

/// <summary>
/// Everything needed to rebuild a model (the "model" part of a run's config.json). Each family derives its own
/// record; the JSON carries a <c>family</c> discriminator (see <see cref="ModelFamilies"/>), and
/// <see cref="ModelFamilies.Create"/> rebuilds the model from it.
/// </summary>
public abstract record ModelConfig
{
    /// <summary>Shape of one input example, e.g. [1, 28, 28].</summary>
    public int[] InputShape { get; init; } = [1, 28, 28];

    /// <summary>Latent dimension.</summary>
    public int LatentDim { get; init; } = 20;

    /// <summary>The encoder and decoder bodies.</summary>
    public NetworkConfig Network { get; init; } = new();

    /// <summary>p(x | z).</summary>
    public LikelihoodKind Likelihood { get; init; } = LikelihoodKind.Bernoulli;

    /// <summary>The table likelihood's blocks, one per column in example order (<see cref="LikelihoodKind.Table"/> only; null otherwise).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LikelihoodBlock>? TableBlocks { get; init; }

    /// <summary>σ of a Gaussian likelihood (fixed, or the starting value when learned).</summary>
    public float GaussianStd { get; init; } = 0.1f;

    /// <summary>Seed for the initial weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The most values one example may have (2^24: a 3×2048×2048 image fits).</summary>
    public const int MaxInputSize = 1 << 24;

    /// <summary>The most weights a model may have (2^28, 1 GiB of float32 before gradients and optimiser state); a
    /// configuration asking for more is refused before anything is allocated.</summary>
    public const long MaxWeights = 1L << 28;

    /// <summary>Number of input values per example.</summary>
    [JsonIgnore]
    public int InputSize => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Values of the condition joined to the encoder's and decoder's dense input (0 for an unconditional family).</summary>
    protected virtual int ConditionWidth => 0;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public virtual void Validate()
    {
        if (InputShape is null || InputShape.Length == 0 || InputShape.Any(d => d <= 0)) throw new ArgumentException($"input_shape [{string.Join(", ", InputShape ?? [])}]: expected positive dimensions.");
        long inputSize = InputShape.Aggregate(1L, (a, b) => Math.Min(a * b, (long)MaxInputSize + 1));
        if (inputSize > MaxInputSize) throw new ArgumentException($"input_shape [{string.Join(", ", InputShape)}]: more than {MaxInputSize} values per example.");
        if (LatentDim <= 0) throw new ArgumentException($"latent_dim {LatentDim}: expected a positive integer.");
        if (Network is null) throw new ArgumentException("network: missing.");
        Network.Validate(InputShape);
        long weights = Network.WeightCount(InputShape, LatentDim, ConditionWidth);
        if (weights > MaxWeights)
            throw new ArgumentException($"network.hidden [{string.Join(", ", Network.Hidden)}]{(Network.Body == NetworkBody.Conv ? $", network.channels [{string.Join(", ", Network.Channels)}]" : "")}, latent_dim {LatentDim}: " +
                $"the model would have {(weights == long.MaxValue ? "more than 2^63" : weights)} weights, more than {MaxWeights} (1 GiB of float32).");
        if (!Enum.IsDefined(Likelihood)) throw new ArgumentException($"likelihood {Likelihood}: expected bernoulli, gaussian, gaussian-learned or table.");
        if (Likelihood == LikelihoodKind.Table)
        {
            if (TableBlocks is null || TableBlocks.Count == 0) throw new ArgumentException("likelihood table: table_blocks missing; a table model lists one block per column.");
            foreach (var b in TableBlocks)
                if (b is null || !Enum.IsDefined(b.Kind) || b.Width < 1 || (b.Kind != LikelihoodBlockKind.Categorical && b.Width != 1))
                    throw new ArgumentException($"table_blocks: {(b is null ? "a null block" : $"a {b.Kind} block of width {b.Width}")}; expected gaussian or bernoulli of width 1, or categorical of width K ≥ 1.");
            long width = TableBlocks.Sum(b => (long)b.Width);
            if (InputShape.Length != 1 || width != InputShape[0])
                throw new ArgumentException($"table_blocks: {width} values in all; input_shape [{string.Join(", ", InputShape)}] must be [{width}] for a table.");
        }
        else if (TableBlocks is not null) throw new ArgumentException($"table_blocks: only the table likelihood has blocks; this model's is {Likelihood}.");
        if (!(GaussianStd > 0f) || !float.IsFinite(GaussianStd)) throw new ArgumentException($"gaussian_std {GaussianStd}: expected a positive value.");
    }

    /// <summary>Checks that β is finite and ≥ 0 (for the families that weight a KL term).</summary>
    protected static void ValidateBeta(float beta)
    {
        if (!(beta >= 0f) || float.IsInfinity(beta)) throw new ArgumentException($"beta {beta}: expected a finite value ≥ 0.");
    }
}
