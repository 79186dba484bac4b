using VaeSharp.Data;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Networks;

namespace VaeSharp.Tests;

// Small models and data sets the tests share.
public static class TestData
{
    public static VaeConfig SmallVae(int latent = 3, ulong seed = 7, int hidden = 8) =>
        new() { InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [hidden] }, LatentDim = latent, Seed = seed };

    public static ConditionalVaeConfig SmallCvae(int classes = 3, int latent = 2, ulong seed = 7) =>
        new() { InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [8] }, LatentDim = latent, ClassCount = classes, Seed = seed };

    public static Batch Uniform(int n, ulong seed = 3, int[]? labels = null) =>
        new(Tensor.Uniform(new RandomGenerator(seed), 0f, 1f, n, 1, 4, 4), labels);

    // Two prototype 4×4 images plus noise, labelled 0 and 1: easy to learn, so the loss must fall.
    public static ByteImageDataset TwoPrototypes(int n)
    {
        var rng = new RandomGenerator(2);
        var bytes = new byte[n * 16];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            for (int j = 0; j < 16; j++)
            {
                bool on = i % 2 == 0 ? j % 4 < 2 : j >= 8;
                bytes[i * 16 + j] = (byte)Math.Clamp((on ? 220 : 30) + rng.NextNormal() * 20, 0, 255);
            }
        }
        return new ByteImageDataset("synthetic", bytes, n, [1, 4, 4], labels, 2);
    }

    // Uniform noise bytes, unlabelled.
    public static ByteImageDataset Noise(int n, ulong seed = 9)
    {
        var rng = new RandomGenerator(seed);
        var bytes = new byte[n * 16];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(rng.NextFloat() * 255);
        return new ByteImageDataset("noise", bytes, n, [1, 4, 4]);
    }
}
