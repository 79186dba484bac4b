namespace VaeSharp.Evaluation;

/// <summary>The mean and covariance of a set of feature vectors (in double): the Gaussian the Fréchet distance compares.</summary>
public sealed class FeatureMoments
{
    private FeatureMoments(double[] mean, double[,] covariance, int count)
    {
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>The mean feature vector.</summary>
    public double[] Mean { get; }

    /// <summary>The sample covariance, with the n − 1 denominator (numpy's <c>np.cov</c>, as the reference FID code uses).</summary>
    public double[,] Covariance { get; }

    /// <summary>Number of vectors the moments were computed from.</summary>
    public int Count { get; }

    /// <summary>Feature dimension.</summary>
    public int Dimension => Mean.Length;

    /// <summary>The moments of <paramref name="count"/> vectors of <paramref name="dimension"/> values stored one after another.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 vectors, a length that is not count × dimension, or a value that is not finite.</exception>
    public static FeatureMoments Compute(ReadOnlySpan<float> features, int count, int dimension)
    {
        if (count < 2) throw new ArgumentException($"A covariance needs at least 2 vectors; got {count}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (features.Length != (long)count * dimension) throw new ArgumentException($"{features.Length} values are not {count} vectors of {dimension}.");
        var mean = new double[dimension];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < dimension; j++)
            {
                float v = features[i * dimension + j];
                if (!float.IsFinite(v)) throw new ArgumentException($"Feature {j} of vector {i} is {v}; features must be finite.");
                mean[j] += v;
            }
        for (int j = 0; j < dimension; j++) mean[j] /= count;
        var cov = new double[dimension, dimension];
        var centred = new double[dimension];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < dimension; j++) centred[j] = features[i * dimension + j] - mean[j];
            for (int a = 0; a < dimension; a++)
            {
                double ca = centred[a];
                if (ca == 0) continue;
                for (int b = 0; b <= a; b++) cov[a, b] += ca * centred[b];
            }
        }
        for (int a = 0; a < dimension; a++)
            for (int b = 0; b <= a; b++) { cov[a, b] /= count - 1; cov[b, a] = cov[a, b]; }
        return new FeatureMoments(mean, cov, count);
    }
}
