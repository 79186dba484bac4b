using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Applications;

// Filling in the missing values of a batch (Batch.Mask: 1 = observed, 0 = missing) with a trained model or a baseline.
// Every method starts from x⁰ = x_obs with the missing values set to the training mean, and returns x_obs unchanged
// (copied bit for bit) with the missing values filled:
//   one-pass         x̂_miss = E[x_miss | z = μ(x⁰)]
//   pseudo-Gibbs     T times: z ~ q(z | x̂), x̂_miss ← E[x_miss | z]                  (Rezende et al. 2014, §5)
//   Metropolis-      T times: z' ~ q(z | x̂); accept with probability
//   within-Gibbs       min(1, p(x̂ | z') p(z') q(z | x̂) / (p(x̂ | z) p(z) q(z' | x̂)));  x̂_miss ~ p(x_miss | z)
//                    and after the last step x̂_miss = E[x_miss | z_T]
//                    (Mattei & Frellsen, "Leveraging the exact likelihood of deep latent variable models", NeurIPS 2018,
//                    Algorithm 1: p(x̂ | z) is the likelihood of the completed example, observed values and current fill)
//   mean             the training mean per value
//   kNN              the mean of the k training examples nearest in squared distance over the observed values
// Pseudo-Gibbs updates x̂_miss with the decoder's mean (a deterministic fill between the z draws); Metropolis-within-
// Gibbs samples it, as the paper does, so its chain targets p(z, x_miss | x_obs), and reports the mean at its last z.
// With draws D > 1 the D chains' results are averaged (multiple imputation).

/// <summary>Imputation of missing values with a trained model (one pass, pseudo-Gibbs, Metropolis-within-Gibbs) or a baseline (mean, kNN).</summary>
public static class Imputation
{
    /// <summary>The batch's values with its missing ones (mask 0) filled by <paramref name="method"/>; observed values are copied unchanged.</summary>
    /// <param name="model">The trained model (unused by the baselines).</param>
    /// <param name="batch">Examples with a mask (1 = observed, 0 = missing) and, for a conditional model, labels.</param>
    /// <param name="method">The method.</param>
    /// <param name="trainMean">The per-value mean of the training examples (the initial fill and the mean baseline).</param>
    /// <param name="rng">The chains' generator.</param>
    /// <param name="iterations">T of the chains.</param>
    /// <param name="draws">Independent chains averaged.</param>
    /// <param name="knnPool">The kNN baseline's training examples, (P, values), and the neighbours k.</param>
    /// <exception cref="ArgumentException">The batch has no mask, or a size does not match.</exception>
    public static float[] Impute(LatentVariableModel model, Batch batch, ImputationMethod method, ReadOnlySpan<float> trainMean, RandomGenerator rng,
        int iterations = 50, int draws = 1, (float[] Values, int Count, int K)? knnPool = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var mask = batch.Mask ?? throw new ArgumentException("Imputation needs a mask (1 = observed, 0 = missing).");
        int n = batch.Count, size = batch.X.Size / n;
        if (trainMean.Length != size) throw new ArgumentException($"The training mean has {trainMean.Length} values; an example has {size}.");
        if (iterations < 1 || draws < 1) throw new ArgumentException($"iterations {iterations}, draws {draws}: expected at least 1 each.");
        var x = batch.X.Data;
        var m = mask.Data;
        var filled = new float[x.Length];
        for (int i = 0; i < x.Length; i++) filled[i] = m[i] != 0f ? x[i] : trainMean[i % size];
        float[] result = method switch
        {
            ImputationMethod.Mean => filled,
            ImputationMethod.Knn => Knn(filled, m, n, size, knnPool ?? throw new ArgumentException("The kNN baseline needs a pool of training examples.")),
            _ => Inference.Run(model, () => Chains(model, batch, filled, method, rng, iterations, draws)),
        };
        // Observed values come back exactly as they were.
        for (int i = 0; i < x.Length; i++) if (m[i] != 0f) result[i] = x[i];
        return result;
    }

    private static float[] Chains(LatentVariableModel model, Batch batch, float[] filled, ImputationMethod method, RandomGenerator rng, int iterations, int draws)
    {
        int n = batch.Count;
        int[] shape = batch.X.Shape.ToArray();
        var labels = model.IsConditional ? batch.Labels : null;
        var m = batch.Mask!.Data;
        var sum = new float[filled.Length];
        int chains = method == ImputationMethod.OnePass ? 1 : draws;
        int steps = method == ImputationMethod.OnePass ? 0 : iterations;
        for (int d = 0; d < chains; d++)
        {
            var current = (float[])filled.Clone();
            float[] z;
            using (TensorScope.Begin())
            {
                // Start: z⁰ = μ(x⁰) for one pass, z⁰ ~ q(z | x⁰) for the chains.
                var q = model.Encode(new Batch(Tensor.FromArray(current, shape), labels));
                var z0 = method == ImputationMethod.OnePass ? q.Mean : q.Sample(rng);
                z = z0.ToArray();
                Fill(current, model.DecodeMean(z0, labels).Data, m);
            }
            for (int t = 0; t < steps; t++)
            {
                using var _ = TensorScope.Begin();
                var xt = Tensor.FromArray(current, shape);
                var q = model.Encode(new Batch(xt, labels));
                var (proposal, logQProposal) = q.SampleWithLogProb(rng);
                if (method == ImputationMethod.MetropolisGibbs)
                {
                    var zOld = Tensor.FromArray(z, n, model.LatentDim);
                    var logQOld = q.LogProb(zOld).Data;
                    // The likelihood of the completed example (observed values and the current fill), as in the paper's Algorithm 1.
                    var logNew = model.Likelihood.NegLogLikelihood(model.Decode(proposal, labels), xt).Data;
                    var logOld = model.Likelihood.NegLogLikelihood(model.Decode(zOld, labels), xt).Data;
                    var priorNew = model.Prior.LogProb(proposal).Data;
                    var priorOld = model.Prior.LogProb(zOld).Data;
                    var lq = logQProposal.Data;
                    var zs = proposal.Data;
                    int dim = model.LatentDim;
                    for (int i = 0; i < n; i++)
                    {
                        double logRho = (-logNew[i] + priorNew[i] - lq[i]) - (-logOld[i] + priorOld[i] - logQOld[i]);
                        if (logRho >= 0 || Math.Log(rng.NextDouble()) < logRho) zs.Slice(i * dim, dim).CopyTo(z.AsSpan(i * dim, dim));
                    }
                }
                else proposal.Data.CopyTo(z);
                var decoded = model.Decode(Tensor.FromArray(z, n, model.LatentDim), labels);
                if (method == ImputationMethod.MetropolisGibbs && t < steps - 1) SampleMissing(model, decoded, current, m, rng);
                else Fill(current, model.Likelihood.Mean(decoded).Data, m);
            }
            for (int i = 0; i < sum.Length; i++) sum[i] += current[i];
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= chains;
        return sum;
    }

    // x_miss ~ p(x_miss | z): Bernoulli draws of σ(logit), μ + σ ε for a Gaussian, a table's draw per cell; observed values kept.
    private static void SampleMissing(LatentVariableModel model, Tensor decoded, float[] current, ReadOnlySpan<float> mask, RandomGenerator rng)
    {
        if (model.Likelihood is TableLikelihood table)
        {
            var draw = table.Sample(decoded, rng);
            for (int i = 0; i < current.Length; i++) if (mask[i] == 0f) current[i] = draw[i];
            return;
        }
        var mean = model.Likelihood.Mean(decoded).Data;
        float std = model.Likelihood switch
        {
            BernoulliLikelihood => 0f,
            GaussianLikelihood g => g.Std,
            var other => throw new NotSupportedException($"Sampling a {other.GetType().Name} is not implemented."),
        };
        bool bernoulli = model.Likelihood is BernoulliLikelihood;
        for (int i = 0; i < current.Length; i++)
        {
            if (mask[i] != 0f) continue;
            current[i] = bernoulli ? (rng.NextFloat() < mean[i] ? 1f : 0f) : mean[i] + std * rng.NextNormal();
        }
    }

    // x_miss ← the decoder's mean, observed values kept.
    private static void Fill(float[] current, ReadOnlySpan<float> mean, ReadOnlySpan<float> mask)
    {
        for (int i = 0; i < current.Length; i++) if (mask[i] == 0f) current[i] = mean[i];
    }

    /// <summary>The per-value mean of <paramref name="data"/> (the initial fill and the mean baseline), accumulated in double precision.</summary>
    public static float[] MeanOf(IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException($"Data set {data.Name} is empty; it has no mean.");
        int size = data.ExampleShape.Aggregate(1, (a, b) => a * b);
        var sum = new double[size];
        var buffer = new float[size * 256];
        var index = new int[256];
        for (int start = 0; start < data.Count; start += 256)
        {
            int n = Math.Min(256, data.Count - start);
            for (int i = 0; i < n; i++) index[i] = start + i;
            data.CopyExamples(index.AsSpan(0, n), buffer.AsSpan(0, n * size));
            for (int i = 0; i < n * size; i++) sum[i % size] += buffer[i];
        }
        return [.. sum.Select(v => (float)(v / data.Count))];
    }

    /// <summary>log p(x_obs | z) per example: the likelihood of the observed values only (mask 1). Bernoulli and
    /// Gaussian likelihoods are summed here in double; any other (a table's per-column likelihood) uses its own masked
    /// <see cref="Distributions.Likelihood.NegLogLikelihood(Tensor, Tensor, Tensor?)"/>.</summary>
    /// <exception cref="NotSupportedException">A likelihood that cannot skip missing values.</exception>
    public static Tensor LogObserved(LatentVariableModel model, Tensor decoderOutput, Tensor x, Tensor mask)
    {
        int n = x.Shape[0];
        Tensor? perValue = model.Likelihood switch
        {
            BernoulliLikelihood => Ops.BinaryCrossEntropyWithLogits(decoderOutput.Flatten(), x.Flatten(), Reduction.None),
            GaussianLikelihood g => GaussianNll(decoderOutput, x, g.Std),
            _ => null,
        };
        if (perValue is null) return -model.Likelihood.NegLogLikelihood(decoderOutput, x, mask);
        var values = perValue.Data;
        var mv = mask.Data;
        var result = Tensor.Zeros(n);
        int size = values.Length / n;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = i * size; j < (i + 1) * size; j++) if (mv[j] != 0f) s += values[j];
            result.Data[i] = (float)-s;
        }
        return result;
    }

    // ½ (x − μ)² / σ² + ½ log 2πσ² per value.
    private static Tensor GaussianNll(Tensor mean, Tensor x, float std)
    {
        var result = Tensor.Zeros(x.Size);
        var mu = mean.Data;
        var xv = x.Data;
        double constant = 0.5 * Math.Log(2 * Math.PI * std * std), inv = 1.0 / (2.0 * std * std);
        for (int i = 0; i < xv.Length; i++) result.Data[i] = (float)((xv[i] - mu[i]) * (xv[i] - mu[i]) * inv + constant);
        return result;
    }

    // Distances over the observed values: ‖m∘(x − t)‖² = Σ m x² − 2 (m∘x)·t + m·t², two matrix products with the pool.
    private static float[] Knn(float[] filled, ReadOnlySpan<float> mask, int n, int size, (float[] Values, int Count, int K) pool)
    {
        var (values, count, k) = pool;
        if (values.Length != count * size) throw new ArgumentException($"The kNN pool holds {values.Length} values, not {count} examples of {size}.");
        if (k < 1 || k > count) throw new ArgumentException($"k {k}: expected 1 to the pool's {count} examples.");
        var result = (float[])filled.Clone();
        using var _ = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        var mx = Tensor.Zeros(n, size);
        var mt = Tensor.Zeros(n, size);
        var a = new double[n];
        for (int i = 0; i < n * size; i++)
        {
            mt.Data[i] = mask[i];
            mx.Data[i] = mask[i] * filled[i];
            a[i / size] += mask[i] * filled[i] * filled[i];
        }
        var t = Tensor.FromArray(values, count, size);
        var t2 = Ops.Square(t);
        var cross = Ops.MatMul(mx, Ops.Transpose(t)).Data;     // (n, P)
        var norms = Ops.MatMul(mt, Ops.Transpose(t2)).Data;    // (n, P)
        var order = new int[count];
        var distance = new float[count];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < count; j++) { order[j] = j; distance[j] = (float)(a[i] - 2 * cross[i * count + j] + norms[i * count + j]); }
            Array.Sort(distance, order);
            for (int v = 0; v < size; v++)
            {
                if (mask[i * size + v] != 0f) continue;
                float s = 0;
                for (int r = 0; r < k; r++) s += values[order[r] * size + v];
                result[i * size + v] = s / k;
            }
        }
        return result;
    }
}
