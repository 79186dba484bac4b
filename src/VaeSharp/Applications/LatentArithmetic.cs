using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>
/// Latent arithmetic (White 2016, "Sampling Generative Networks", §3.3): an attribute's direction is the difference of
/// the mean posterior means of the examples with and without it,
/// <code>
///   d = mean{ μ(x) : x has A } − mean{ μ(x) : x has not A }
///   edit(x, s) = E[x' | z = μ(x) + s · d]
/// </code>
/// so s = 0 is the reconstruction and s = 1 moves an average "without" example to an average "with" one. Groups come
/// from labels, from a scalar score of the image (ink, the mean pixel value: "thick strokes"), or from any column of a table.
/// </summary>
public static class LatentArithmetic
{
    /// <summary>The direction between the examples of <paramref name="data"/> (the first <paramref name="limit"/>, all by
    /// default) that <paramref name="group"/> puts in the positive group (true) and in the negative one (false; null = neither).</summary>
    /// <exception cref="ArgumentException">A group is empty.</exception>
    public static (float[] Vector, int Positive, int Negative) Direction(LatentVariableModel model, IDataset data, Func<int, bool?> group, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(group);
        var (means, _, n) = LatentSamplers.EncodeAll(model, data, limit, withLogVars: false);
        int d = model.LatentDim, positive = 0, negative = 0;
        var with = new double[d];
        var without = new double[d];
        for (int i = 0; i < n; i++)
        {
            if (group(i) is not bool has) continue;
            var sums = has ? with : without;
            if (has) positive++; else negative++;
            for (int u = 0; u < d; u++) sums[u] += means[i * d + u];
        }
        if (positive == 0 || negative == 0)
            throw new ArgumentException($"The attribute's groups in {data.Name}: {positive} examples with it and {negative} without; both must be non-empty.");
        var vector = new float[d];
        for (int u = 0; u < d; u++) vector[u] = (float)(with[u] / positive - without[u] / negative);
        return (vector, positive, negative);
    }

    /// <summary>E[x | z = code + s·d] for each of <paramref name="count"/> codes and each strength s: count × strengths images, row-major
    /// (code i, strength j at i·strengths + j). A conditional model decodes code i with <paramref name="labels"/>[i].</summary>
    public static float[] Apply(LatentVariableModel model, ReadOnlySpan<float> codes, int count, ReadOnlySpan<float> direction, ReadOnlySpan<float> strengths, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        int d = model.LatentDim, m = strengths.Length;
        if (direction.Length != d) throw new ArgumentException($"The direction has {direction.Length} values; the model's latent dimension is {d}.");
        if (codes.Length != (long)count * d) throw new ArgumentException($"{codes.Length} values are not {count} codes of dimension {d}.");
        if (m == 0) throw new ArgumentException("Give at least one strength.");
        if (model.IsConditional && (labels is null || labels.Length != count)) throw new ArgumentException($"This conditional model needs a label for each of the {count} codes.");
        var edited = new float[(long)count * m * d];
        int[]? perCode = labels is null ? null : new int[count * m];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < m; j++)
            {
                int at = (i * m + j) * d;
                for (int u = 0; u < d; u++) edited[at + u] = codes[i * d + u] + strengths[j] * direction[u];
                if (perCode is not null) perCode[i * m + j] = labels![i];
            }
        return Generation.Decode(model, edited, count * m, model.IsConditional ? perCode : null);
    }

    /// <summary>The ink of each of <paramref name="count"/> images stored one after another: the mean pixel value, which for
    /// digits on black grows with stroke thickness (and length).</summary>
    public static float[] Ink(ReadOnlySpan<float> images, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (images.Length % count != 0) throw new ArgumentException($"{images.Length} values are not {count} images of one size.");
        int size = images.Length / count;
        var ink = new float[count];
        for (int i = 0; i < count; i++)
        {
            double s = 0;
            foreach (float v in images.Slice(i * size, size)) s += v;
            ink[i] = (float)(s / size);
        }
        return ink;
    }

    /// <summary>The ink of the first <paramref name="limit"/> examples of <paramref name="data"/> (all by default).</summary>
    public static float[] Ink(IDataset data, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = Math.Min(limit ?? data.Count, data.Count), size = data.ExampleShape.Aggregate(1, (a, b) => a * b);
        var ink = new float[n];
        var values = new float[Math.Min(n, 1000) * size];
        for (int start = 0; start < n; start += 1000)
        {
            int m = Math.Min(1000, n - start);
            data.CopyExamples(Enumerable.Range(start, m).ToArray(), values.AsSpan(0, m * size));
            Ink(values.AsSpan(0, m * size), m).CopyTo(ink.AsSpan(start));
        }
        return ink;
    }

    /// <summary>The value below which a fraction <paramref name="q"/> of <paramref name="values"/> lie (nearest rank).</summary>
    public static double Quantile(IReadOnlyList<float> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values.");
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>For each strength, the fraction of the edits of <paramref name="count"/> codes that <paramref name="succeeded"/>
    /// judges as showing the attribute (it is given the decoded images and their count, and returns how many succeed).</summary>
    public static double[] SuccessRates(LatentVariableModel model, ReadOnlySpan<float> codes, int count, ReadOnlySpan<float> direction, ReadOnlySpan<float> strengths,
        Func<float[], int, int> succeeded, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(succeeded);
        var rates = new double[strengths.Length];
        for (int j = 0; j < strengths.Length; j++)
        {
            var images = Apply(model, codes, count, direction, strengths.Slice(j, 1), labels);
            rates[j] = (double)succeeded(images, count) / count;
        }
        return rates;
    }
}
