using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;

namespace VaeSharp.Models;

// The encoder and decoder networks a VaeConfig describes.
//   mlp:  encoder = dense stack over the flattened input (+ one-hot label); decoder mirrors it and ends
//         in a dense layer to the input size.
//   conv: encoder_conv = [conv k, stride 2, pad ⌊k/2⌋ (+ batch norm) + act] per channel count, then Flatten;
//         encoder = dense stack; decoder = dense stack to C·H/2^L·W/2^L (+act); decoder_conv = Unflatten,
//         [conv-transpose stride 2 (+ batch norm) + act] mirrored, and a final 3×3 conv-transpose (stride 1)
//         to the input channels — the Keras example's shape.
internal static class Networks
{
    public static Activation? Fused(string activation) =>
        activation switch { "relu" => Activation.Relu, "tanh" => Activation.Tanh, "sigmoid" => Activation.Sigmoid, _ => null };

    public static void AddDense(Sequential seq, int inF, int outF, string activation, RandomGenerator rng)
    {
        var fused = Fused(activation);
        seq.Add(new Linear(inF, outF, rng, activation: fused ?? Activation.None));
        if (fused is null) seq.Add(ActivationLayer.FromName(activation));
    }

    /// <summary>Width of the features the dense encoder stack sees (before the label is joined).</summary>
    public static int FeatureSize(VaeConfig c) => c.Architecture == "conv"
        ? c.Channels[^1] * (c.InputShape[1] >> c.Channels.Length) * (c.InputShape[2] >> c.Channels.Length)
        : c.InputSize;

    public static Sequential ConvEncoder(VaeConfig c, RandomGenerator rng)
    {
        var seq = new Sequential();
        int inC = c.InputShape[0], pad = (c.KernelSize - 1) / 2;
        foreach (int outC in c.Channels)
        {
            seq.Add(new Conv2d(inC, outC, c.KernelSize, rng, stride: 2, padding: pad));
            if (c.BatchNorm) seq.Add(new BatchNorm2d(outC));
            seq.Add(ActivationLayer.FromName(c.Activation));
            inC = outC;
        }
        seq.Add(new Flatten());
        return seq;
    }

    public static Sequential ConvDecoder(VaeConfig c, RandomGenerator rng)
    {
        int levels = c.Channels.Length, pad = (c.KernelSize - 1) / 2;
        var seq = new Sequential(new Unflatten(c.Channels[^1], c.InputShape[1] >> levels, c.InputShape[2] >> levels));
        for (int i = levels - 1; i >= 0; i--)
        {
            int inC = c.Channels[i], outC = i > 0 ? c.Channels[i - 1] : c.Channels[0];
            // (H − 1)·2 − 2p + k + outputPadding = 2H  ⇒  outputPadding = 2 + 2p − k
            seq.Add(new ConvTranspose2d(inC, outC, c.KernelSize, rng, stride: 2, padding: pad, outputPadding: 2 + 2 * pad - c.KernelSize));
            if (c.BatchNorm) seq.Add(new BatchNorm2d(outC));
            seq.Add(ActivationLayer.FromName(c.Activation));
        }
        seq.Add(new ConvTranspose2d(c.Channels[0], c.InputShape[0], 3, rng, stride: 1, padding: 1));
        return seq;
    }
}
