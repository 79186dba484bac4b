using VaeSharp.Networks;

namespace VaeSharp.Models;

/// <summary>
/// A family wired from the shared parts as the VAE is:
/// <code>
///   q(z | x [, y]) = N(Head(Encoder(x [, onehot(y)])))      p(x | z [, y]) from Decoder(z [, onehot(y)])
/// </code>
/// with y one-hot over <see cref="LatentVariableModel.ClassCount"/> classes when the model is conditional. Exporters
/// (<see cref="Serialization.OnnxExport"/>) read the parts through it; a family wired otherwise does not implement it.
/// </summary>
public interface IEncoderDecoderModel
{
    /// <summary>x [+ condition] → h.</summary>
    Encoder Encoder { get; }

    /// <summary>h → (μ, log σ²).</summary>
    GaussianHead Head { get; }

    /// <summary>z [+ condition] → the likelihood's parameters.</summary>
    Decoder Decoder { get; }
}
