using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Networks;

/// <summary>
/// The decoder body, the encoder's mirror: z (N, D) [+ condition (N, C)] → the likelihood's parameters
/// (N, input shape). The dense stack <c>decoder</c> runs first; conv bodies end in <c>decoder_conv</c>.
/// </summary>
public sealed class Decoder : NetworkPart
{
    private readonly Sequential _dense;
    private readonly Sequential? _conv;
    private readonly int[] _outputShape;

    /// <summary>Builds the body for codes of <paramref name="latentDim"/> values, a condition of <paramref name="conditionWidth"/> values (0 for none)
    /// and outputs of <paramref name="outputShape"/>.</summary>
    public Decoder(NetworkConfig config, int latentDim, int conditionWidth, int[] outputShape, RandomGenerator rng)
    {
        _outputShape = (int[])outputShape.Clone();
        _dense = new Sequential();
        int width = latentDim + conditionWidth;
        foreach (int h in config.Hidden.Reverse()) { Layers.AddDense(_dense, width, h, config.Activation, rng); width = h; }
        if (config.Body == NetworkBody.Conv)
        {
            Layers.AddDense(_dense, width, config.FeatureSize(outputShape), config.Activation, rng);
            _conv = ConvStack(config, outputShape, rng);
        }
        else
        {
            _dense.Add(new Linear(width, outputShape.Aggregate(1, (a, b) => a * b), rng));
        }
    }

    // The stacks Forward runs, read by exporters: the dense stack, the conv stack (null for mlp), then a reshape to OutputShape.
    internal Sequential Dense => _dense;
    internal Sequential? Conv => _conv;
    internal IReadOnlyList<int> OutputShape => _outputShape;

    /// <inheritdoc />
    public override IEnumerable<(string Name, Module Module)> Modules =>
        _conv is null ? [("decoder", _dense)] : [("decoder", _dense), ("decoder_conv", _conv)];

    /// <summary>The likelihood parameters (N, output shape) for codes <paramref name="z"/>.</summary>
    public Tensor Forward(Tensor z, Tensor? condition = null)
    {
        var output = _dense.Forward(condition is null ? z : Ops.Concat([z, condition], 1));
        if (_conv is not null) output = _conv.Forward(output);
        var shape = new int[_outputShape.Length + 1];
        shape[0] = z.Shape[0];
        _outputShape.CopyTo(shape, 1);
        return output.Reshape(shape);
    }

    private static Sequential ConvStack(NetworkConfig c, int[] outputShape, RandomGenerator rng)
    {
        int levels = c.Channels.Length, pad = (c.KernelSize - 1) / 2;
        var seq = new Sequential(new Unflatten(c.Channels[^1], outputShape[1] >> levels, outputShape[2] >> levels));
        for (int i = levels - 1; i >= 0; i--)
        {
            int inC = c.Channels[i], outC = i > 0 ? c.Channels[i - 1] : c.Channels[0];
            // (H − 1)·2 − 2p + k + outputPadding = 2H  ⇒  outputPadding = 2 + 2p − k
            seq.Add(new ConvTranspose2d(inC, outC, c.KernelSize, rng, stride: 2, padding: pad, outputPadding: 2 + 2 * pad - c.KernelSize));
            if (c.BatchNorm) seq.Add(new BatchNorm2d(outC));
            seq.Add(Layers.Create(c.Activation));
        }
        seq.Add(new ConvTranspose2d(c.Channels[0], outputShape[0], 3, rng, stride: 1, padding: 1));
        return seq;
    }
}
