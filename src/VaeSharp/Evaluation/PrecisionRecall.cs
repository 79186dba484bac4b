using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Evaluation;

/// <summary>
/// Precision and recall of a generated distribution — Kynkäänniemi, Karras, Laine, Lehtinen &amp; Aila, "Improved Precision
/// and Recall Metric for Assessing Generative Models", NeurIPS 2019. Each set's manifold is the union of balls around its
/// points, each ball's radius the distance to that point's k-th nearest neighbour within the set (k = 3 in the paper):
/// <code>
///   precision = fraction of generated points inside the real manifold     (are the samples realistic?)
///   recall    = fraction of real points inside the generated manifold     (do the samples cover the data?)
/// </code>
/// Distances are Euclidean in the feature space, computed in blocks with the engine's matrix product
/// (‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b), O(n²) in time, O(n) in memory.
/// </summary>
public static class PrecisionRecall
{
    /// <summary>The paper's k.</summary>
    public const int DefaultNeighbours = 3;

    private const int Block = 256;

    /// <summary>(precision, recall) of <paramref name="generated"/> against <paramref name="real"/>, each count × <paramref name="dimension"/> values.</summary>
    /// <exception cref="ArgumentException">A set has no more than k points, or sizes do not match.</exception>
    public static (double Precision, double Recall) Compute(float[] real, int realCount, float[] generated, int generatedCount, int dimension, int k = DefaultNeighbours)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (realCount <= k || generatedCount <= k) throw new ArgumentException($"Precision and recall with k = {k} need more than {k} points in each set ({realCount} real, {generatedCount} generated).");
        if (real.Length != (long)realCount * dimension || generated.Length != (long)generatedCount * dimension) throw new ArgumentException("The feature arrays do not match their counts and dimension.");
        var realRadii = KthNeighbourDistances(real, realCount, dimension, k);
        var generatedRadii = KthNeighbourDistances(generated, generatedCount, dimension, k);
        double precision = FractionInside(generated, generatedCount, real, realCount, realRadii, dimension);
        double recall = FractionInside(real, realCount, generated, generatedCount, generatedRadii, dimension);
        return (precision, recall);
    }

    /// <summary>For each point, the squared distance to its k-th nearest other point of the same set.</summary>
    public static float[] KthNeighbourDistances(float[] points, int count, int dimension, int k)
    {
        var radii = new float[count];
        var nearest = new float[k + 1];
        ForEachBlock(points, count, points, count, dimension, (row, distances) =>
        {
            // The k + 1 smallest include the point itself (distance ≈ 0).
            Array.Fill(nearest, float.PositiveInfinity);
            foreach (float d in distances)
            {
                if (d >= nearest[k]) continue;
                int at = k;
                while (at > 0 && nearest[at - 1] > d) { nearest[at] = nearest[at - 1]; at--; }
                nearest[at] = d;
            }
            radii[row] = nearest[k];
        });
        return radii;
    }

    /// <summary>The fraction of <paramref name="queries"/> within some ball (centre in <paramref name="centres"/>, squared radius <paramref name="radii"/>).</summary>
    public static double FractionInside(float[] queries, int queryCount, float[] centres, int centreCount, float[] radii, int dimension)
    {
        int inside = 0;
        ForEachBlock(queries, queryCount, centres, centreCount, dimension, (_, distances) =>
        {
            for (int j = 0; j < distances.Length; j++)
                if (distances[j] <= radii[j]) { inside++; return; }
        });
        return (double)inside / queryCount;
    }

    // Calls visit(row, squared distances from query row to every centre), a block of query rows at a time.
    private static void ForEachBlock(float[] queries, int queryCount, float[] centres, int centreCount, int dimension, Action<int, float[]> visit)
    {
        var centreNorms = Norms(centres, centreCount, dimension);
        var queryNorms = Norms(queries, queryCount, dimension);
        var row = new float[centreCount];
        using var _ = GradMode.NoGrad();
        using (TensorScope.Begin())
        {
            var centresT = Ops.Transpose(Tensor.FromArray(centres, centreCount, dimension));   // (d, C)
            for (int start = 0; start < queryCount; start += Block)
            {
                int n = Math.Min(Block, queryCount - start);
                using (TensorScope.Begin())
                {
                    var dots = Ops.MatMul(Tensor.FromArray(queries.AsSpan(start * dimension, n * dimension), n, dimension), centresT).Data;   // (n, C)
                    for (int i = 0; i < n; i++)
                    {
                        float qn = queryNorms[start + i];
                        for (int j = 0; j < centreCount; j++) row[j] = Math.Max(0f, qn + centreNorms[j] - 2f * dots[i * centreCount + j]);
                        visit(start + i, row);
                    }
                }
            }
        }
    }

    private static float[] Norms(float[] points, int count, int dimension)
    {
        var norms = new float[count];
        for (int i = 0; i < count; i++)
        {
            double s = 0;
            for (int u = 0; u < dimension; u++) { double v = points[i * dimension + u]; s += v * v; }
            norms[i] = (float)s;
        }
        return norms;
    }
}
