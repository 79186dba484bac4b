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

    /// <summary>Batch normalisation after each convolution (conv body), or after each dense layer of the hierarchical families (iwae-2layer, ladder-vae).</summary>
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
        long factor = 1L << Math.Min(Channels.Length, 62);
        if (Channels.Length > 30 || inputShape[1] % factor != 0 || inputShape[2] % factor != 0)
            throw new ArgumentException($"network.channels [{string.Join(", ", Channels)}]: {Channels.Length} stride-2 layers need height and width divisible by {factor}; the input is {inputShape[1]}x{inputShape[2]}.");
        if (KernelSize is < 2 or > 7) throw new ArgumentException($"network.kernel_size {KernelSize}: expected 2 to 7.");
    }

    /// <summary>
    /// The weights (not biases, not batch-norm parameters) of the layers <see cref="Encoder"/> and <see cref="Decoder"/>
    /// build for inputs of <paramref name="inputShape"/>, a latent code of <paramref name="latentDim"/> values and a
    /// condition of <paramref name="conditionWidth"/>: a lower bound on the parameter count, known without building
    /// anything (a config is checked against <see cref="Models.ModelConfig.MaxWeights"/> before its model is allocated).
    /// Saturates at <see cref="long.MaxValue"/>. Call after <see cref="Validate"/>.
    /// </summary>
    public long WeightCount(int[] inputShape, int latentDim, int conditionWidth)
    {
        long input = 1;
        foreach (int d in inputShape) input = Mul(input, d);
        long features = Body == NetworkBody.Conv
            ? Mul(Channels[^1], Mul(inputShape[1] >> Channels.Length, inputShape[2] >> Channels.Length))
            : input;
        long total = 0;
        if (Body == NetworkBody.Conv)
        {
            long k2 = (long)KernelSize * KernelSize;
            int inC = inputShape[0];
            foreach (int outC in Channels) { total = Add(total, Mul(k2, Mul(inC, outC))); inC = outC; }   // encoder_conv
            for (int i = Channels.Length - 1; i >= 0; i--)                                                   // decoder_conv, mirrored
                total = Add(total, Mul(k2, Mul(Channels[i], i > 0 ? Channels[i - 1] : Channels[0])));
            total = Add(total, Mul(9, Mul(Channels[0], inputShape[0])));                                     // the final 3×3
        }
        long width = Add(features, conditionWidth);
        foreach (int h in Hidden) { total = Add(total, Mul(width, h)); width = h; }                          // encoder
        total = Add(total, Mul(2 * width, latentDim));                                                       // fc_mu, fc_logvar
        width = Add(latentDim, conditionWidth);
        for (int i = Hidden.Length - 1; i >= 0; i--) { total = Add(total, Mul(width, Hidden[i])); width = Hidden[i]; }   // decoder
        return Add(total, Mul(width, features));                                                             // to the input or the conv features

        static long Mul(long a, long b) => a == 0 || b <= long.MaxValue / a ? a * b : long.MaxValue;
        static long Add(long a, long b) => a <= long.MaxValue - b ? a + b : long.MaxValue;
    }

    /// <summary>Width of the features the dense encoder stack sees (before a condition is joined).</summary>
    public int FeatureSize(int[] inputShape) => Body == NetworkBody.Conv
        ? Channels[^1] * (inputShape[1] >> Channels.Length) * (inputShape[2] >> Channels.Length)
        : inputShape.Aggregate(1, (a, b) => a * b);
}
