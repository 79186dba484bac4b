using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// Group normalisation of (N, C, *) input — PyTorch's <c>nn.GroupNorm</c>: C channels in G groups of C/G,
/// per-channel <c>weight</c> (ones) and <c>bias</c> (zeros).
/// </summary>
public sealed class GroupNorm : Layer
{
    /// <summary>Creates the layer; <paramref name="numGroups"/> must divide <paramref name="numChannels"/>.</summary>
    public GroupNorm(int numGroups, int numChannels, float eps = 1e-5f, bool affine = true)
    {
        if (numGroups <= 0 || numChannels <= 0 || numChannels % numGroups != 0)
            throw new ArgumentOutOfRangeException(nameof(numGroups), $"GroupNorm({numGroups}, {numChannels}): the group count must be positive and divide the channel count.");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "GroupNorm: eps must be positive.");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numChannels));
            Bias = RegisterParameter("bias", Tensor.Zeros(numChannels));
        }
    }

    /// <summary>Groups G.</summary>
    public int NumGroups { get; }

    /// <summary>Channels C.</summary>
    public int NumChannels { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Eps { get; }

    /// <summary>γ, shape (C), or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, shape (C), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2 || input.Shape[1] != NumChannels)
            throw new ArgumentException($"GroupNorm({NumGroups}, {NumChannels}): input {ShapeUtil.Format(input.Shape)} must be (N, {NumChannels}, *).", nameof(input));
        return Ops.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }
}
