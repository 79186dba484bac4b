using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Networks;

/// <summary>
/// The encoder body: x (N, input shape) [+ condition (N, C)] → features h (N, <see cref="OutputWidth"/>).
/// Conv bodies run <c>encoder_conv</c> first; the condition joins the flattened features before the dense stack <c>encoder</c>.
/// </summary>
public sealed class Encoder : NetworkPart
{
    private readonly Sequential? _conv;
    private readonly Sequential _dense;

    /// <summary>Builds the body for inputs of <paramref name="inputShape"/> and a condition of <paramref name="conditionWidth"/> values (0 for none).</summary>
    public Encoder(NetworkConfig config, int[] inputShape, int conditionWidth, RandomGenerator rng)
    {
        if (config.Body == NetworkBody.Conv) _conv = ConvStack(config, inputShape, rng);
        int width = config.FeatureSize(inputShape) + conditionWidth;
        _dense = new Sequential();
        foreach (int h in config.Hidden) { Layers.AddDense(_dense, width, h, config.Activation, rng); width = h; }
        OutputWidth = width;
    }

    /// <summary>Width of h.</summary>
    public int OutputWidth { get; }

    // The stacks Forward runs, read by exporters: the conv stack (ends in Flatten; null for mlp), then the dense stack.
    internal Sequential? Conv => _conv;
    internal Sequential Dense => _dense;

    /// <inheritdoc />
    public override IEnumerable<(string Name, Module Module)> Modules =>
        _conv is null ? [("encoder", _dense)] : [("encoder_conv", _conv), ("encoder", _dense)];

    /// <summary>h = dense([conv(x) or flatten(x), condition]).</summary>
    public Tensor Forward(Tensor x, Tensor? condition = null)
    {
        var features = _conv is null ? x.Flatten() : _conv.Forward(x);
        if (condition is not null) features = Ops.Concat([features, condition], 1);
        return _dense.Forward(features);
    }

    private static Sequential ConvStack(NetworkConfig c, int[] inputShape, RandomGenerator rng)
    {
        var seq = new Sequential();
        int inC = inputShape[0], pad = (c.KernelSize - 1) / 2;
        foreach (int outC in c.Channels)
        {
            seq.Add(new Conv2d(inC, outC, c.KernelSize, rng, stride: 2, padding: pad));
            if (c.BatchNorm) seq.Add(new BatchNorm2d(outC));
            seq.Add(Layers.Create(c.Activation));
            inC = outC;
        }
        seq.Add(new Flatten());
        return seq;
    }
}
