using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models;

/// <summary>Labels as the one-hot condition (N, classes) that conditional families join to their networks' inputs.</summary>
public static class Conditioning
{
    /// <summary>One-hot rows for <paramref name="labels"/>; checks that there is one label in 0..classes−1 for each of <paramref name="count"/> examples.</summary>
    /// <exception cref="ArgumentException">Labels are missing, of the wrong count, or out of range.</exception>
    public static Tensor OneHot(int[]? labels, int classCount, int count)
    {
        if (labels is null) throw new ArgumentException($"This conditional model needs a label (0 to {classCount - 1}) for every example.");
        if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} examples.");
        var oneHot = Tensor.Zeros(count, classCount);
        var d = oneHot.Data;
        for (int i = 0; i < count; i++)
        {
            if ((uint)labels[i] >= (uint)classCount) throw new ArgumentException($"Label {labels[i]} is outside 0..{classCount - 1}.");
            d[i * classCount + labels[i]] = 1f;
        }
        return oneHot;
    }
}
