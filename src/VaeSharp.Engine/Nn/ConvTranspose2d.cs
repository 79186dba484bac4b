using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// Transposed 2-D convolution — PyTorch's <c>nn.ConvTranspose2d</c> with a square kernel, one stride, padding
/// and output padding for both axes: weight (Cin, Cout, K, K) named <c>weight</c>, bias (Cout) named
/// <c>bias</c>. PyTorch's default initialisation takes fanIn from the weight's dimension 1, so here
/// fanIn = Cout·K·K for both U(−1/√fanIn, 1/√fanIn). Output (N, Cout, (H − 1)·s − 2p + K + outputPadding, ...), with an
/// optional fused activation.
/// </summary>
public sealed class ConvTranspose2d : Layer, IFusesActivation
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, RandomGenerator rng, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true,
        Activation activation = Activation.None)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"ConvTranspose2d({inChannels}, {outChannels}, kernelSize {kernelSize}): sizes must be positive.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "ConvTranspose2d: stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "ConvTranspose2d: padding must be non-negative.");
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, $"ConvTranspose2d: outputPadding must be in [0, stride = {stride}).");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        Activation = activation;
        int fanIn = outChannels * kernelSize * kernelSize;
        Weight = RegisterParameter("weight", Init.KaimingUniformDefault(rng, fanIn, inChannels, outChannels, kernelSize, kernelSize));
        if (bias) Bias = RegisterParameter("bias", Init.BiasDefault(rng, fanIn, outChannels));
    }

    /// <summary>Input channels Cin.</summary>
    public int InChannels { get; }

    /// <summary>Output channels Cout.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width K.</summary>
    public int KernelSize { get; }

    /// <summary>Stride s of the convolution this layer is the adjoint of.</summary>
    public int Stride { get; }

    /// <summary>Padding p of that convolution, removed from the output's borders.</summary>
    public int Padding { get; }

    /// <summary>Extra rows and columns at the bottom and right of the output, below the stride.</summary>
    public int OutputPadding { get; }

    /// <summary>The fused activation applied to the output.</summary>
    public Activation Activation { get; }

    /// <summary>Weight, shape (Cin, Cout, K, K).</summary>
    public Tensor Weight { get; }

    /// <summary>Bias, shape (Cout), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Activation);

    Tensor IFusesActivation.Forward(Tensor input, Activation activation) =>
        Ops.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, activation);
}
