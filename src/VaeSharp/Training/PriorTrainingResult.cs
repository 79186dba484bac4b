using VaeSharp.Models.Priors;
using VaeSharp.Serialization;

namespace VaeSharp.Training;

/// <summary>What <see cref="PriorTraining.Run"/> made: the trained prior, its record (as saved), the epochs' figures, and where it was saved.</summary>
/// <param name="Prior">The trained network (attached to the model).</param>
/// <param name="Record">RUN/prior/config.json's content.</param>
/// <param name="Epochs">One report per epoch.</param>
/// <param name="Folder">RUN/prior.</param>
/// <param name="SamplesFile">RUN/prior/samples.png.</param>
public sealed record PriorTrainingResult(GatedPixelCnn Prior, PriorRecord Record, IReadOnlyList<PriorEpochReport> Epochs, string Folder, string SamplesFile);
