using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>
/// The one way to run a trained model for evaluation and the applications: evaluation mode (batch norm uses its
/// running statistics), no gradients, data in batches each in its own <see cref="TensorScope"/>, and the model's
/// mode restored afterwards, also when the body throws. A model is not to be run from two threads at once: the mode
/// is the model's.
/// </summary>
public static class Inference
{
    /// <summary>The default number of examples per batch.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>Runs <paramref name="body"/> with <paramref name="model"/> in evaluation mode and without gradients.</summary>
    public static T Run<T>(Module model, Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            return body();
        }
        finally { model.Train(wasTraining); }
    }

    /// <summary>Calls <paramref name="body"/>(batch, index of its first example) for the first <paramref name="limit"/> examples
    /// of <paramref name="data"/> (all by default) in order, in evaluation mode without gradients. Batches carry labels when the model is conditional.</summary>
    /// <param name="model">The model; the data must have its input shape.</param>
    /// <param name="data">The examples.</param>
    /// <param name="body">Reads what it needs from the batch; tensors made inside are released after it returns.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="limit">At most this many examples, from the first.</param>
    /// <param name="binarize">Dynamic binarisation of the examples with this generator, or null.</param>
    /// <exception cref="ArgumentException">The data does not fit the model, or a conditional model meets unlabelled data.</exception>
    public static void ForEachBatch(LatentVariableModel model, IDataset data, Action<Batch, int> body,
        int batchSize = DefaultBatchSize, int? limit = null, RandomGenerator? binarize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (limit is < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The example limit must not be negative.");
        BatchLoader.CheckFits(data, model);
        int count = Math.Min(limit ?? data.Count, data.Count);
        var index = new int[Math.Max(1, Math.Min(batchSize, count))];
        Run(model, () =>
        {
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                for (int i = 0; i < n; i++) index[i] = start + i;
                using (TensorScope.Begin()) body(BatchLoader.Load(data, index.AsSpan(0, n), model.IsConditional, binarize), start);
            }
            return 0;
        });
    }
}
