using VaeSharp.Data;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>
/// Morphs: decoded <see cref="LatentPath"/>s between two codes — posterior means E_q[z | x] of two images, or two draws
/// from the prior — and, for the conditional VAE, a path between two labels with z fixed (the one-hot condition mixed
/// as (1 − t) e_a + t e_b). Decoding runs in eval mode without gradients (<see cref="Generation.Decode"/>).
/// </summary>
public static class Interpolation
{
    /// <summary>The posterior means E_q[z | x] of <paramref name="count"/> examples stored one after another (count × latent dim);
    /// a conditional model is given <paramref name="labels"/>.</summary>
    public static float[] EncodeMeans(LatentVariableModel model, ReadOnlySpan<float> examples, int count, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int size = model.Config.InputSize;
        if (examples.Length != (long)count * size) throw new ArgumentException($"{examples.Length} values are not {count} examples of shape [{string.Join(", ", model.InputShape)}].");
        if (model.IsConditional && (labels is null || labels.Length != count)) throw new ArgumentException($"This conditional model needs a label for each of the {count} examples.");
        if (!model.IsConditional && labels is not null) throw new ArgumentException("This model is not conditional; do not pass labels.");
        var shape = new int[model.InputShape.Length + 1];
        shape[0] = count;
        model.InputShape.CopyTo(shape, 1);
        var x = Tensor.FromArray(examples, shape);
        return Inference.Run(model, () => model.Encode(new Batch(x, labels)).Mean.ToArray());
    }

    /// <summary>The posterior means of the examples of <paramref name="data"/> at <paramref name="indices"/> (their own labels for a conditional model).</summary>
    public static float[] EncodeMeans(LatentVariableModel model, IDataset data, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        BatchLoader.CheckFits(data, model);
        var batch = BatchLoader.Load(data, indices, model.IsConditional);
        return Inference.Run(model, () => model.Encode(batch).Mean.ToArray());
    }

    /// <summary><paramref name="count"/> codes drawn from the model's prior with the sampling stream of <paramref name="seed"/>.</summary>
    public static float[] PriorCodes(LatentVariableModel model, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new PriorSampler(model).Sample(RngStreams.Create(seed, RngStream.Sampling), count);
    }

    /// <summary>For each of <paramref name="pairs"/> pairs, the path of <paramref name="steps"/> codes from <paramref name="from"/>'s
    /// code to <paramref name="to"/>'s (each pairs × latent dim), decoded; a conditional model decodes path i with <paramref name="labels"/>[i] fixed.</summary>
    /// <exception cref="ArgumentException">Sizes that do not fit the model, labels missing for a conditional model or given to another,
    /// or slerp between opposite codes.</exception>
    public static InterpolationResult BetweenCodes(LatentVariableModel model, ReadOnlySpan<float> from, ReadOnlySpan<float> to, int pairs, int steps,
        InterpolationMode mode, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        int d = model.LatentDim;
        if (from.Length != (long)pairs * d || to.Length != from.Length) throw new ArgumentException($"Expected {pairs} codes of dimension {d} at each end.");
        CheckLabels(model, labels, pairs);
        var codes = new float[(long)pairs * steps * d];
        for (int p = 0; p < pairs; p++)
            LatentPath.Between(from.Slice(p * d, d), to.Slice(p * d, d), steps, mode).CopyTo(codes.AsSpan(p * steps * d));
        int[]? perCode = null;
        float[]? weights = null;
        if (labels is not null)
        {
            perCode = new int[pairs * steps];
            weights = new float[pairs * steps * model.ClassCount];
            for (int i = 0; i < perCode.Length; i++)
            {
                perCode[i] = labels[i / steps];
                weights[i * model.ClassCount + perCode[i]] = 1f;
            }
        }
        var images = Generation.Decode(model, codes, pairs * steps, perCode);
        return new InterpolationResult(codes, images, pairs, steps, d, weights);
    }

    /// <summary>A conditional VAE's move from label <paramref name="fromLabel"/> to <paramref name="toLabel"/> with z fixed: for each of
    /// <paramref name="pairs"/> codes, <paramref name="steps"/> decodings with the condition (1 − t) e_from + t e_to, t = 0 … 1.</summary>
    /// <exception cref="ArgumentException">The model is not a conditional VAE, or a label is out of range.</exception>
    public static InterpolationResult BetweenLabels(LatentVariableModel model, ReadOnlySpan<float> codes, int pairs, int fromLabel, int toLabel, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is not ConditionalVae cvae)
            throw new ArgumentException($"A path between labels needs a conditional VAE; this is a {model.Description}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A path needs at least 2 steps (its two ends).");
        int d = model.LatentDim, classes = model.ClassCount;
        foreach (int label in new[] { fromLabel, toLabel })
            if ((uint)label >= (uint)classes) throw new ArgumentException($"Label {label} is outside 0..{classes - 1}.");
        if (codes.Length != (long)pairs * d) throw new ArgumentException($"Expected {pairs} codes of dimension {d}.");
        int n = pairs * steps;
        var all = new float[(long)n * d];
        var weights = new float[(long)n * classes];
        for (int p = 0; p < pairs; p++)
            for (int s = 0; s < steps; s++)
            {
                int i = p * steps + s;
                codes.Slice(p * d, d).CopyTo(all.AsSpan(i * d, d));
                float t = s == steps - 1 ? 1f : (float)((double)s / (steps - 1));
                weights[i * classes + fromLabel] += 1f - t;
                weights[i * classes + toLabel] += t;
            }
        var images = Inference.Run(model, () =>
            model.Likelihood.Mean(cvae.DecodeWithClassWeights(Tensor.FromArray(all, n, d), Tensor.FromArray(weights, n, classes))).ToArray());
        return new InterpolationResult(all, images, pairs, steps, d, weights);
    }

    private static void CheckLabels(LatentVariableModel model, int[]? labels, int pairs)
    {
        if (model.IsConditional)
        {
            if (labels is null || labels.Length != pairs)
                throw new ArgumentException($"This conditional model decodes with a label: give one (0 to {model.ClassCount - 1}) for each of the {pairs} paths.");
            foreach (int l in labels)
                if ((uint)l >= (uint)model.ClassCount) throw new ArgumentException($"Label {l} is outside 0..{model.ClassCount - 1}.");
        }
        else if (labels is not null) throw new ArgumentException("This model is not conditional; do not pass labels.");
    }
}
