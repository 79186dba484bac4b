using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Models.Priors;

namespace VaeSharp.Applications;

/// <summary>A data set as a VQ-VAE sees it: every example encoded to its grid of nearest-code indices (evaluation mode, no
/// gradients, in batches), with the examples' labels when asked for. What a code prior trains and is scored on.</summary>
public static class CodeGridEncoding
{
    /// <summary>The code grids of the first <paramref name="limit"/> examples of <paramref name="data"/> (all by default).</summary>
    /// <param name="model">The VQ-VAE.</param>
    /// <param name="data">The examples; they must have the model's input shape.</param>
    /// <param name="withLabels">Also take each example's label (the data must have labels).</param>
    /// <param name="limit">At most this many examples, from the first.</param>
    /// <exception cref="ArgumentException">The data does not fit the model, or labels are asked of a set without them.</exception>
    public static CodeGrids Encode(VqVae model, IDataset data, bool withLabels, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (withLabels && data.ClassCount == 0) throw new ArgumentException($"Data set {data.Name} has no labels; a conditional prior needs them.");
        int count = Math.Min(limit ?? data.Count, data.Count), cells = model.GridHeight * model.GridWidth;
        var codes = new int[count * cells];
        BatchLoader.CheckShape(data, model.InputShape);
        var index = new int[Math.Max(1, Math.Min(Inference.DefaultBatchSize, count))];
        Inference.Run(model, () =>
        {
            for (int start = 0; start < count; start += Inference.DefaultBatchSize)
            {
                int n = Math.Min(Inference.DefaultBatchSize, count - start);
                for (int i = 0; i < n; i++) index[i] = start + i;
                using var _ = Engine.Tensors.TensorScope.Begin();
                model.EncodeCodes(BatchLoader.Load(data, index.AsSpan(0, n)).X).CopyTo(codes.AsSpan(start * cells));
            }
            return 0;
        });
        int[]? labels = withLabels ? [.. Enumerable.Range(0, count).Select(data.Label)] : null;
        return new CodeGrids(codes, count, model.GridHeight, model.GridWidth, labels);
    }
}
