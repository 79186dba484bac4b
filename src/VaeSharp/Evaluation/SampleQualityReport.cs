using VaeSharp.Applications;

namespace VaeSharp.Evaluation;

/// <summary>The scores <see cref="SampleQuality.Evaluate"/> measures.</summary>
/// <param name="Sampler">The sampler the codes came from.</param>
/// <param name="SamplerDescription">The sampler in words.</param>
/// <param name="Fid">Fréchet distance between the generated and the test features.</param>
/// <param name="Precision">Fraction of generated samples inside the test set's feature manifold.</param>
/// <param name="Recall">Fraction of test examples inside the generated samples' feature manifold.</param>
/// <param name="Samples">Generated samples in the FID.</param>
/// <param name="RealCount">Test examples in the FID.</param>
/// <param name="NeighbourSamples">Points per set in precision and recall.</param>
/// <param name="Neighbours">k of precision and recall.</param>
/// <param name="LabelAccuracy">For a conditional model: the fraction of samples classified as the class they were drawn for; else null.</param>
/// <param name="PerClassAccuracy">For a conditional model: that fraction per class; else null.</param>
/// <param name="ClassifierTestAccuracy">The feature classifier's accuracy on the real test set.</param>
public sealed record SampleQualityReport(SamplerKind Sampler, string SamplerDescription, double Fid, double Precision, double Recall,
    int Samples, int RealCount, int NeighbourSamples, int Neighbours, double? LabelAccuracy, double[]? PerClassAccuracy, double ClassifierTestAccuracy);
