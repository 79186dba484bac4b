using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// 2-D convolution over (N, Cin, H, W) images — PyTorch's <c>nn.Conv2d</c> with a square kernel, one stride
/// and one padding for both axes (no groups, no dilation): weight (Cout, Cin, K, K) named <c>weight</c>,
/// bias (Cout) named <c>bias</c>, and PyTorch's default initialisation U(−1/√fanIn, 1/√fanIn) for both,
/// fanIn = Cin·K·K. Output (N, Cout, ⌊(H + 2p − K)/s⌋ + 1, ⌊(W + 2p − K)/s⌋ + 1), with an optional fused activation.
/// </summary>
public sealed class Conv2d : Layer, IFusesActivation
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, RandomGenerator rng, int stride = 1, int padding = 0, bool bias = true,
        Activation activation = Activation.None)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"Conv2d({inChannels}, {outChannels}, kernelSize {kernelSize}): sizes must be positive.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv2d: stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Conv2d: padding must be non-negative.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Activation = activation;
        int fanIn = inChannels * kernelSize * kernelSize;
        Weight = RegisterParameter("weight", Init.KaimingUniformDefault(rng, fanIn, outChannels, inChannels, kernelSize, kernelSize));
        if (bias) Bias = RegisterParameter("bias", Init.BiasDefault(rng, fanIn, outChannels));
    }

    /// <summary>Input channels Cin.</summary>
    public int InChannels { get; }

    /// <summary>Output channels Cout.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width K.</summary>
    public int KernelSize { get; }

    /// <summary>Stride s in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding p on every side.</summary>
    public int Padding { get; }

    /// <summary>The fused activation applied to the output.</summary>
    public Activation Activation { get; }

    /// <summary>Weight, shape (Cout, Cin, K, K).</summary>
    public Tensor Weight { get; }

    /// <summary>Bias, shape (Cout), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Conv2d(input, Weight, Bias, Stride, Padding, Activation);

    Tensor IFusesActivation.Forward(Tensor input, Activation activation) => Ops.Conv2d(input, Weight, Bias, Stride, Padding, activation);
}
