using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// The top-down prior of a model with L stochastic layers, over codes z = [z₁, …, z_L] (z₁ next to the data first):
/// <code>
///   p(z₁, …, z_L) = N(z_L; 0, I) Π_{i&lt;L} p(z_i | z_{i+1}),   p(z_i | z_{i+1}) = N(μ_i(z_{i+1}), diag σ_i²(z_{i+1}))
///   log p(z) = log N(z_L; 0, I) + Σ_{i&lt;L} log N(z_i; μ_i(z_{i+1}), σ_i²(z_{i+1}))
/// </code>
/// Sampling is ancestral from z_L down. The KL of the ELBO, per layer, is <see cref="KlPerLayer"/>: analytic where the
/// layer's prior and posterior condition on samples drawn before it (every layer of a top-down posterior, the top
/// layer of a bottom-up one), else the one-sample estimate log q(z_i | ·) − log p(z_i | z_{i+1}).
/// </summary>
public sealed class HierarchicalPrior : Prior
{
    private readonly int[] _sizes;
    private readonly int[] _offsets;
    private readonly Func<int, Tensor, DiagonalGaussian> _conditional;

    /// <summary>The prior over layers of <paramref name="sizes"/> (z₁ first), with p(z_i | z_{i+1}) = <paramref name="conditional"/>(i, z_{i+1}) for i &lt; L − 1 (0-based).</summary>
    public HierarchicalPrior(IReadOnlyList<int> sizes, Func<int, Tensor, DiagonalGaussian> conditional)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(conditional);
        if (sizes.Count == 0 || sizes.Any(s => s <= 0)) throw new ArgumentException($"A hierarchical prior needs positive layer sizes; got [{string.Join(", ", sizes)}].", nameof(sizes));
        _sizes = [.. sizes];
        _offsets = new int[_sizes.Length];
        for (int i = 1; i < _sizes.Length; i++) _offsets[i] = _offsets[i - 1] + _sizes[i - 1];
        _conditional = conditional;
    }

    /// <summary>|z_i| per layer, z₁ first.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>Number of stochastic layers L.</summary>
    public int LayerCount => _sizes.Length;

    private int Dim => _offsets[^1] + _sizes[^1];

    private Tensor Part(Tensor z, int layer) => Ops.Narrow(z, 1, _offsets[layer], _sizes[layer]);

    /// <summary>p(z_i | z_{i+1}) with z_{i+1} taken from codes <paramref name="z"/> (N, D), for layer <paramref name="layer"/> &lt; L − 1 (0-based).</summary>
    public DiagonalGaussian Conditional(int layer, Tensor z)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, LayerCount - 1);
        return _conditional(layer, Part(z, layer + 1));
    }

    /// <inheritdoc />
    public override Tensor Sample(RandomGenerator rng, int count, int dim)
    {
        if (dim != Dim) throw new ArgumentException($"This prior's codes have {Dim} values ([{string.Join(", ", _sizes)}] per layer); asked for {dim}.", nameof(dim));
        var parts = new Tensor[LayerCount];
        parts[^1] = Tensor.Normal(rng, 0f, 1f, count, _sizes[^1]);
        for (int i = LayerCount - 2; i >= 0; i--) parts[i] = _conditional(i, parts[i + 1]).Reparameterize(Tensor.Normal(rng, 0f, 1f, count, _sizes[i]));
        return parts.Length == 1 ? parts[0] : Ops.Concat(parts, 1);
    }

    /// <inheritdoc />
    public override Tensor LogProb(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Rank != 2 || z.Shape[1] != Dim) throw new ArgumentException($"Codes of shape ({string.Join(", ", z.Shape.ToArray())}); expected (N, {Dim}).", nameof(z));
        var sum = StandardNormal.Instance.LogProb(Part(z, LayerCount - 1));
        for (int i = 0; i < LayerCount - 1; i++) sum += Conditional(i, z).LogProb(Part(z, i));
        return sum;
    }

    /// <summary>
    /// The ELBO's KL term of each layer (z₁ first), each (N), for one draw <paramref name="z"/> from <paramref name="posterior"/>;
    /// their sum is an unbiased estimate of E_q[log q(z | x) − log p(z)]:
    /// <code>
    ///   KL_i = KL(q(z_i | parent) ‖ p(z_i | z_{i+1}))          analytic, when z_{i+1} is drawn before z_i (or i = L)
    ///   KL_i = log q(z_i | parent) − log p(z_i | z_{i+1})       one-sample estimate otherwise (bottom-up q, i &lt; L)
    /// </code>
    /// </summary>
    public Tensor[] KlPerLayer(HierarchicalGaussian posterior, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        CheckLayers(posterior);
        var q = posterior.Layers(z);
        var kl = new Tensor[LayerCount];
        for (int i = 0; i < LayerCount; i++)
        {
            bool top = i == LayerCount - 1;
            if (top || posterior.TopDown)
                kl[i] = Ops.Sum(top ? q[i].KlToStandardNormal(Reduction.None) : q[i].KlTo(Conditional(i, z), Reduction.None), 1);
            else
                kl[i] = q[i].LogProb(Part(z, i)) - Conditional(i, z).LogProb(Part(z, i));
        }
        return kl;
    }

    /// <summary>KL per element (N, D), or reduced, along the posterior's mean path: layer i's analytic
    /// KL(q(z_i | parent) ‖ p(z_i | z_{i+1})) with every conditioning layer at its ancestral mean. A deterministic summary
    /// (the KL per dimension of <c>vae eval</c>, the IWAE objective's reported KL); the training loss uses <see cref="KlPerLayer"/>.</summary>
    public override Tensor Kl(LatentDistribution posterior, Reduction reduction)
    {
        if (posterior is not HierarchicalGaussian h) throw new NotSupportedException($"A hierarchical prior's KL needs a hierarchical posterior; got a {posterior.GetType().Name}.");
        CheckLayers(h);
        var mean = h.Mean;
        var q = h.Layers(mean);
        var parts = new Tensor[LayerCount];
        for (int i = 0; i < LayerCount; i++)
            parts[i] = i == LayerCount - 1 ? q[i].KlToStandardNormal(Reduction.None) : q[i].KlTo(Conditional(i, mean), Reduction.None);
        var terms = parts.Length == 1 ? parts[0] : Ops.Concat(parts, 1);
        return reduction switch
        {
            Reduction.None => terms,
            Reduction.Sum => Ops.Sum(terms),
            Reduction.Mean => Ops.Mean(terms),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, null),
        };
    }

    private void CheckLayers(HierarchicalGaussian posterior)
    {
        if (!posterior.Sizes.SequenceEqual(_sizes))
            throw new ArgumentException($"Posterior layers [{string.Join(", ", posterior.Sizes)}] do not match the prior's [{string.Join(", ", _sizes)}].", nameof(posterior));
    }
}
