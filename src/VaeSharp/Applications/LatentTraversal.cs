using System.Globalization;
using SkiaSharp;
using VaeSharp.Data;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Evaluation.Disentanglement;
using VaeSharp.Imaging;
using VaeSharp.Models;

namespace VaeSharp.Applications;

// Latent traversals: one row per latent dimension, sorted by the dimension's KL on the data (most used first); row d
// decodes the base code with z_d set to each of `steps` values evenly spaced over [−range, range] (the other
// dimensions keep the base code: the prior mean 0, or an example's posterior mean). Where the data has ground-truth
// factors, each row is labelled with the factor its posterior mean tells most about: the largest I(z_d; v_k) / H(v_k),
// z_d binned into 20 equal-width bins as MIG does. Decoding runs in eval mode without gradients, one row per batch.

/// <summary>Decoded traversals of each latent dimension, ordered by KL, with each dimension's most informative factor.</summary>
public sealed class LatentTraversal
{
    private LatentTraversal(int[] order, double[] kl, (string Name, double Score)?[] factors, float[] values, float[] images, int[] exampleShape, string baseCode)
    {
        Order = order;
        KlPerDimension = kl;
        Factors = factors;
        Values = values;
        Images = images;
        ExampleShape = exampleShape;
        Base = baseCode;
    }

    /// <summary>The latent dimensions in row order (KL descending; ties by index).</summary>
    public int[] Order { get; }

    /// <summary>KL(q(z_d | x) ‖ p(z_d)) of each dimension (by dimension index), averaged over the data.</summary>
    public double[] KlPerDimension { get; }

    /// <summary>Per dimension index: the most informative factor and its normalised mutual information, or null (no factors).</summary>
    public (string Name, double Score)?[] Factors { get; }

    /// <summary>The values each row gives its dimension, left to right.</summary>
    public float[] Values { get; }

    /// <summary>The decoded means, row after row (Order.Length · Values.Length images of <see cref="ExampleShape"/>).</summary>
    public float[] Images { get; }

    /// <summary>Shape of one image.</summary>
    public int[] ExampleShape { get; }

    /// <summary>What the other dimensions hold: "the prior mean" or "the posterior mean of example i".</summary>
    public string Base { get; }

    /// <summary>Computes the traversals of <paramref name="model"/> over <paramref name="data"/> (the first
    /// <paramref name="statisticsLimit"/> examples give the KL and the factor labels).</summary>
    /// <param name="model">An unconditional model.</param>
    /// <param name="data">The data (its factors, if any, label the rows).</param>
    /// <param name="range">k: the values span [−k, k].</param>
    /// <param name="steps">Values per row, at least 2.</param>
    /// <param name="around">The example whose posterior mean is the base code, or null for the prior mean 0.</param>
    /// <param name="statisticsLimit">Examples for the KL and the factor labels.</param>
    public static LatentTraversal Compute(LatentVariableModel model, IDataset data, float range = 2f, int steps = 9, int? around = null, int statisticsLimit = 5000)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (model.IsConditional) throw new ArgumentException($"Traversals need an unconditional model; {model.Description} decodes with a label.");
        if (around is int a && (a < 0 || a >= data.Count)) throw new ArgumentOutOfRangeException(nameof(around), a, $"Example index: expected 0 to {data.Count - 1}.");
        var values = LatentGrid.Positions(steps, range);
        int limit = Math.Min(statisticsLimit, data.Count), d = model.LatentDim;
        var stats = LatentStatistics.Compute(model, new DatasetPrefix(data, limit));
        var order = Enumerable.Range(0, d).OrderByDescending(j => stats.KlPerDimension[j]).ThenBy(j => j).ToArray();
        var factors = new (string, double)?[d];
        var embedding = LatentEmbedding.Compute(model, data, limit);
        if (data.Factors is { } f)
        {
            for (int j = 0; j < d; j++)
            {
                var binned = DisentanglementMetrics.Discretise([.. embedding.Column(j).Select(v => (double)v)], 20);
                (string, double)? best = null;
                for (int k = 0; k < f.FactorCount; k++)
                {
                    var classes = Enumerable.Range(0, limit).Select(i => f.Class(i, k)).ToArray();
                    double h = DisentanglementMetrics.MutualInformation(classes, classes, limit);
                    double score = h > 0 ? DisentanglementMetrics.MutualInformation(binned, classes, limit) / h : 0;
                    if (best is null || score > best.Value.Item2) best = (f.Factors[k].Name, score);
                }
                factors[j] = best;
            }
        }
        var baseCode = new float[d];
        if (around is int example) for (int j = 0; j < d; j++) baseCode[j] = LatentEmbedding.Compute(model, new DatasetRows(data, example), 1).Means[0, j];
        int size = data.ExampleShape.Aggregate(1, (x, y) => x * y);
        var images = new float[d * steps * size];
        for (int r = 0; r < d; r++)
        {
            var codes = new float[steps * d];
            for (int s = 0; s < steps; s++)
            {
                baseCode.CopyTo(codes, s * d);
                codes[s * d + order[r]] = values[s];
            }
            var decoded = Inference.Run(model, () =>
            {
                using (TensorScope.Begin()) return model.DecodeMean(Tensor.FromArray(codes, steps, d)).ToArray();
            });
            decoded.CopyTo(images, r * steps * size);
        }
        return new LatentTraversal(order, stats.KlPerDimension, factors, values, images, (int[])data.ExampleShape.Clone(),
            around is int e ? $"the posterior mean of example {e}" : "the prior mean");
    }

    /// <summary>The label of row <paramref name="row"/>: "z3  KL 2.31  pos_x 0.62".</summary>
    public string RowLabel(int row)
    {
        int dim = Order[row];
        string label = string.Create(CultureInfo.InvariantCulture, $"z{dim}  KL {KlPerDimension[dim]:F2}");
        return Factors[dim] is { } f ? label + string.Create(CultureInfo.InvariantCulture, $"  {f.Name} {f.Score:F2}") : label;
    }

    /// <summary>The grid (one row per dimension, <see cref="Values"/> across) with each row's label on its left, as an RGB image.</summary>
    public Image8 Render()
    {
        int channels = ExampleShape[0], h = ExampleShape[1], w = ExampleShape[2], steps = Values.Length, rows = Order.Length;
        var grid = ImageGrid.Compose(Images, rows * steps, channels, h, w, steps);
        const int margin = 190;
        var info = new SKImageInfo(grid.Width + margin, grid.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            for (int y = 0; y < grid.Height; y++)
                for (int x = 0; x < grid.Width; x++)
                {
                    int at = (y * grid.Width + x) * grid.Channels;
                    var c = grid.Channels == 1 ? new SKColor(grid.Pixels[at], grid.Pixels[at], grid.Pixels[at]) : new SKColor(grid.Pixels[at], grid.Pixels[at + 1], grid.Pixels[at + 2]);
                    bitmap.SetPixel(margin + x, y, c);
                }
            using var font = new SKFont(SKTypeface.Default, 13);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            int pitch = (grid.Height - 2) / rows;
            for (int r = 0; r < rows; r++) canvas.DrawText(RowLabel(r), 6, 2 + r * pitch + pitch / 2f + 5, SKTextAlign.Left, font, paint);
        }
        var pixels = new byte[bitmap.Width * bitmap.Height * 3];
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                int at = (y * bitmap.Width + x) * 3;
                (pixels[at], pixels[at + 1], pixels[at + 2]) = (c.Red, c.Green, c.Blue);
            }
        return new Image8(bitmap.Width, bitmap.Height, 3, pixels);
    }

    /// <summary>The animation frames: frame s shows every row's image at value s, as one gray column of tiles (rows in
    /// <see cref="Order"/>), going −k → k and back. Only for gray images.</summary>
    public IReadOnlyList<Image8> Frames()
    {
        if (ExampleShape[0] != 1) throw new NotSupportedException("The GIF writer takes gray images; this model's images have colour channels.");
        int h = ExampleShape[1], w = ExampleShape[2], steps = Values.Length, rows = Order.Length, size = h * w;
        var frames = new List<Image8>();
        var sequence = Enumerable.Range(0, steps).Concat(Enumerable.Range(1, steps - 2).Reverse());
        foreach (int s in sequence)
        {
            var column = new float[rows * size];
            for (int r = 0; r < rows; r++) Images.AsSpan((r * steps + s) * size, size).CopyTo(column.AsSpan(r * size));
            frames.Add(ImageGrid.Compose(column, rows, 1, h, w, columns: Math.Min(rows, 5)));
        }
        return frames;
    }

    // The first n examples of a data set.
    private sealed class DatasetPrefix(IDataset inner, int n) : IDataset
    {
        public string Name => inner.Name;
        public int Count => n;
        public int[] ExampleShape => inner.ExampleShape;
        public int ClassCount => inner.ClassCount;
        public int Label(int index) => inner.Label(index);
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination) => inner.CopyExamples(indices, destination);
    }

    // One example of a data set.
    private sealed class DatasetRows(IDataset inner, int row) : IDataset
    {
        public string Name => inner.Name;
        public int Count => 1;
        public int[] ExampleShape => inner.ExampleShape;
        public int ClassCount => inner.ClassCount;
        public int Label(int index) => inner.Label(row);
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination) => inner.CopyExamples([row], destination);
    }
}
