namespace VaeSharp.Networks;

/// <summary>The shape of the encoder and decoder bodies (config.json and command-line names in brackets).</summary>
public enum NetworkBody
{
    /// <summary>Dense layers over the flattened input ("mlp").</summary>
    Mlp,
    /// <summary>Stride-2 convolutions, mirrored by transposed convolutions, around a dense stack ("conv").</summary>
    Conv,
}
