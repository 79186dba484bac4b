using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Objectives;

namespace VaeSharp.Evaluation;

/// <summary>
/// log p(x) ≈ log (1/k) Σ_{i=1..k} p(x | z_i) p(z_i) / q(z_i | x), z_i ~ q(z | x) — the importance-sampled
/// estimate of Rezende et al. 2014 / Burda et al. 2016 (k = 5000 in the literature). The weights are computed
/// in chunks of samples, and each example's log-mean-exp is accumulated in double precision with a running
/// maximum, so k is limited only by time. Example e's samples come from its own generator (the stream forked
/// by e), so the estimate does not depend on how examples and samples are grouped into decoder passes.
/// Needs a posterior drawn from standard normal noise (<see cref="LatentDistribution.SampleWithLogProb(Tensor)"/>): a
/// diagonal Gaussian, or a hierarchy of them (<see cref="HierarchicalGaussian"/>), whose full q(z₁, …, z_L | x) is then used.
/// </summary>
public static class ImportanceSampling
{
    /// <summary>Estimates −log p(x) over <paramref name="data"/> with <paramref name="k"/> samples per example.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Examples (binarised with a fixed seed when <paramref name="binarize"/> is dynamic).</param>
    /// <param name="k">Importance samples per example.</param>
    /// <param name="seed">Seed of the samples (and the binarisation).</param>
    /// <param name="binarize">None or dynamic.</param>
    /// <param name="rowsPerPass">How many (example, sample) pairs go through the decoder at once.</param>
    /// <param name="progress">Called with (examples done, total).</param>
    public static LikelihoodEstimate Estimate(LatentVariableModel model, IDataset data, int k, ulong seed = 1, Binarization binarize = Binarization.None,
        int rowsPerPass = 10_000, Action<int, int>? progress = null)
    {
        double nll = 0, elbo = 0;
        Run(model, data, k, seed, binarize, rowsPerPass, progress, v => elbo -= v, (_, logPx) => nll -= logPx);
        return new LikelihoodEstimate(nll / data.Count, elbo / ((double)k * data.Count), k, data.Count);
    }

    /// <summary>−log p(x) of each example of <paramref name="data"/> with <paramref name="k"/> samples (the per-example terms of
    /// <see cref="Estimate"/>: the same samples, so their mean is its <see cref="LikelihoodEstimate.Nll"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Examples.</param>
    /// <param name="k">Importance samples per example.</param>
    /// <param name="seed">Seed of the samples (and the binarisation).</param>
    /// <param name="binarize">None or dynamic.</param>
    /// <param name="rowsPerPass">How many (example, sample) pairs go through the decoder at once.</param>
    /// <param name="progress">Called with (examples done, total).</param>
    public static double[] PerExample(LatentVariableModel model, IDataset data, int k, ulong seed = 1, Binarization binarize = Binarization.None,
        int rowsPerPass = 10_000, Action<int, int>? progress = null)
    {
        var nll = new double[data.Count];
        Run(model, data, k, seed, binarize, rowsPerPass, progress, null, (index, logPx) => nll[index] = -logPx);
        return nll;
    }

    // The estimator: every log w in (batch, sample, example) order to onLogWeight, then each example's log-mean-exp to onExample.
    private static void Run(LatentVariableModel model, IDataset data, int k, ulong seed, Binarization binarize, int rowsPerPass,
        Action<int, int>? progress, Action<double>? onLogWeight, Action<int, double> onExample)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "The number of importance samples must be at least 1.");
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerPass, 1);
        var root = RngStreams.Create(seed, RngStream.ImportanceSampling);
        var bin = binarize == Binarization.Dynamic ? RngStreams.Create(seed, RngStream.EvaluationBinarization) : null;
        int batch = Math.Clamp(rowsPerPass / Math.Min(k, rowsPerPass), 1, 500);
        int samplesPerPass = Math.Max(1, Math.Min(k, rowsPerPass / batch));
        int d = model.LatentDim;
        var max = new double[batch];
        var sum = new double[batch];
        var perExample = new RandomGenerator[batch];
        Inference.ForEachBatch(model, data, (x, start) =>
        {
            if (x.Mask is not null) throw new NotSupportedException("The importance-sampled likelihood of examples with missing values (a mask) is not implemented.");
            int n = x.Count;
            for (int i = 0; i < n; i++) { max[i] = double.NegativeInfinity; sum[i] = 0; perExample[i] = root.Fork((ulong)(start + i)); }
            for (int done = 0; done < k; done += samplesPerPass)
            {
                int s = Math.Min(samplesPerPass, k - done);
                using (TensorScope.Begin())
                {
                    var eps = Tensor.Zeros(s * n, d);   // row j·n + i: sample done + j of example i
                    for (int j = 0; j < s; j++)
                        for (int i = 0; i < n; i++) perExample[i].FillNormal(eps.Data.Slice((j * n + i) * d, d));
                    var logW = Iwae.LogWeights(model, x, s, q => q.SampleWithLogProb(eps)).LogW.Data;   // (s, n)
                    for (int j = 0; j < s; j++)
                        for (int i = 0; i < n; i++)
                        {
                            double v = logW[j * n + i];
                            onLogWeight?.Invoke(v);
                            // running log-sum-exp: Σ exp(v − max)
                            if (v > max[i]) { sum[i] = sum[i] * Math.Exp(max[i] - v) + 1; max[i] = v; }
                            else sum[i] += Math.Exp(v - max[i]);
                        }
                }
            }
            for (int i = 0; i < n; i++) onExample(start + i, max[i] + Math.Log(sum[i]) - Math.Log(k));
            progress?.Invoke(start + n, data.Count);
        }, batch, binarize: bin);
    }
}
