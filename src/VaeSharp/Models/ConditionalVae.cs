using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Tensors;
using VaeSharp.Objectives;

namespace VaeSharp.Models;

/// <summary>The conditional VAE's configuration (family <c>cvae</c>).</summary>
public sealed record ConditionalVaeConfig : ModelConfig, IKlWeighted
{
    /// <summary>Number of label classes y takes.</summary>
    public required int ClassCount { get; init; }

    /// <summary>Weight of the KL term.</summary>
    public float Beta { get; init; } = 1f;

    /// <inheritdoc />
    protected override int ConditionWidth => ClassCount;

    /// <inheritdoc />
    public override void Validate()
    {
        if (ClassCount < 1) throw new ArgumentException($"class_count {ClassCount}: a conditional VAE needs the number of classes (≥ 1).");
        base.Validate();
        ValidateBeta(Beta);
    }
}

/// <summary>
/// The conditional VAE — Sohn, Lee &amp; Yan, "Learning Structured Output Representation using Deep Conditional
/// Generative Models", NeurIPS 2015:
/// <code>
///   q(z | x, y) = N(μ(x, y), diag σ²(x, y))     the one-hot y joins the encoder's dense input
///   p(x | z, y)                                 ... and z at the decoder's input;   p(z) = N(0, I)
///   loss = E_q[−log p(x | z, y)] + β · KL(q(z | x, y) ‖ N(0, I))
/// </code>
/// Generation takes the class: <c>Generate(n, rng, labels)</c>. State dict as the VAE's, with wider first dense layers.
/// </summary>
public sealed class ConditionalVae : GaussianVae
{
    /// <summary>Builds the model described by <paramref name="config"/>, initial weights from its seed.</summary>
    public ConditionalVae(ConditionalVaeConfig config) : base(config, conditionWidth: config.ClassCount) => Config = config;

    /// <summary>The configuration the model was built from.</summary>
    public new ConditionalVaeConfig Config { get; }

    /// <inheritdoc />
    public override int ClassCount => Config.ClassCount;

    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"conditional {(Config.Beta == 1f ? "VAE" : $"β-VAE (β = {Config.Beta})")} ({Config.ClassCount} classes)");

    /// <inheritdoc />
    public override DiagonalGaussian Encode(Batch batch) => EncodeWith(batch.X, Conditioning.OneHot(batch.Labels, ClassCount, batch.Count));

    /// <inheritdoc />
    public override Tensor Decode(Tensor z, int[]? labels = null) => DecodeWith(z, Conditioning.OneHot(labels, ClassCount, z.Shape[0]));

    /// <summary>The likelihood's parameters for codes <paramref name="z"/> (N, D) and a condition given as weights over the
    /// classes (N, classes) instead of one-hot labels: a one-hot row is <see cref="Decode"/>'s label, a mix of two rows
    /// moves between two classes with z fixed (the label's embedding, interpolated).</summary>
    /// <exception cref="ArgumentException">The condition is not (N, classes).</exception>
    public Tensor DecodeWithClassWeights(Tensor z, Tensor classWeights)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(classWeights);
        if (classWeights.Shape.Length != 2 || classWeights.Shape[0] != z.Shape[0] || classWeights.Shape[1] != ClassCount)
            throw new ArgumentException($"Class weights of shape [{string.Join(", ", classWeights.Shape.ToArray())}]; expected [{z.Shape[0]}, {ClassCount}].");
        return DecodeWith(z, classWeights);
    }

    /// <inheritdoc />
    public override ModelLoss Loss(Batch batch, LossContext context) => Elbo.Compute(this, batch, context, Config.Beta);
}
