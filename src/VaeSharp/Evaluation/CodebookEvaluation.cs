using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>
/// How a VQ-VAE reconstructs and uses its codebook over a data set (<c>vae eval</c>): the squared error between each
/// example and its reconstruction E[x | z_q] (per value and per example, summed over its values), and the usage of
/// the codes chosen for the set's grids (perplexity, codes in use). Deterministic: nothing is sampled.
/// </summary>
/// <param name="Count">Examples evaluated.</param>
/// <param name="PixelMse">Mean squared error per value.</param>
/// <param name="ImageMse">Squared error summed over an example's values, averaged over examples.</param>
/// <param name="Usage">The codes of every grid position of every example.</param>
/// <param name="CodebookSize">K.</param>
public sealed record CodebookEvaluation(int Count, double PixelMse, double ImageMse, CodebookUsage Usage, int CodebookSize)
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="data"/>, in batches, in evaluation mode.</summary>
    public static CodebookEvaluation Compute(VqVae model, IDataset data, int batchSize = Inference.DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException($"Data set {data.Name} is empty; there is nothing to evaluate.");
        var counts = new float[model.CodebookSize];
        double squared = 0;
        Inference.ForEachBatch(model, data, (batch, _) =>
        {
            var posterior = (CodebookPosterior)model.Encode(batch);
            foreach (int c in posterior.Codes) counts[c]++;
            var x = batch.X.Data;
            var recon = model.DecodeMean(posterior.Mean).Data;
            for (int i = 0; i < x.Length; i++) { double d = x[i] - recon[i]; squared += d * d; }
        }, batchSize);
        int n = data.Count;
        return new CodebookEvaluation(n, squared / ((double)n * model.Config.InputSize), squared / n, CodebookUsage.Of(counts), model.CodebookSize);
    }
}
