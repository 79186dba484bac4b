using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>A model's own loss (for the VAE the −ELBO, β-weighted, without KL controls) over a whole data set.</summary>
public static class LossEvaluation
{
    /// <summary>Per-example loss terms over <paramref name="data"/>, without gradients. Deterministic: the noise (and, with
    /// dynamic binarisation, the one binary sample of the set) come from streams of <paramref name="seed"/>.</summary>
    public static LossSummary Evaluate(LatentVariableModel model, IDataset data, Binarization binarize = Binarization.None, ulong seed = 1,
        int batchSize = Inference.DefaultBatchSize)
    {
        if (data.Count == 0) throw new ArgumentException($"Data set {data.Name} is empty; there is nothing to evaluate.");
        var noise = RngStreams.Create(seed, RngStream.EvaluationNoise);
        var bin = binarize == Binarization.Dynamic ? RngStreams.Create(seed, RngStream.EvaluationBinarization) : null;
        var totals = new LossSummary.Accumulator(model.LossTermNames);
        var context = LossContext.Plain(noise);
        Inference.ForEachBatch(model, data, (batch, _) => totals.Add(model.Loss(batch, context), batch.Count), batchSize, binarize: bin);
        return totals.Result();
    }
}
