using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Applications;

/// <summary>Sampling and reconstruction: the first two things one does with a trained VAE.</summary>
public static class Generation
{
    /// <summary><paramref name="count"/> new examples E[x | z], z ~ N(0, I) drawn from a generator seeded with <paramref name="seed"/>;
    /// values in example order (count × example size).</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="seed">Seed of the latent draws.</param>
    /// <param name="labels">For a conditional model: the class of each sample.</param>
    public static float[] Sample(Vae model, int count, ulong seed, int[]? labels = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of samples must be positive.");
        using var _ = GradMode.NoGrad();
        var z = Tensor.Normal(new RandomGenerator(seed, stream: 6), 0f, 1f, count, model.LatentDim);
        return model.Decode(z, applySigmoid: true, labels).ToArray();
    }

    /// <summary>A conditional model's samples, one row per class: <paramref name="perClass"/> samples of class 0, then of class 1, ...
    /// Returns the values and the labels used.</summary>
    public static (float[] Values, int[] Labels) SampleByLabel(Vae model, int perClass, ulong seed)
    {
        if (!model.IsConditional) throw new ArgumentException("Samples by label need a conditional model (train with --conditional).");
        var labels = new int[model.Config.ClassCount * perClass];
        for (int i = 0; i < labels.Length; i++) labels[i] = i / perClass;
        return (Sample(model, labels.Length, seed, labels), labels);
    }

    /// <summary>Reconstructions E[x | z = μ(x)] of the examples at <paramref name="indices"/>, with the originals.</summary>
    public static (float[] Originals, float[] Reconstructions) Reconstruct(Vae model, IDataset data, ReadOnlySpan<int> indices)
    {
        using var _ = GradMode.NoGrad();
        var x = Trainer.LoadBatch(data, indices, model.Config.InputShape);
        var labels = model.IsConditional ? Trainer.Labels(data, indices) : null;
        var (mean, _) = model.Encode(x, labels);
        return (x.ToArray(), model.Decode(mean, applySigmoid: true, labels).ToArray());
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
