using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>
/// Label (and style) transfer with a conditional model: each source image is encoded with its own label,
/// z = E_q[z | x, y], and decoded with every label, E[x | z, y'] — the same handwriting (stroke width, slant, the
/// style z keeps), another class. The result is a grid: row i = source i, column c = label c.
/// A trained conditional VAE's z still carries part of the class (the KL term removes it only slowly), so decoding a
/// 7's z with the label 0 often still shows a 7. With the class means m_c = mean{ μ(x, c) : x of class c }
/// (<see cref="ClassMeans"/>), transfer can move the code too — z_c = z + m_c − m_y, the class offset removed and
/// the target's put in (latent arithmetic between the classes' codes) — keeping the image's deviation from its class
/// centre, its style.
/// </summary>
public static class LabelTransfer
{
    /// <summary>The transfer grid of <paramref name="count"/> source examples stored one after another with their
    /// <paramref name="labels"/>: count × classes images, row-major (source i, label c at i·classes + c).</summary>
    /// <exception cref="ArgumentException">The model is not conditional, or sizes or labels do not fit it.</exception>
    /// <param name="model">A conditional model.</param>
    /// <param name="examples">The source examples, one after another.</param>
    /// <param name="count">Number of sources.</param>
    /// <param name="labels">The class of each source.</param>
    /// <param name="classMeans">When given (classes × latent dim, <see cref="ClassMeans"/>), code i decoded with label c is
    /// z_i + m_c − m_{y_i}; else z_i itself.</param>
    public static float[] Grid(LatentVariableModel model, ReadOnlySpan<float> examples, int count, int[] labels, float[]? classMeans = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        RequireConditional(model);
        var z = Interpolation.EncodeMeans(model, examples, count, labels);
        return DecodeWithEveryLabel(model, z, count, labels, classMeans);
    }

    /// <summary>The mean posterior mean of each class over the first <paramref name="limit"/> examples of <paramref name="data"/>
    /// (all by default), each encoded with its own label: classes × latent dim values.</summary>
    /// <exception cref="ArgumentException">The model is not conditional, or a class has no example.</exception>
    public static float[] ClassMeans(LatentVariableModel model, IDataset data, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        RequireConditional(model);
        var (means, _, n) = LatentSamplers.EncodeAll(model, data, limit, withLogVars: false);
        int d = model.LatentDim, classes = model.ClassCount;
        var sums = new double[classes * d];
        var counts = new int[classes];
        for (int i = 0; i < n; i++)
        {
            int c = data.Label(i);
            counts[c]++;
            for (int u = 0; u < d; u++) sums[c * d + u] += means[i * d + u];
        }
        var result = new float[classes * d];
        for (int c = 0; c < classes; c++)
        {
            if (counts[c] == 0) throw new ArgumentException($"Data set {data.Name} has no example of class {c} to place its codes.");
            for (int u = 0; u < d; u++) result[c * d + u] = (float)(sums[c * d + u] / counts[c]);
        }
        return result;
    }

    /// <summary>The transfer grid of the examples of <paramref name="data"/> at <paramref name="indices"/>, with their own labels.</summary>
    public static float[] Grid(LatentVariableModel model, IDataset data, ReadOnlySpan<int> indices, float[]? classMeans = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        RequireConditional(model);
        var z = Interpolation.EncodeMeans(model, data, indices);
        return DecodeWithEveryLabel(model, z, indices.Length, BatchLoader.Labels(data, indices), classMeans);
    }

    /// <summary>How well transfer changes the class: the first <paramref name="count"/> examples of <paramref name="data"/> are
    /// each decoded with every label, and <paramref name="classify"/> (given the images and their number, returning a class
    /// per image) judges them. Returns the fraction classified as the label they were decoded with, over all pairs with
    /// another label than the image's own, and per target label.</summary>
    public static (double Overall, double[] PerLabel) SuccessRate(LatentVariableModel model, IDataset data, int count, Func<float[], int, int[]> classify,
        float[]? classMeans = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(classify);
        int n = Math.Min(count, data.Count), classes = model.ClassCount;
        if (n < 1) throw new ArgumentException("Give at least one example to measure transfer on.");
        var indices = Enumerable.Range(0, n).ToArray();
        var grid = Grid(model, data, indices, classMeans);
        var predicted = classify(grid, n * classes);
        var right = new int[classes];
        var total = new int[classes];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < classes; c++)
            {
                if (c == data.Label(i)) continue;
                total[c]++;
                if (predicted[i * classes + c] == c) right[c]++;
            }
        return ((double)right.Sum() / Math.Max(1, total.Sum()), [.. right.Select((r, c) => total[c] == 0 ? double.NaN : (double)r / total[c])]);
    }

    private static void RequireConditional(LatentVariableModel model)
    {
        if (!model.IsConditional)
            throw new ArgumentException($"Label transfer needs a conditional model (encode with the image's label, decode with another); this is a {model.Description}. Train one with --conditional.");
    }

    private static float[] DecodeWithEveryLabel(LatentVariableModel model, float[] z, int count, int[] sourceLabels, float[]? classMeans)
    {
        int d = model.LatentDim, classes = model.ClassCount;
        if (classMeans is not null && classMeans.Length != classes * d) throw new ArgumentException($"Class means of {classMeans.Length} values; expected {classes} × {d}.");
        var codes = new float[(long)count * classes * d];
        var labels = new int[count * classes];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < classes; c++)
            {
                z.AsSpan(i * d, d).CopyTo(codes.AsSpan((i * classes + c) * d));
                labels[i * classes + c] = c;
                if (classMeans is null) continue;
                int y = sourceLabels[i];
                for (int u = 0; u < d; u++) codes[(i * classes + c) * d + u] += classMeans[c * d + u] - classMeans[y * d + u];
            }
        return Generation.Decode(model, codes, count * classes, labels);
    }
}
