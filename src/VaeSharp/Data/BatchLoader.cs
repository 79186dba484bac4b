using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Data;

/// <summary>Copies examples of a data set into a <see cref="Batch"/>: the one loader of training, evaluation and the applications.</summary>
public static class BatchLoader
{
    /// <summary>The examples at <paramref name="indices"/> as a (N, example shape) batch.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="indices">Which examples, in order.</param>
    /// <param name="withLabels">Also copy the labels (a conditional model needs them).</param>
    /// <param name="binarize">When given, each value v becomes 1 with probability v, else 0 (dynamic binarisation).</param>
    /// <exception cref="ArgumentException">Labels are asked for and the data set has none.</exception>
    public static Batch Load(IDataset data, ReadOnlySpan<int> indices, bool withLabels = false, RandomGenerator? binarize = null)
    {
        var shape = new int[data.ExampleShape.Length + 1];
        shape[0] = indices.Length;
        data.ExampleShape.CopyTo(shape, 1);
        var x = Tensor.Zeros(shape);
        var values = x.Data;
        data.CopyExamples(indices, values);
        if (binarize is not null)
            for (int i = 0; i < values.Length; i++) values[i] = binarize.NextFloat() < values[i] ? 1f : 0f;
        Tensor? mask = null;
        if (data.HasMissing)
        {
            mask = Tensor.Zeros(shape);
            data.CopyMask(indices, mask.Data);
        }
        return new Batch(x, withLabels ? Labels(data, indices) : null, mask);
    }

    /// <summary>The labels of the examples at <paramref name="indices"/>.</summary>
    /// <exception cref="ArgumentException">The data set has no labels.</exception>
    public static int[] Labels(IDataset data, ReadOnlySpan<int> indices)
    {
        if (data.ClassCount == 0) throw new ArgumentException($"Data set {data.Name} has no labels; a conditional model needs them.");
        var labels = new int[indices.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = data.Label(indices[i]);
        return labels;
    }

    /// <summary>Checks that <paramref name="model"/> can read <paramref name="data"/>: the example shape, and for a conditional
    /// model labels within its classes.</summary>
    /// <exception cref="ArgumentException">It cannot; the message names the data set and what differs.</exception>
    public static void CheckFits(IDataset data, Models.LatentVariableModel model)
    {
        CheckShape(data, model.InputShape);
        if (!model.IsConditional) return;
        if (data.ClassCount == 0) throw new ArgumentException($"Data set {data.Name} has no labels; this conditional model needs them.");
        if (data.ClassCount > model.ClassCount)
            throw new ArgumentException($"Data set {data.Name} has {data.ClassCount} classes; the conditional model was built for {model.ClassCount}.");
    }

    /// <summary>Checks that <paramref name="data"/> has examples of <paramref name="exampleShape"/>.</summary>
    /// <exception cref="ArgumentException">It does not; the message names the data set and both shapes.</exception>
    public static void CheckShape(IDataset data, int[] exampleShape)
    {
        if (!data.ExampleShape.SequenceEqual(exampleShape))
            throw new ArgumentException($"Data set {data.Name} has examples of shape [{string.Join(", ", data.ExampleShape)}]; the model expects [{string.Join(", ", exampleShape)}].");
    }
}
