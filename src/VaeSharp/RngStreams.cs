using VaeSharp.Engine.Random;

namespace VaeSharp;

/// <summary>
/// Every random stream the toolkit draws from, in one table. A generator is (seed, stream): the same seed and
/// stream give the same numbers, and different streams are independent, so training, evaluation and the
/// applications never disturb one another's draws. Callers create the generator they need and pass it in.
/// </summary>
public enum RngStream : ulong
{
    /// <summary>Initial weights (seeded by the model's seed).</summary>
    Weights = 0,
    /// <summary>ε of the training loss.</summary>
    TrainingNoise = 1,
    /// <summary>The order of the training examples in each epoch.</summary>
    Shuffle = 2,
    /// <summary>Dynamic binarisation of training examples.</summary>
    TrainingBinarization = 3,
    /// <summary>ε of the evaluation loss.</summary>
    EvaluationNoise = 4,
    /// <summary>The one binary sample of an evaluation set.</summary>
    EvaluationBinarization = 5,
    /// <summary>Codes drawn from the prior for generation.</summary>
    Sampling = 6,
    /// <summary>The importance samples of the likelihood estimate (forked per example).</summary>
    ImportanceSampling = 7,
    /// <summary>Synthetic inputs of the step benchmark.</summary>
    BenchmarkData = 9,
    /// <summary>The shuffle that splits a data set without a test split of its own into train and test (seeded by <see cref="Data.DataOptions.SplitSeed"/>).</summary>
    DataSplit = 10,
    /// <summary>The k-means++ start of a latent sampler's Gaussian mixture (EM on the posterior means).</summary>
    SamplerFit = 12,
    /// <summary>The feature classifier of the sample-quality scores: its initial weights and its training order (forked).</summary>
    FeatureClassifier = 13,
    /// <summary>The latent codes the explorer's load test sends.</summary>
    ExplorerLoad = 14,
    /// <summary>Corruption of data by the applications: the random masks of imputation, the noise of denoising, and the
    /// training noise of a denoising VAE (<c>--train-noise</c>).</summary>
    Corruption = 16,
    /// <summary>The draws of the applications: imputation chains and the posterior perturbations of augmentation.</summary>
    ApplicationSampling = 17,
    /// <summary>FactorVAE's discriminator: its initial weights (seeded by the model's seed).</summary>
    Discriminator = 18,
    /// <summary>The disentanglement metrics' draws (the pool of codes, then forked per metric).</summary>
    DisentanglementMetrics = 19,
    /// <summary>A VQ-VAE's dead-code restarts: which encoder outputs of the batch restart them (seeded by the model's seed, forked by its training step).</summary>
    CodebookRestart = 20,
    /// <summary>A code prior (the VQ-VAE's PixelCNN): its initial weights (fork 0, seeded by the prior's seed) and its training order (fork 1).</summary>
    PriorTraining = 22,
    /// <summary>Code grids drawn from a code prior by <c>vae train-prior</c> (its sample grid) and the prior's own checks.</summary>
    PriorSampling = 23,
}

/// <summary>Creates the generator of a stream.</summary>
public static class RngStreams
{
    /// <summary>The generator of <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static RandomGenerator Create(ulong seed, RngStream stream) => new(seed, (ulong)stream);
}
