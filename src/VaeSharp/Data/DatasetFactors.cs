namespace VaeSharp.Data;

/// <summary>
/// The ground-truth factors of a data set's examples: for each example and factor the discrete class index, whose
/// continuous value is <see cref="GroundTruthFactor.Values"/>[class]. Disentanglement metrics read them; a data set
/// without known factors has none (<see cref="IDataset.Factors"/> is null).
/// </summary>
public sealed class DatasetFactors
{
    private readonly int[] _classes;   // (Count, FactorCount), example-major

    /// <summary>Wraps <paramref name="classes"/>: <paramref name="count"/> rows of one class index per factor.</summary>
    /// <exception cref="ArgumentException">The sizes disagree or a class index is out of its factor's range.</exception>
    public DatasetFactors(IReadOnlyList<GroundTruthFactor> factors, int[] classes, int count)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(classes);
        if (factors.Count == 0) throw new ArgumentException("Factors: expected at least one factor.");
        if (classes.Length != (long)count * factors.Count)
            throw new ArgumentException($"Factors: {classes.Length} class indices do not hold {count} examples of {factors.Count} factors.");
        for (int i = 0; i < classes.Length; i++)
        {
            var f = factors[i % factors.Count];
            if ((uint)classes[i] >= (uint)f.ClassCount)
                throw new ArgumentException($"Factors: example {i / factors.Count}, factor {f.Name}: class {classes[i]}, expected 0 to {f.ClassCount - 1}.");
        }
        Factors = factors;
        _classes = classes;
        Count = count;
    }

    /// <summary>The factors, in column order.</summary>
    public IReadOnlyList<GroundTruthFactor> Factors { get; }

    /// <summary>Number of factors.</summary>
    public int FactorCount => Factors.Count;

    /// <summary>Number of examples.</summary>
    public int Count { get; }

    /// <summary>The class index of factor <paramref name="factor"/> of example <paramref name="example"/>.</summary>
    public int Class(int example, int factor) => _classes[example * Factors.Count + factor];

    /// <summary>The continuous value of factor <paramref name="factor"/> of example <paramref name="example"/>.</summary>
    public double Value(int example, int factor) => Factors[factor].Values[Class(example, factor)];

    /// <summary>The factors of the examples at <paramref name="indices"/>, in that order.</summary>
    public DatasetFactors Select(ReadOnlySpan<int> indices)
    {
        int k = Factors.Count;
        var classes = new int[indices.Length * k];
        for (int i = 0; i < indices.Length; i++) _classes.AsSpan(indices[i] * k, k).CopyTo(classes.AsSpan(i * k));
        return new DatasetFactors(Factors, classes, indices.Length);
    }
}
