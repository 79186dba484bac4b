using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// Layer normalisation over the trailing dimensions <see cref="NormalizedShape"/> — PyTorch's
/// <c>nn.LayerNorm</c>: element-wise <c>weight</c> (ones) and <c>bias</c> (zeros) of that shape.
/// </summary>
public sealed class LayerNorm : Layer
{
    private readonly int[] _normalizedShape;

    /// <summary>Normalises the last dimension, of size <paramref name="normalizedSize"/>.</summary>
    public LayerNorm(int normalizedSize, float eps = 1e-5f, bool elementwiseAffine = true)
        : this([normalizedSize], eps, elementwiseAffine)
    {
    }

    /// <summary>Normalises the trailing dimensions <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"LayerNorm: normalized shape {ShapeUtil.Format(normalizedShape)} must be non-empty with positive sizes.");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(_normalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(_normalizedShape));
        }
    }

    /// <summary>The trailing dimensions that form one normalised row.</summary>
    public IReadOnlyList<int> NormalizedShape => _normalizedShape;

    /// <summary>Added to the variance before the square root.</summary>
    public float Eps { get; }

    /// <summary>γ with the normalised shape, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>β with the normalised shape, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = _normalizedShape.Length;
        if (input.Rank < k || !input.Shape[(input.Rank - k)..].SequenceEqual(_normalizedShape))
            throw new ArgumentException($"LayerNorm({ShapeUtil.Format(_normalizedShape)}): input {ShapeUtil.Format(input.Shape)} must end with the normalised shape.", nameof(input));
        return Ops.LayerNorm(input, Weight, Bias, k, Eps);
    }
}
