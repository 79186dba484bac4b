using VaeSharp.Applications;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Tests.Evaluation;

public sealed class SampleQualityTests
{
    [Fact]
    public void Classifier_LearnsTwoPrototypes_IsCached_AndRetrainsForOtherData()
    {
        string cache = Path.Combine(Path.GetTempPath(), $"vaesharp-classifiers-{Guid.NewGuid():N}");
        try
        {
            var train = TestData.TwoPrototypes(200);
            var test = TestData.TwoPrototypes(40);
            var (classifier, trained) = FeatureClassifier.LoadOrTrain(train, test, cache);
            Assert.True(trained);
            Assert.Equal(1.0, classifier.TestAccuracy);
            var (cached, trainedAgain) = FeatureClassifier.LoadOrTrain(train, test, cache);
            Assert.False(trainedAgain);
            Assert.Equal(classifier.TestAccuracy, cached.TestAccuracy);
            var values = new float[40 * 16];
            test.CopyExamples(Enumerable.Range(0, 40).ToArray(), values);
            Assert.Equal(classifier.Features(values, 40), cached.Features(values, 40));
            Assert.True(FeatureClassifier.LoadOrTrain(TestData.TwoPrototypes(100), test, cache).Trained);   // other training values
            // A damaged cache file is replaced by a new training, not reported as an error.
            File.WriteAllBytes(cached.File!, [1, 2, 3]);
            var (retrained, trainedOverDamage) = FeatureClassifier.LoadOrTrain(train, test, cache);
            Assert.True(trainedOverDamage);
            Assert.Equal(classifier.Features(values, 40), retrained.Features(values, 40));   // the same deterministic training
            var error = Assert.Throws<ArgumentException>(() => FeatureClassifier.LoadOrTrain(TestData.Noise(50), TestData.Noise(10), cache));
            Assert.Contains("no labels", error.Message);
        }
        finally { if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true); }
    }

    [Fact]
    public void Evaluate_ScoresAModelsSamples_AndAConditionalModelsLabels()
    {
        string cache = Path.Combine(Path.GetTempPath(), $"vaesharp-classifiers-{Guid.NewGuid():N}");
        try
        {
            var train = TestData.TwoPrototypes(200);
            var test = TestData.TwoPrototypes(100);
            var (classifier, _) = FeatureClassifier.LoadOrTrain(train, test, cache);
            var vae = new Vae(TestData.SmallVae());
            var report = SampleQuality.Evaluate(vae, new PriorSampler(vae), classifier, test, samples: 100, neighbourSamples: 50);
            Assert.True(report.Fid >= 0 && double.IsFinite(report.Fid));
            Assert.InRange(report.Precision, 0, 1);
            Assert.Null(report.LabelAccuracy);
            Assert.Equal(50, report.NeighbourSamples);

            var cvae = new ConditionalVae(TestData.SmallCvae(classes: 2));
            var conditional = SampleQuality.Evaluate(cvae, new PriorSampler(cvae), classifier, test, samples: 100, neighbourSamples: 50);
            Assert.NotNull(conditional.LabelAccuracy);
            Assert.Equal(2, conditional.PerClassAccuracy!.Length);
            Assert.Equal(conditional.LabelAccuracy!.Value, conditional.PerClassAccuracy.Average(), 10);   // 50 samples per class

            // The real test images against themselves through the same path: FID 0.
            var features = classifier.Features(test);
            var m = FeatureMoments.Compute(features, 100, FeatureClassifier.FeatureWidth);
            Assert.InRange(FrechetDistance.Compute(m, m), 0, 1e-9);
        }
        finally { if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true); }
    }
}
