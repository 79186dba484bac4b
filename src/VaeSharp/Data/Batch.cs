using VaeSharp.Engine.Tensors;

namespace VaeSharp.Data;

/// <summary>
/// What a model sees of a minibatch: the examples x (N, example shape), their labels when the model is
/// conditioned on them, and an optional mask (N, example shape; 1 = observed, 0 = missing) for data with
/// missing values. Built by <see cref="BatchLoader"/> for training, evaluation and every application.
/// </summary>
/// <param name="X">The examples.</param>
/// <param name="Labels">One class per example, or null.</param>
/// <param name="Mask">Which values are observed, or null when all are.</param>
/// <param name="Target">The values the likelihood scores when they differ from the input (the clean examples of a denoising VAE,
/// whose X is corrupted), or null: X itself.</param>
public sealed record Batch(Tensor X, int[]? Labels = null, Tensor? Mask = null, Tensor? Target = null)
{
    /// <summary>Number of examples N.</summary>
    public int Count => X.Shape[0];
}
