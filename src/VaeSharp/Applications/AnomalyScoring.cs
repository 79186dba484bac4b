using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Applications;

// Anomaly scores of a trained model, per example (An & Cho 2015, "Variational autoencoder based anomaly detection
// using reconstruction probability"; the scores alibi-detect's OutlierVAE offers):
//   −ELBO(x)  = (1/L) Σ_l −log p(x | z_l) + KL(q(z | x) ‖ p(z)),  z_l ~ q(z | x)      L = elboSamples
//               (with a mask, −log p(x_obs | z_l): the observed values only, Bernoulli or Gaussian likelihoods)
//   −log p(x) ≈ −log (1/k) Σ_i p(x | z_i) p(z_i) / q(z_i | x)                         ImportanceSampling.PerExample
//   recon(x)  = Σ_j m_j (x_j − x̂_j)² · D / Σ_j m_j,   x̂ = E[x | z = μ(x)]           m = the batch's mask (1 = observed)
// The error map of an example is |x − x̂| per value (0 where missing). Grey values are scored as they are (no
// binarisation), so the scores are deterministic for a seed. The importance-sampled −log p(x) needs every value observed.

/// <summary>Per-example anomaly scores (−ELBO, importance-sampled −log p(x), reconstruction error) and error maps of a trained model.</summary>
public static class AnomalyScoring
{
    /// <summary>The scores of every example of <paramref name="data"/>.</summary>
    /// <param name="model">A trained model whose input shape <paramref name="data"/> has.</param>
    /// <param name="data">The examples to score.</param>
    /// <param name="importanceSamples">k of the importance-sampled −log p(x); 0 to skip it.</param>
    /// <param name="elboSamples">Samples L of q(z | x) in the −ELBO's reconstruction term.</param>
    /// <param name="seed">Seed of the −ELBO's noise and the importance samples.</param>
    /// <param name="progress">Called with (examples done, total) for the importance sampling.</param>
    /// <exception cref="ArgumentException">The data does not fit the model, or a count is out of range.</exception>
    public static AnomalyScores Score(LatentVariableModel model, IDataset data, int importanceSamples = 0, int elboSamples = 1, ulong seed = 1,
        Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (importanceSamples < 0) throw new ArgumentException($"importance samples {importanceSamples}: expected 0 (none) or more.");
        if (elboSamples < 1) throw new ArgumentException($"ELBO samples {elboSamples}: expected at least 1.");
        if (data.Count == 0) throw new ArgumentException($"Data set {data.Name} is empty; there is nothing to score.");
        var negElbo = new double[data.Count];
        var recon = new double[data.Count];
        var noise = RngStreams.Create(seed, RngStream.EvaluationNoise);
        Inference.ForEachBatch(model, data, (batch, start) =>
        {
            int n = batch.Count;
            var labels = model.IsConditional ? batch.Labels : null;
            var posterior = model.Encode(batch);
            var mean = model.DecodeMean(posterior.Mean, labels).Data;
            ReconstructionErrors(batch, mean, recon.AsSpan(start, n));
            var kl = Ops.Sum(model.Prior.Kl(posterior, Engine.Autograd.Reduction.None), 1).Data;
            for (int i = 0; i < n; i++) negElbo[start + i] = kl[i];
            for (int l = 0; l < elboSamples; l++)
            {
                var decoded = model.Decode(posterior.Sample(noise), labels);
                // With missing values, the likelihood of the observed ones only: −log p(x_obs | z).
                var nll = batch.Mask is null ? model.Likelihood.NegLogLikelihood(decoded, batch.X).Data
                    : (-Imputation.LogObserved(model, decoded, batch.X, batch.Mask)).Data;
                for (int i = 0; i < n; i++) negElbo[start + i] += nll[i] / (double)elboSamples;
            }
        });
        double[]? isNll = importanceSamples > 0 ? ImportanceSampling.PerExample(model, data, importanceSamples, seed, progress: progress) : null;
        return new AnomalyScores(negElbo, isNll, recon, importanceSamples);
    }

    /// <summary>For each of <paramref name="indices"/>: the example x, its reconstruction E[x | z = μ(x)] and the error map |x − x̂|,
    /// each of the data set's example size, one after another (so a grid can show them side by side).</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The data set.</param>
    /// <param name="indices">Which examples.</param>
    public static (float[] Examples, float[] Reconstructions, float[] ErrorMaps) ErrorMaps(LatentVariableModel model, IDataset data, IReadOnlyList<int> indices)
    {
        var subset = new SubsetDataset(data, indices);
        int size = data.ExampleShape.Aggregate(1, (a, b) => a * b);
        var x = new float[subset.Count * size];
        var xHat = new float[x.Length];
        var error = new float[x.Length];
        Inference.ForEachBatch(model, subset, (batch, start) =>
        {
            var mean = model.DecodeMean(model.Encode(batch).Mean, model.IsConditional ? batch.Labels : null).Data;
            var values = batch.X.Data;
            var mask = batch.Mask is null ? default : batch.Mask.Data;
            bool masked = batch.Mask is not null;
            int offset = start * size;
            values.CopyTo(x.AsSpan(offset));
            mean.CopyTo(xHat.AsSpan(offset));
            for (int j = 0; j < values.Length; j++)
                error[offset + j] = masked && mask[j] == 0f ? 0f : MathF.Abs(values[j] - mean[j]);
        });
        return (x, xHat, error);
    }

    // Σ_j m_j (x_j − x̂_j)² · D / Σ_j m_j per example (the plain sum of squares when all are observed).
    private static void ReconstructionErrors(Batch batch, ReadOnlySpan<float> mean, Span<double> destination)
    {
        var x = batch.X.Data;
        var mask = batch.Mask is null ? default : batch.Mask.Data;
        bool masked = batch.Mask is not null;
        int size = x.Length / batch.Count;
        for (int i = 0; i < batch.Count; i++)
        {
            double sum = 0;
            int observed = 0;
            for (int j = i * size; j < (i + 1) * size; j++)
            {
                if (masked && mask[j] == 0f) continue;
                double e = x[j] - mean[j];
                sum += e * e;
                observed++;
            }
            destination[i] = observed == 0 ? double.NaN : sum * size / observed;
        }
    }
}
