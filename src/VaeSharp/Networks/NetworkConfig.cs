namespace VaeSharp.Networks;

/// <summary>
/// The encoder and decoder bodies every family shares (the "network" part of a model's config.json):
/// <list type="bullet">
/// <item><c>mlp</c>: encoder = dense stack over the flattened input (+ condition); decoder mirrors it and ends in a
/// dense layer to the input size.</item>
/// <item><c>conv</c>: encoder_conv = [conv k, stride 2, pad ⌊k/2⌋ (+ batch norm) + act] per channel count, then
/// flatten; encoder = dense stack; decoder = dense stack to C·H/2^L·W/2^L (+ act); decoder_conv = unflatten,
/// [conv-transpose stride 2 (+ batch norm) + act] mirrored, and a final 3×3 conv-transpose to the input channels
/// (the Keras example's shape).</item>
/// </list>
/// </summary>
public sealed record NetworkConfig
{
    /// <summary>mlp or conv.</summary>
    public NetworkBody Body { get; init; } = NetworkBody.Mlp;

    /// <summary>Hidden dense widths of the encoder (after the convolutions for conv); the decoder mirrors them.</summary>
    public int[] Hidden { get; init; } = [400];

    /// <summary>Hidden activation.</summary>
    public HiddenActivation Activation { get; init; } = HiddenActivation.Relu;

    /// <summary>Conv only: output channels of each stride-2 convolution (each halves height and width).</summary>
    public int[] Channels { get; init; } = [32, 64];

    /// <summary>Conv only: kernel size of the convolutions.</summary>
    public int KernelSize { get; init; } = 3;

    /// <summary>Conv only: batch normalisation after each convolution.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Checks the values for inputs of <paramref name="inputShape"/>; throws <see cref="ArgumentException"/> naming the field and the expected value.</summary>
    public void Validate(int[] inputShape)
    {
        if (!Enum.IsDefined(Body)) throw new ArgumentException($"network.body {Body}: expected mlp or conv.");
        if (!Enum.IsDefined(Activation)) throw new ArgumentException($"network.activation {Activation}: expected one of {string.Join(", ", Enum.GetNames<HiddenActivation>())}.");
        if (Hidden is null || Hidden.Any(h => h <= 0)) throw new ArgumentException($"network.hidden [{string.Join(", ", Hidden ?? [])}]: expected positive widths.");
        if (Body != NetworkBody.Conv) return;
        if (inputShape.Length != 3) throw new ArgumentException($"input_shape [{string.Join(", ", inputShape)}]: the conv body needs (C, H, W) images.");
        if (Channels is null || Channels.Length == 0 || Channels.Any(c => c <= 0)) throw new ArgumentException($"network.channels [{string.Join(", ", Channels ?? [])}]: expected positive channel counts.");
        int factor = 1 << Channels.Length;
        if (inputShape[1] % factor != 0 || inputShape[2] % factor != 0)
            throw new ArgumentException($"network.channels [{string.Join(", ", Channels)}]: {Channels.Length} stride-2 layers need height and width divisible by {factor}; the input is {inputShape[1]}x{inputShape[2]}.");
        if (KernelSize is < 2 or > 7) throw new ArgumentException($"network.kernel_size {KernelSize}: expected 2 to 7.");
    }

    /// <summary>Width of the features the dense encoder stack sees (before a condition is joined).</summary>
    public int FeatureSize(int[] inputShape) => Body == NetworkBody.Conv
        ? Channels[^1] * (inputShape[1] >> Channels.Length) * (inputShape[2] >> Channels.Length)
        : inputShape.Aggregate(1, (a, b) => a * b);
}
