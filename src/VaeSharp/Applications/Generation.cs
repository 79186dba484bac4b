using VaeSharp.Data;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>Sampling and reconstruction: the first two things one does with a trained model.</summary>
public static class Generation
{
    /// <summary><paramref name="count"/> new examples E[x | z], z ~ p(z) drawn from the sampling stream of <paramref name="seed"/>;
    /// values in example order (count × example size).</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="seed">Seed of the latent draws.</param>
    /// <param name="labels">For a conditional model: the class of each sample.</param>
    public static float[] Sample(LatentVariableModel model, int count, ulong seed, int[]? labels = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of samples must be positive.");
        return Inference.Run(model, () => model.Generate(count, RngStreams.Create(seed, RngStream.Sampling), labels).ToArray());
    }

    /// <summary><paramref name="count"/> new examples E[x | z] with z drawn by <paramref name="sampler"/> from the sampling stream
    /// of <paramref name="seed"/>. With a <see cref="PriorSampler"/> these are exactly <see cref="Sample(LatentVariableModel, int, ulong, int[])"/>'s.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="seed">Seed of the latent draws.</param>
    /// <param name="sampler">Where the codes come from (<see cref="LatentSamplers.Open"/>).</param>
    /// <param name="labels">For a conditional model: the class of each sample.</param>
    public static float[] Sample(LatentVariableModel model, int count, ulong seed, LatentSampler sampler, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (sampler is PriorSampler) return Sample(model, count, seed, labels);
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of samples must be positive.");
        if (sampler.LatentDim != model.LatentDim) throw new ArgumentException($"The sampler draws codes of dimension {sampler.LatentDim}; the model's is {model.LatentDim}.");
        return Decode(model, sampler.Sample(RngStreams.Create(seed, RngStream.Sampling), count, labels), count, labels);
    }

    /// <summary>E[x | z] for <paramref name="count"/> codes (count × latent dim values), decoded in batches without gradients;
    /// values in code order (count × example size).</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="codes">The codes, one after another.</param>
    /// <param name="count">Number of codes.</param>
    /// <param name="labels">For a conditional model: the class to decode each code with; null otherwise.</param>
    /// <param name="batchSize">Codes per decoder call.</param>
    public static float[] Decode(LatentVariableModel model, ReadOnlySpan<float> codes, int count, int[]? labels = null, int batchSize = Inference.DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int d = model.LatentDim, size = model.Config.InputSize;
        if (codes.Length != (long)count * d) throw new ArgumentException($"{codes.Length} values are not {count} codes of dimension {d}.");
        if (labels is not null && labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} codes.");
        var images = new float[(long)count * size];
        var all = codes.ToArray();
        Inference.Run(model, () =>
        {
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                using (TensorScope.Begin())
                {
                    var z = Tensor.FromArray(all.AsSpan(start * d, n * d), n, d);
                    model.DecodeMean(z, labels?[start..(start + n)]).Data.CopyTo(images.AsSpan(start * size, n * size));
                }
            }
            return 0;
        });
        return images;
    }

    /// <summary>A conditional model's samples, one row per class: <paramref name="perClass"/> samples of class 0, then of class 1, ...
    /// Returns the values and the labels used.</summary>
    public static (float[] Values, int[] Labels) SampleByLabel(LatentVariableModel model, int perClass, ulong seed)
    {
        if (!model.IsConditional) throw new ArgumentException("Samples by label need a conditional model (train with --conditional).");
        var labels = new int[model.ClassCount * perClass];
        for (int i = 0; i < labels.Length; i++) labels[i] = i / perClass;
        return (Sample(model, labels.Length, seed, labels), labels);
    }

    /// <summary>Reconstructions E[x | z = E_q[z | x]] of the examples at <paramref name="indices"/>, with the originals.</summary>
    public static (float[] Originals, float[] Reconstructions) Reconstruct(LatentVariableModel model, IDataset data, ReadOnlySpan<int> indices)
    {
        BatchLoader.CheckShape(data, model.InputShape);
        var batch = BatchLoader.Load(data, indices, model.IsConditional);
        return Inference.Run(model, () => (batch.X.ToArray(), model.DecodeMean(model.Encode(batch).Mean, batch.Labels).ToArray()));
    }

    /// <summary>Mean squared difference per value between originals and reconstructions.</summary>
    public static double PixelMse(ReadOnlySpan<float> originals, ReadOnlySpan<float> reconstructions)
    {
        if (originals.Length != reconstructions.Length) throw new ArgumentException("Originals and reconstructions differ in length.");
        double sum = 0;
        for (int i = 0; i < originals.Length; i++) { double d = originals[i] - reconstructions[i]; sum += d * d; }
        return originals.Length == 0 ? 0 : sum / originals.Length;
    }

    /// <summary>The PyTorch example's comparison picture: originals in the first row, their reconstructions below.</summary>
    public static float[] ComparisonRows(float[] originals, float[] reconstructions) => [.. originals, .. reconstructions];
}
