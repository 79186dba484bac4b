using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Objectives;
using VaeSharp.Training;

namespace VaeSharp.Evaluation;

/// <summary>
/// log p(x) ≈ log (1/k) Σ_{i=1..k} p(x | z_i) p(z_i) / q(z_i | x), z_i ~ q(z | x) — the importance-sampled
/// estimate of Rezende et al. 2014 / Burda et al. 2016 (k = 5000 in the literature). The weights are computed
/// in chunks of samples, and each example's log-mean-exp is accumulated in double precision with a running
/// maximum, so k is limited only by time.
/// </summary>
public static class ImportanceSampling
{
    /// <summary>Estimates −log p(x) over <paramref name="data"/> with <paramref name="k"/> samples per example.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Examples (binarised with a fixed seed when <paramref name="binarize"/> is "dynamic").</param>
    /// <param name="k">Importance samples per example.</param>
    /// <param name="seed">Seed of the samples (and the binarisation).</param>
    /// <param name="binarize">"none" or "dynamic".</param>
    /// <param name="rowsPerPass">How many (example, sample) pairs go through the decoder at once.</param>
    /// <param name="progress">Called with (examples done, total).</param>
    public static LikelihoodEstimate Estimate(Vae model, IDataset data, int k, ulong seed = 1, string binarize = "none",
        int rowsPerPass = 10_000, Action<int, int>? progress = null)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "The number of importance samples must be at least 1.");
        var noise = model.Noise;
        bool wasTraining = model.Training;
        model.Eval();
        model.Noise = new RandomGenerator(seed, stream: 7);
        var bin = binarize == "dynamic" ? new RandomGenerator(seed, stream: 5) : null;
        int batch = Math.Clamp(rowsPerPass / Math.Min(k, rowsPerPass), 1, 500);
        int samplesPerPass = Math.Max(1, Math.Min(k, rowsPerPass / batch));
        double nll = 0, elbo = 0;
        var index = new int[batch];
        var max = new double[batch];
        var sum = new double[batch];
        try
        {
            using var _ = GradMode.NoGrad();
            for (int start = 0; start < data.Count; start += batch)
            {
                int n = Math.Min(batch, data.Count - start);
                for (int i = 0; i < n; i++) { index[i] = start + i; max[i] = double.NegativeInfinity; sum[i] = 0; }
                var ids = index.AsSpan(0, n);
                var x = Trainer.LoadBatch(data, ids, model.Config.InputShape, bin);
                int[]? labels = model.IsConditional ? Trainer.Labels(data, ids) : null;
                for (int done = 0; done < k; done += samplesPerPass)
                {
                    int s = Math.Min(samplesPerPass, k - done);
                    using (TensorScope.Begin())
                    {
                        var logW = Iwae.LogWeights(model, x, labels, s).LogW.Data;   // (s, n)
                        for (int j = 0; j < s; j++)
                            for (int i = 0; i < n; i++)
                            {
                                double v = logW[j * n + i];
                                elbo -= v;
                                // running log-sum-exp: Σ exp(v − max)
                                if (v > max[i]) { sum[i] = sum[i] * Math.Exp(max[i] - v) + 1; max[i] = v; }
                                else sum[i] += Math.Exp(v - max[i]);
                            }
                    }
                }
                for (int i = 0; i < n; i++) nll -= max[i] + Math.Log(sum[i]) - Math.Log(k);
                progress?.Invoke(start + n, data.Count);
            }
        }
        finally
        {
            model.Noise = noise;
            model.Train(wasTraining);
        }
        return new LikelihoodEstimate(nll / data.Count, elbo / ((double)k * data.Count), k, data.Count);
    }
}
