using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>
/// Label (and style) transfer with a conditional model: each source image is encoded with its own label,
/// z = E_q[z | x, y], and decoded with every label, E[x | z, y'] — the same handwriting (stroke width, slant, the
/// style z keeps), another class. The result is a grid: row i = source i, column c = label c.
/// </summary>
public static class LabelTransfer
{
    /// <summary>The transfer grid of <paramref name="count"/> source examples stored one after another with their
    /// <paramref name="labels"/>: count × classes images, row-major (source i, label c at i·classes + c).</summary>
    /// <exception cref="ArgumentException">The model is not conditional, or sizes or labels do not fit it.</exception>
    public static float[] Grid(LatentVariableModel model, ReadOnlySpan<float> examples, int count, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        if (!model.IsConditional)
            throw new ArgumentException($"Label transfer needs a conditional model (encode with the image's label, decode with another); this is a {model.Description}. Train one with --conditional.");
        var z = Interpolation.EncodeMeans(model, examples, count, labels);
        return DecodeWithEveryLabel(model, z, count);
    }

    /// <summary>The transfer grid of the examples of <paramref name="data"/> at <paramref name="indices"/>, with their own labels.</summary>
    public static float[] Grid(LatentVariableModel model, IDataset data, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!model.IsConditional)
            throw new ArgumentException($"Label transfer needs a conditional model (encode with the image's label, decode with another); this is a {model.Description}. Train one with --conditional.");
        var z = Interpolation.EncodeMeans(model, data, indices);
        return DecodeWithEveryLabel(model, z, indices.Length);
    }

    private static float[] DecodeWithEveryLabel(LatentVariableModel model, float[] z, int count)
    {
        int d = model.LatentDim, classes = model.ClassCount;
        var codes = new float[(long)count * classes * d];
        var labels = new int[count * classes];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < classes; c++)
            {
                z.AsSpan(i * d, d).CopyTo(codes.AsSpan((i * classes + c) * d));
                labels[i * classes + c] = c;
            }
        return Generation.Decode(model, codes, count * classes, labels);
    }
}
