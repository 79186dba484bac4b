using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Tensors;
using static VaeSharp.Serialization.OnnxGraphBuilder;

namespace VaeSharp.Serialization;

// Engine layers as ONNX nodes, in inference form (batch norm with its running statistics). Each layer's nodes are named
// after its state-dict prefix (encoder.0, decoder_conv.2) and its initializers after its entries (encoder.0.weight), so
// the graph reads like model.safetensors. The activations follow the engine's definitions (Ops.Unary):
//   relu, tanh, sigmoid      Relu, Tanh, Sigmoid
//   leaky_relu (slope a)     LeakyRelu alpha = a          elu (α)    Elu alpha = α
//   gelu (exact, x·Φ(x))     Gelu approximate = "none"    silu       x · Sigmoid(x)
//   softplus                 Softplus (log(1 + eˣ))
// A layer without an ONNX form here (dropout, pooling, other norms) is refused by name rather than skipped.
internal static class OnnxLayers
{
    // Emits `layer` applied to the value `input`; returns the output value's name.
    public static string Emit(OnnxGraphBuilder g, Layer layer, string prefix, string input) => layer switch
    {
        Sequential s => EmitSequential(g, s, prefix, input),
        Linear l => Activate(g, Gemm(g, l, prefix, input), l.Activation, prefix),
        Conv2d c => Activate(g, Conv(g, c, prefix, input), c.Activation, prefix),
        ConvTranspose2d t => Activate(g, ConvTranspose(g, t, prefix, input), t.Activation, prefix),
        BatchNorm b => BatchNormalization(g, b, prefix, input),
        ActivationLayer a => ActivationNodes(g, a, prefix, input),
        Flatten => g.Node("Flatten", [input], g.Fresh(prefix), attributes: Attribute("axis", 1L)),
        Unflatten u => Reshape(g, input, prefix, u.Shape),
        _ => throw new NotSupportedException($"ONNX export: layer {prefix} ({layer.GetType().Name}) has no ONNX form here."),
    };

    // (N, ...) → (N, shape...): the batch dimension is copied from the input (0), so any N works.
    public static string Reshape(OnnxGraphBuilder g, string input, string prefix, IReadOnlyList<int> shape, string? output = null)
    {
        var dims = new long[shape.Count + 1];
        for (int i = 0; i < shape.Count; i++) dims[i + 1] = shape[i];
        string target = g.Int64Initializer(g.Fresh(prefix + ".shape"), dims);
        return g.Node("Reshape", [input, target], g.Fresh(prefix), output);
    }

    private static string EmitSequential(OnnxGraphBuilder g, Sequential s, string prefix, string input)
    {
        string x = input;
        for (int i = 0; i < s.Layers.Count; i++) x = Emit(g, s.Layers[i], $"{prefix}.{i}", x);
        return x;
    }

    // y = x·Wᵀ + b, W (Out, In): Gemm with transB = 1 keeps PyTorch's layout.
    private static string Gemm(OnnxGraphBuilder g, Linear l, string prefix, string input)
    {
        string[] inputs = l.Bias is null
            ? [input, g.Initializer(prefix + ".weight", l.Weight)]
            : [input, g.Initializer(prefix + ".weight", l.Weight), g.Initializer(prefix + ".bias", l.Bias)];
        return g.Node("Gemm", inputs, g.Fresh(prefix), attributes: Attribute("transB", 1L));
    }

    private static string Conv(OnnxGraphBuilder g, Conv2d c, string prefix, string input) =>
        g.Node("Conv", WeightAndBias(g, prefix, input, c.Weight, c.Bias), g.Fresh(prefix), attributes:
        [
            Attribute("kernel_shape", c.KernelSize, c.KernelSize),
            Attribute("strides", c.Stride, c.Stride),
            Attribute("pads", c.Padding, c.Padding, c.Padding, c.Padding),
        ]);

    // Weight (Cin, Cout, K, K) as PyTorch and ONNX both lay it out; output (H − 1)·s − 2p + K + output_padding.
    private static string ConvTranspose(OnnxGraphBuilder g, ConvTranspose2d t, string prefix, string input) =>
        g.Node("ConvTranspose", WeightAndBias(g, prefix, input, t.Weight, t.Bias), g.Fresh(prefix), attributes:
        [
            Attribute("kernel_shape", t.KernelSize, t.KernelSize),
            Attribute("strides", t.Stride, t.Stride),
            Attribute("pads", t.Padding, t.Padding, t.Padding, t.Padding),
            Attribute("output_padding", t.OutputPadding, t.OutputPadding),
        ]);

    private static string[] WeightAndBias(OnnxGraphBuilder g, string prefix, string input, Tensor weight, Tensor? bias) =>
        bias is null
            ? [input, g.Initializer(prefix + ".weight", weight)]
            : [input, g.Initializer(prefix + ".weight", weight), g.Initializer(prefix + ".bias", bias)];

    // Inference form: y = γ (x − running_mean) / √(running_var + ε) + β, as the engine's eval mode computes it.
    private static string BatchNormalization(OnnxGraphBuilder g, BatchNorm b, string prefix, string input)
    {
        if (b.RunningMean is null || b.RunningVar is null)
            throw new NotSupportedException($"ONNX export: batch norm {prefix} keeps no running statistics, so its inference form uses batch statistics; only tracked statistics are exported.");
        var ones = Enumerable.Repeat(1f, b.NumFeatures).ToArray();
        string scale = b.Weight is null ? g.Initializer(prefix + ".weight", ones, [b.NumFeatures]) : g.Initializer(prefix + ".weight", b.Weight);
        string shift = b.Bias is null ? g.Initializer(prefix + ".bias", new float[b.NumFeatures], [b.NumFeatures]) : g.Initializer(prefix + ".bias", b.Bias);
        string mean = g.Initializer(prefix + ".running_mean", b.RunningMean);
        string variance = g.Initializer(prefix + ".running_var", b.RunningVar);
        return g.Node("BatchNormalization", [input, scale, shift, mean, variance], g.Fresh(prefix), attributes: Attribute("epsilon", b.Eps));
    }

    private static string Activate(OnnxGraphBuilder g, string input, Activation fused, string prefix) => fused switch
    {
        Activation.None => input,
        Activation.Relu => g.Node("Relu", [input], g.Fresh(prefix + ".relu")),
        Activation.Tanh => g.Node("Tanh", [input], g.Fresh(prefix + ".tanh")),
        Activation.Sigmoid => g.Node("Sigmoid", [input], g.Fresh(prefix + ".sigmoid")),
        _ => throw new NotSupportedException($"ONNX export: layer {prefix} has the fused activation {fused}, which has no ONNX form here."),
    };

    private static string ActivationNodes(OnnxGraphBuilder g, ActivationLayer a, string prefix, string input)
    {
        string name = g.Fresh(prefix);
        switch (a.Name)
        {
            case "relu": return g.Node("Relu", [input], name);
            case "tanh": return g.Node("Tanh", [input], name);
            case "sigmoid": return g.Node("Sigmoid", [input], name);
            case "softplus": return g.Node("Softplus", [input], name);
            case "leaky_relu": return g.Node("LeakyRelu", [input], name, attributes: Attribute("alpha", a.Alpha!.Value));
            case "elu": return g.Node("Elu", [input], name, attributes: Attribute("alpha", a.Alpha!.Value));
            case "gelu": return g.Node("Gelu", [input], name, attributes: Attribute("approximate", "none"));
            case "silu":
                string sigmoid = g.Node("Sigmoid", [input], g.Fresh(prefix + ".sigmoid"));
                return g.Node("Mul", [input, sigmoid], name);
            default: throw new NotSupportedException($"ONNX export: activation {prefix} ({a.Name}) has no ONNX form here.");
        }
    }
}
