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

    /// <summary>Builds the body for inputs of <paramref name="inputShape"/> and a condition of <paramref name="conditionWidth"/> values (0 for none),
    /// joined at the dense stack's input or, with <paramref name="conditionEveryLayer"/>, at every dense layer's.</summary>
    public Encoder(NetworkConfig config, int[] inputShape, int conditionWidth, RandomGenerator rng, bool conditionEveryLayer = false)
    {
        if (config.Body == NetworkBody.Conv) _conv = ConvStack(config, inputShape, rng);
        ConditionsEveryLayer = conditionEveryLayer && conditionWidth > 0;
        int width = config.FeatureSize(inputShape) + conditionWidth;
        _dense = new Sequential();
        foreach (int h in config.Hidden)
        {
            Layers.AddDense(_dense, width, h, config.Activation, rng);
            width = h + (ConditionsEveryLayer ? conditionWidth : 0);
        }
        OutputWidth = ConditionsEveryLayer && config.Hidden.Length > 0 ? width - conditionWidth : width;
    }

    /// <summary>True when the condition joins every dense layer's input, not only the first.</summary>
    public bool ConditionsEveryLayer { get; }

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
        if (!ConditionsEveryLayer || condition is null) return _dense.Forward(features);
        bool first = true;
        foreach (var layer in _dense.Layers)
        {
            if (layer is Linear && !first) features = Ops.Concat([features, condition], 1);
            if (layer is Linear) first = false;
            features = layer.Forward(features);
        }
        return features;
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
