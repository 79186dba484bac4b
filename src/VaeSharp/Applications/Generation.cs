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
    public static float[] Sample(Vae model, int count, ulong seed)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of samples must be positive.");
        using var _ = GradMode.NoGrad();
        var z = Tensor.Normal(new RandomGenerator(seed, stream: 6), 0f, 1f, count, model.LatentDim);
        return model.Decode(z, applySigmoid: true).ToArray();
    }

    /// <summary>Reconstructions E[x | z = μ(x)] of the examples at <paramref name="indices"/>, with the originals.</summary>
    public static (float[] Originals, float[] Reconstructions) Reconstruct(Vae model, IDataset data, ReadOnlySpan<int> indices)
    {
        using var _ = GradMode.NoGrad();
        var x = Trainer.LoadBatch(data, indices, model.Config.InputShape);
        var (mean, _) = model.Encode(x);
        return (x.ToArray(), model.Decode(mean, applySigmoid: true).ToArray());
    }

    /// <summary>The PyTorch example's comparison picture: originals in the first row, their reconstructions below.</summary>
    public static float[] ComparisonRows(float[] originals, float[] reconstructions) => [.. originals, .. reconstructions];
}
