using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>
/// The sample-quality scores of a model and a sampler, in the feature space of a <see cref="FeatureClassifier"/>:
/// FID between <c>samples</c> decoded samples and the test set (<see cref="FrechetDistance"/>), precision and recall
/// (<see cref="PrecisionRecall"/>, k = 3) on the first <c>neighbourSamples</c> of each, and, for a conditional model, the
/// fraction of samples the classifier assigns to the class they were drawn for (classes in turn: sample i has class
/// i mod C). The samples are E[x | z] with z from the sampler (sampling stream of the seed).
/// </summary>
public static class SampleQuality
{
    /// <summary>The default number of generated samples (the test set's size for MNIST).</summary>
    public const int DefaultSamples = 10_000;

    /// <summary>The default number of points per set for precision and recall.</summary>
    public const int DefaultNeighbourSamples = 5_000;

    /// <summary>Scores <paramref name="model"/>'s samples from <paramref name="sampler"/> against <paramref name="test"/>.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="sampler">Where the codes come from.</param>
    /// <param name="classifier">The data set's feature classifier (<see cref="FeatureClassifier.LoadOrTrain"/>).</param>
    /// <param name="test">The real examples (the test split).</param>
    /// <param name="samples">Generated samples for the FID.</param>
    /// <param name="seed">Seed of the latent draws.</param>
    /// <param name="neighbourSamples">Points per set for precision and recall (at most the sizes of both sets).</param>
    /// <param name="neighbours">k of precision and recall.</param>
    /// <exception cref="ArgumentException">The classifier does not fit the data or the model, or too few samples.</exception>
    public static SampleQualityReport Evaluate(LatentVariableModel model, LatentSampler sampler, FeatureClassifier classifier, IDataset test,
        int samples = DefaultSamples, ulong seed = 1, int neighbourSamples = DefaultNeighbourSamples, int neighbours = PrecisionRecall.DefaultNeighbours)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(test);
        if (samples < 2) throw new ArgumentException($"samples {samples}: the FID needs at least 2 samples.");
        if (!classifier.ExampleShape.SequenceEqual(model.InputShape))
            throw new ArgumentException($"The classifier reads examples of shape [{string.Join(", ", classifier.ExampleShape)}]; the model makes [{string.Join(", ", model.InputShape)}].");
        BatchLoader.CheckShape(test, model.InputShape);
        int[]? labels = null;
        if (model.IsConditional)
        {
            if (model.ClassCount > classifier.ClassCount)
                throw new ArgumentException($"The conditional model has {model.ClassCount} classes; the classifier knows {classifier.ClassCount}.");
            labels = new int[samples];
            for (int i = 0; i < samples; i++) labels[i] = i % model.ClassCount;
        }
        var generated = Generation.Sample(model, samples, seed, sampler, labels);
        var fakeFeatures = classifier.Features(generated, samples);
        var realFeatures = classifier.Features(test);
        int realCount = test.Count, w = FeatureClassifier.FeatureWidth;
        double fid = FrechetDistance.Compute(FeatureMoments.Compute(realFeatures, realCount, w), FeatureMoments.Compute(fakeFeatures, samples, w));
        int m = Math.Min(neighbourSamples, Math.Min(realCount, samples));
        var (precision, recall) = PrecisionRecall.Compute(realFeatures[..(m * w)], m, fakeFeatures[..(m * w)], m, w, neighbours);

        double? accuracy = null;
        double[]? perClass = null;
        if (labels is not null)
        {
            var predicted = classifier.Predict(generated, samples);
            var right = new int[model.ClassCount];
            var total = new int[model.ClassCount];
            for (int i = 0; i < samples; i++) { total[labels[i]]++; if (predicted[i] == labels[i]) right[labels[i]]++; }
            accuracy = (double)right.Sum() / samples;
            perClass = [.. right.Select((r, c) => total[c] == 0 ? double.NaN : (double)r / total[c])];
        }
        return new SampleQualityReport(sampler.Kind, sampler.Description, fid, precision, recall, samples, realCount, m, neighbours,
            accuracy, perClass, classifier.TestAccuracy);
    }
}
