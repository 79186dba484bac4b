using VaeSharp.Data;
using VaeSharp.Engine.Random;
using VaeSharp.Models;

namespace VaeSharp.Evaluation.Disentanglement;

/// <summary>
/// The codes of a pool of examples beside their ground-truth factor classes: what every disentanglement metric reads.
/// The metrics draw their samples from the pool: "an example" is one drawn uniformly from it, "an example whose factor k
/// has class v" one drawn uniformly from those with that class (for a complete factor grid such as dSprites that is
/// disentanglement_lib's <c>sample_factors</c> then <c>sample_observations_from_factors</c>).
/// </summary>
public sealed class FactorCodes
{
    private readonly double[] _codes;       // (Count, CodeDim)
    private readonly int[] _classes;        // (Count, FactorCount)
    private readonly int[][][] _byClass;    // [factor][class] → pool rows with that class

    /// <summary>Wraps <paramref name="codes"/> (<paramref name="count"/> rows of <paramref name="codeDim"/>) and their factors.</summary>
    /// <exception cref="ArgumentException">The sizes disagree, or the pool is empty.</exception>
    public FactorCodes(double[] codes, int count, int codeDim, DatasetFactors factors)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(factors);
        if (count <= 0 || codeDim <= 0 || codes.Length != (long)count * codeDim)
            throw new ArgumentException($"Codes: {codes.Length} values do not hold {count} codes of {codeDim} dimensions.");
        if (factors.Count != count) throw new ArgumentException($"Codes: {count} codes but factors for {factors.Count} examples.");
        _codes = codes;
        Count = count;
        CodeDim = codeDim;
        Factors = factors.Factors;
        int k = factors.FactorCount;
        _classes = new int[count * k];
        for (int i = 0; i < count; i++) for (int f = 0; f < k; f++) _classes[i * k + f] = factors.Class(i, f);
        _byClass = new int[k][][];
        for (int f = 0; f < k; f++)
        {
            var lists = Enumerable.Range(0, Factors[f].ClassCount).Select(_ => new List<int>()).ToArray();
            for (int i = 0; i < count; i++) lists[_classes[i * k + f]].Add(i);
            _byClass[f] = [.. lists.Select(l => l.ToArray())];
        }
    }

    /// <summary>The posterior means μ(x) of <paramref name="data"/>'s examples under <paramref name="model"/> (disentanglement_lib's
    /// "mean" representation), all of them or a uniform random subset of <paramref name="pool"/> drawn with <paramref name="rng"/>.</summary>
    /// <exception cref="ArgumentException">The data set has no factors.</exception>
    public static FactorCodes Encode(LatentVariableModel model, IDataset data, int? pool, RandomGenerator rng)
    {
        var factors = data.Factors ?? throw new ArgumentException($"Data set {data.Name} has no ground-truth factors; the disentanglement metrics need them (dsprites, dsprites-small).");
        int[] rows = [.. Enumerable.Range(0, data.Count)];
        if (pool is int p && p < data.Count)
        {
            rng.Shuffle(rows.AsSpan());
            rows = rows[..p];
            Array.Sort(rows);
        }
        var subset = data.Count == rows.Length ? data : new Rows(data, rows);
        int d = model.Config.LatentDim;
        var codes = new double[rows.Length * d];
        Inference.ForEachBatch(model, subset, (batch, start) =>
        {
            var mean = model.Encode(batch).Mean.Data;
            for (int i = 0; i < batch.Count * d; i++) codes[start * d + i] = mean[i];
        });
        return new FactorCodes(codes, rows.Length, d, factors.Select(rows));
    }

    /// <summary>Number of codes in the pool.</summary>
    public int Count { get; }

    /// <summary>Dimensions of a code.</summary>
    public int CodeDim { get; }

    /// <summary>The factors.</summary>
    public IReadOnlyList<GroundTruthFactor> Factors { get; }

    /// <summary>Code dimension <paramref name="dim"/> of pool row <paramref name="row"/>.</summary>
    public double Code(int row, int dim) => _codes[row * CodeDim + dim];

    /// <summary>The code of pool row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> CodeOf(int row) => _codes.AsSpan(row * CodeDim, CodeDim);

    /// <summary>The class of factor <paramref name="factor"/> of pool row <paramref name="row"/>.</summary>
    public int Class(int row, int factor) => _classes[row * Factors.Count + factor];

    /// <summary>A pool row drawn uniformly.</summary>
    public int Draw(RandomGenerator rng) => rng.NextInt(Count);

    /// <summary>A pool row drawn uniformly among those whose factor <paramref name="factor"/> has class <paramref name="cls"/>.</summary>
    public int DrawWith(int factor, int cls, RandomGenerator rng)
    {
        var rows = _byClass[factor][cls];
        return rows[rng.NextInt(rows.Length)];
    }

    // num_points rows drawn uniformly, as (codes (n, D), classes (n, K)): disentanglement_lib's generate_batch_factor_code.
    internal (double[] Codes, int[] Classes) DrawBatch(int n, RandomGenerator rng)
    {
        int d = CodeDim, k = Factors.Count;
        var codes = new double[n * d];
        var classes = new int[n * k];
        for (int i = 0; i < n; i++)
        {
            int row = Draw(rng);
            CodeOf(row).CopyTo(codes.AsSpan(i * d, d));
            for (int f = 0; f < k; f++) classes[i * k + f] = Class(row, f);
        }
        return (codes, classes);
    }

    // The examples of a data set at some rows.
    private sealed class Rows(IDataset inner, int[] rows) : IDataset
    {
        public string Name => inner.Name;
        public int Count => rows.Length;
        public int[] ExampleShape => inner.ExampleShape;
        public int ClassCount => inner.ClassCount;
        public int Label(int index) => inner.Label(rows[index]);

        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
        {
            var mapped = new int[indices.Length];
            for (int i = 0; i < mapped.Length; i++) mapped[i] = rows[indices[i]];
            inner.CopyExamples(mapped, destination);
        }
    }
}
