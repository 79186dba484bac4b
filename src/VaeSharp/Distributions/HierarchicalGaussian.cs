using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// The posterior of a model with L stochastic layers, drawn ancestrally, each layer a diagonal Gaussian given the
/// layer drawn just before it:
/// <code>
///   bottom-up (the IWAE paper's 2-layer model):  q(z₁, …, z_L | x) = q(z₁ | x) Π_{i&gt;1} q(z_i | z_{i−1})
///   top-down  (the Ladder VAE):                  q(z₁, …, z_L | x) = q(z_L | x) Π_{i&lt;L} q(z_i | z_{i+1}, x)
///   log q(z) = Σ_i log N(z_i; μ_i(parent), σ_i²(parent))
/// </code>
/// The code is the layers side by side, z = [z₁, z₂, …, z_L] (the layer next to the data first) whichever way they are
/// drawn, so <see cref="LatentDistribution.Dim"/> is Σ_i |z_i|. A layer's Gaussian comes from a function of its parent's sample and of
/// per-example context tensors (N, ·) — features of x from the model's bottom-up pass — which <see cref="SelectRows"/>
/// selects; so k copies of a batch share one encoder pass, and importance sampling (<see cref="SampleWithLogProb(Tensor)"/>)
/// weighs with the full hierarchical q.
/// </summary>
public sealed class HierarchicalGaussian : LatentDistribution
{
    /// <summary>Layer i's Gaussian q(z_i | parent, x) for the parent's sample (null for the layer drawn first) and
    /// the layer's context tensors, each (N, ·).</summary>
    public delegate DiagonalGaussian LayerPosterior(Tensor? parent, IReadOnlyList<Tensor> context);

    private readonly int[] _sizes;
    private readonly int[] _offsets;
    private readonly IReadOnlyList<LayerPosterior> _layers;
    private readonly IReadOnlyList<IReadOnlyList<Tensor>> _context;

    /// <summary>The posterior over layers of <paramref name="sizes"/> (z₁ first), drawn top-down when <paramref name="topDown"/>.</summary>
    /// <param name="sizes">|z_i| per layer, the layer next to the data first.</param>
    /// <param name="topDown">Draw z_L first and each layer given the one above (else z₁ first, each given the one below).</param>
    /// <param name="layers">q(z_i | parent, x) per layer.</param>
    /// <param name="context">Per layer, the tensors (N, ·) its function reads; every one has <paramref name="count"/> rows.</param>
    /// <param name="count">Number of examples N.</param>
    public HierarchicalGaussian(IReadOnlyList<int> sizes, bool topDown, IReadOnlyList<LayerPosterior> layers, IReadOnlyList<IReadOnlyList<Tensor>> context, int count)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(context);
        if (sizes.Count == 0 || sizes.Any(s => s <= 0)) throw new ArgumentException($"A hierarchical posterior needs positive layer sizes; got [{string.Join(", ", sizes)}].", nameof(sizes));
        if (layers.Count != sizes.Count || context.Count != sizes.Count)
            throw new ArgumentException($"{sizes.Count} layer sizes, {layers.Count} layer functions and {context.Count} context lists: expected one of each per layer.");
        foreach (var list in context)
            foreach (var t in list)
                if (t.Rank < 1 || t.Shape[0] != count) throw new ArgumentException($"A context tensor has {(t.Rank < 1 ? 0 : t.Shape[0])} rows; expected {count}.", nameof(context));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _sizes = [.. sizes];
        _offsets = new int[_sizes.Length];
        for (int i = 1; i < _sizes.Length; i++) _offsets[i] = _offsets[i - 1] + _sizes[i - 1];
        TopDown = topDown;
        _layers = layers;
        _context = context;
        Count = count;
        Dim = _sizes.Sum();
    }

    /// <inheritdoc />
    public override int Count { get; }

    /// <inheritdoc />
    public override int Dim { get; }

    /// <summary>|z_i| per layer, z₁ first.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>Number of stochastic layers L.</summary>
    public int LayerCount => _sizes.Length;

    /// <summary>True when z_L is drawn first (the Ladder VAE), false when z₁ is (the IWAE paper's model).</summary>
    public bool TopDown { get; }

    /// <summary>The layers in the order they are drawn.</summary>
    public IEnumerable<int> DrawOrder => TopDown ? Enumerable.Range(0, LayerCount).Reverse() : Enumerable.Range(0, LayerCount);

    /// <summary>The layer whose sample layer <paramref name="layer"/> is conditioned on, or null for the one drawn first.</summary>
    public int? Parent(int layer) => TopDown ? (layer == LayerCount - 1 ? null : layer + 1) : (layer == 0 ? null : layer - 1);

    /// <summary>Layer <paramref name="layer"/>'s part z_i (N, |z_i|) of codes <paramref name="z"/> (N, D).</summary>
    public Tensor Part(Tensor z, int layer) => Ops.Narrow(z, 1, _offsets[layer], _sizes[layer]);

    /// <summary>The ancestral means (N, D): each layer's mean given its parent's mean — the point summary (computed on each call).</summary>
    public override Tensor Mean => Draw((_, g) => g.Mean);

    /// <inheritdoc />
    public override Tensor Sample(RandomGenerator noise) => SampleWithLogProb(Tensor.Normal(noise, 0f, 1f, Count, Dim)).Z;

    /// <inheritdoc />
    public override (Tensor Z, Tensor LogProb) SampleWithLogProb(RandomGenerator noise) => SampleWithLogProb(Tensor.Normal(noise, 0f, 1f, Count, Dim));

    /// <summary>The ancestral draw z_i = μ_i(parent) + σ_i(parent) ⊙ ε_i in draw order, ε laid out like z (N, D), with
    /// log q(z) = Σ_i −½ Σ_j (ε_ij² + log σ_ij² + log 2π).</summary>
    public override (Tensor Z, Tensor LogProb) SampleWithLogProb(Tensor eps)
    {
        ArgumentNullException.ThrowIfNull(eps);
        if (eps.Rank != 2 || eps.Shape[0] != Count || eps.Shape[1] != Dim)
            throw new ArgumentException($"Noise of shape ({string.Join(", ", eps.Shape.ToArray())}); expected ({Count}, {Dim}).", nameof(eps));
        Tensor? logQ = null;
        var z = Draw((i, g) =>
        {
            var (zi, lq) = g.SampleWithLogProb(Part(eps, i));
            logQ = logQ is null ? lq : logQ + lq;
            return zi;
        });
        return (z, logQ!);
    }

    // Walks the layers in draw order; pick gives layer i's value from its Gaussian (the mean, or a draw); the codes (N, D).
    private Tensor Draw(Func<int, DiagonalGaussian, Tensor> pick)
    {
        var parts = new Tensor[LayerCount];
        foreach (int i in DrawOrder) parts[i] = pick(i, _layers[i](Parent(i) is int p ? parts[p] : null, _context[i]));
        return parts.Length == 1 ? parts[0] : Ops.Concat(parts, 1);
    }

    /// <summary>Each layer's Gaussian q(z_i | parent) with the parent taken from the codes <paramref name="z"/> (N, D), z₁ first.</summary>
    public DiagonalGaussian[] Layers(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Rank != 2 || z.Shape[1] != Dim) throw new ArgumentException($"Codes of shape ({string.Join(", ", z.Shape.ToArray())}); expected (N, {Dim}).", nameof(z));
        var result = new DiagonalGaussian[LayerCount];
        for (int i = 0; i < LayerCount; i++) result[i] = _layers[i](Parent(i) is int p ? Part(z, p) : null, _context[i]);
        return result;
    }

    /// <summary>log q(z) = Σ_i log q(z_i | parent from z), per example (N).</summary>
    public override Tensor LogProb(Tensor z)
    {
        var layers = Layers(z);
        Tensor? sum = null;
        for (int i = 0; i < LayerCount; i++)
        {
            var lq = layers[i].LogProb(Part(z, i));
            sum = sum is null ? lq : sum + lq;
        }
        return sum!;
    }

    /// <inheritdoc />
    public override LatentDistribution SelectRows(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var context = _context.Select(list => (IReadOnlyList<Tensor>)list.Select(t => Ops.IndexSelect(t, rows)).ToArray()).ToArray();
        return new HierarchicalGaussian(_sizes, TopDown, _layers, context, rows.Length);
    }
}
