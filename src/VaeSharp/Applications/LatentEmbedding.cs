using System.Globalization;
using System.Text;
using VaeSharp.Data;
using VaeSharp.Engine.IO;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Evaluation;

namespace VaeSharp.Applications;

// Where a data set lands in latent space: the posterior mean E_q[z | x] = μ(x) of every example (no
// sampling, so deterministic), with the examples' labels — the data behind the Keras VAE example's
// plot_label_clusters. Encoding runs in batches without gradients, in eval mode, each batch in its own
// TensorScope. Outputs: a scatter plot of two chosen latent dimensions coloured by label (Charts), and a CSV
// file "index,label,z0,…,z{L−1}" (label empty for unlabelled data; floats round-trip), followed by the value of each
// ground-truth factor where the data set has them (dSprites: shape, scale, orientation, pos_x, pos_y).

/// <summary>The posterior means of a data set's examples, with their labels; plots and CSV export.</summary>
public sealed class LatentEmbedding
{
    private LatentEmbedding(float[,] means, int[]? labels, int classCount, IReadOnlyList<string>? classNames)
    {
        Means = means;
        Labels = labels;
        ClassCount = classCount;
        ClassNames = classNames;
    }

    /// <summary>E_q[z | x] per example: Means[i, u] is dimension u of example i.</summary>
    public float[,] Means { get; }

    /// <summary>The label of each example, or null when the data set has none.</summary>
    public int[]? Labels { get; }

    /// <summary>Number of label classes of the data set (0 without labels).</summary>
    public int ClassCount { get; }

    /// <summary>The data set's class names by label (<see cref="IDataset.ClassNames"/>), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The examples' ground-truth factors (<see cref="IDataset.Factors"/>), or null.</summary>
    public DatasetFactors? Factors { get; private init; }

    /// <summary>Number of examples.</summary>
    public int Count => Means.GetLength(0);

    /// <summary>Latent dimension.</summary>
    public int LatentDim => Means.GetLength(1);

    /// <summary>Encodes the first <paramref name="limit"/> examples of <paramref name="data"/> (all by default).</summary>
    /// <param name="model">A trained model; a conditional one is given each example's label.</param>
    /// <param name="data">The examples, of the model's input shape.</param>
    /// <param name="limit">At most this many examples, from the first; null for all.</param>
    /// <param name="batchSize">Examples per encoder call.</param>
    /// <exception cref="ArgumentException">The data does not fit the model, or a conditional model meets unlabelled data.</exception>
    public static LatentEmbedding Compute(LatentVariableModel model, IDataset data, int? limit = null, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The example limit must be positive.");
        int count = Math.Min(limit ?? data.Count, data.Count), latentDim = model.LatentDim;
        var means = new float[count, latentDim];
        int[]? labels = data.ClassCount > 0 ? new int[count] : null;
        Inference.ForEachBatch(model, data, (batch, start) =>
        {
            var m = model.Encode(batch).Mean.Data;
            for (int i = 0; i < batch.Count; i++)
                for (int u = 0; u < latentDim; u++) means[start + i, u] = m[i * latentDim + u];
            if (labels is not null)
                for (int i = 0; i < batch.Count; i++) labels[start + i] = data.Label(start + i);
        }, batchSize, count);
        return new LatentEmbedding(means, labels, data.ClassCount, labels is null ? null : data.ClassNames)
        {
            Factors = data.Factors?.Select([.. Enumerable.Range(0, count)]),
        };
    }

    /// <summary>Dimension <paramref name="dim"/> of every example's mean, in example order.</summary>
    public float[] Column(int dim)
    {
        if ((uint)dim >= (uint)LatentDim) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Latent dimensions are 0 to {LatentDim - 1}.");
        var column = new float[Count];
        for (int i = 0; i < column.Length; i++) column[i] = Means[i, dim];
        return column;
    }

    /// <summary>The scatter plot of dimension <paramref name="xDim"/> against <paramref name="yDim"/>, coloured by label,
    /// with axes labelled z[xDim] and z[yDim] and a legend of the classes by name (none without labels).</summary>
    /// <param name="xDim">The latent dimension on the horizontal axis.</param>
    /// <param name="yDim">The latent dimension on the vertical axis.</param>
    /// <param name="title">Title above the plot, or null.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <returns>The chart, to render or save (<see cref="Chart.SavePng"/>); dispose it when done.</returns>
    /// <exception cref="ArgumentException">The dimensions are not two different latent dimensions.</exception>
    public Chart Plot(int xDim = 0, int yDim = 1, string? title = null, int width = 960, int height = 800)
    {
        LatentGrid.CheckDims(LatentDim, xDim, yDim);
        return Charts.LatentScatter(Column(xDim), Column(yDim), Labels ?? [], ClassNames, title, $"z[{xDim}]", $"z[{yDim}]", width, height);
    }

    /// <summary>Writes "index,label,z0,…,z{L−1}" and then one column per ground-truth factor (its value), one row per
    /// example (label empty without labels), atomically.</summary>
    /// <param name="path">The CSV file to create or replace; its folder must exist.</param>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = new StringBuilder("index,label");
        for (int u = 0; u < LatentDim; u++) text.Append(CultureInfo.InvariantCulture, $",z{u}");
        if (Factors is not null) foreach (var f in Factors.Factors) text.Append(',').Append(f.Name);
        text.Append('\n');
        for (int i = 0; i < Count; i++)
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',');
            if (Labels is not null) text.Append(Labels[i].ToString(CultureInfo.InvariantCulture));
            for (int u = 0; u < LatentDim; u++) text.Append(',').Append(Means[i, u].ToString("R", CultureInfo.InvariantCulture));
            if (Factors is not null)
                for (int f = 0; f < Factors.FactorCount; f++) text.Append(',').Append(Factors.Value(i, f).ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
