using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Models;

namespace VaeSharp.Applications;

// The decoded latent square: E[x | z] for z on an n×n grid over [−r, r]², tiled into one picture
// (the Keras VAE example's plot_latent_space: n = 30, r = 1.0). Column j has z[xDim] = −r + 2r·j/(n−1)
// (left to right, increasing); row i has z[yDim] = r − 2r·i/(n−1), so +r is the top row and y grows
// upwards as on a plot. The other latent dimensions are 0 (the prior mean), so any model with latent
// dimension ≥ 2 works, a 2-D one over its whole latent space. A conditional model decodes every cell with
// the one given label. Decoding runs without gradients, in eval mode, one grid row per batch.

/// <summary>Decodes an n×n grid of latent codes over [−r, r]² in two chosen latent dimensions into one picture.</summary>
public static class LatentGrid
{
    /// <summary>The n grid coordinates −r, …, r, evenly spaced (numpy's linspace(−r, r, n)).</summary>
    /// <param name="n">Points per side, at least 2.</param>
    /// <param name="range">r &gt; 0.</param>
    public static float[] Positions(int n, float range)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        if (!(range > 0f) || float.IsInfinity(range)) throw new ArgumentOutOfRangeException(nameof(range), range, "The grid range must be a positive number.");
        var positions = new float[n];
        for (int j = 0; j < n; j++) positions[j] = (float)(-range + 2.0 * range * j / (n - 1));
        return positions;
    }

    /// <summary>The n·n latent codes of the grid, row-major from the top-left cell: code (i·n + j) occupies values
    /// [(i·n + j)·latentDim, …) with z[xDim] = positions[j], z[yDim] = positions[n − 1 − i] and 0 elsewhere.</summary>
    /// <param name="latentDim">Latent dimension of the model, at least 2.</param>
    /// <param name="n">Points per side, at least 2.</param>
    /// <param name="range">The grid spans [−range, range] in both dimensions.</param>
    /// <param name="xDim">The latent dimension that varies along a row (left to right).</param>
    /// <param name="yDim">The latent dimension that varies along a column (bottom to top).</param>
    public static float[] Codes(int latentDim, int n, float range, int xDim = 0, int yDim = 1)
    {
        CheckDims(latentDim, xDim, yDim);
        var positions = Positions(n, range);
        var z = new float[(long)n * n * latentDim];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                long at = ((long)i * n + j) * latentDim;
                z[at + xDim] = positions[j];
                z[at + yDim] = positions[n - 1 - i];
            }
        return z;
    }

    /// <summary>E[x | z] for every code of <see cref="Codes"/>: n·n images one after another in grid order (top-left first),
    /// each of the model's example shape.</summary>
    /// <param name="model">A trained model with latent dimension ≥ 2.</param>
    /// <param name="n">Points per side, at least 2 (the Keras example: 30).</param>
    /// <param name="range">The grid spans [−range, range] (the Keras example: 1.0).</param>
    /// <param name="xDim">The latent dimension that varies left to right.</param>
    /// <param name="yDim">The latent dimension that varies bottom to top.</param>
    /// <param name="label">Required for a conditional model (the class of every cell); must be null otherwise.</param>
    /// <exception cref="ArgumentException">Bad dimensions or a label that does not fit the model.</exception>
    public static float[] Decode(LatentVariableModel model, int n = 30, float range = 1f, int xDim = 0, int yDim = 1, int? label = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsConditional && label is null)
            throw new ArgumentException($"This conditional model needs a label (0 to {model.ClassCount - 1}) for the grid.", nameof(label));
        if (!model.IsConditional && label is not null)
            throw new ArgumentException("This model is not conditional; do not pass a label.", nameof(label));
        if (label is int c && (c < 0 || c >= model.ClassCount))
            throw new ArgumentException($"Label {c} is outside 0..{model.ClassCount - 1}.", nameof(label));

        int latentDim = model.LatentDim;
        var codes = Codes(latentDim, n, range, xDim, yDim);
        int exampleSize = model.Config.InputSize;
        var images = new float[(long)n * n * exampleSize];
        int[]? labels = label is int l ? Enumerable.Repeat(l, n).ToArray() : null;
        Inference.Run(model, () =>
        {
            for (int i = 0; i < n; i++)
            {
                using (TensorScope.Begin())
                {
                    var z = Tensor.FromArray(codes.AsSpan(i * n * latentDim, n * latentDim), n, latentDim);
                    model.DecodeMean(z, labels).Data.CopyTo(images.AsSpan(i * n * exampleSize, n * exampleSize));
                }
            }
            return 0;
        });
        return images;
    }

    /// <summary>Tiles the n·n decoded images (in the order <see cref="Decode"/> returns them) edge to edge, with no padding.</summary>
    /// <param name="images">n·n images, each of <paramref name="exampleShape"/>, values in [0, 1].</param>
    /// <param name="n">Points per side.</param>
    /// <param name="exampleShape">(C, H, W) with C = 1 or 3, or (H, W).</param>
    /// <returns>An image of n·W × n·H pixels.</returns>
    public static Image8 Compose(ReadOnlySpan<float> images, int n, int[] exampleShape)
    {
        ArgumentNullException.ThrowIfNull(exampleShape);
        var (c, h, w) = exampleShape.Length switch
        {
            3 => (exampleShape[0], exampleShape[1], exampleShape[2]),
            2 => (1, exampleShape[0], exampleShape[1]),
            _ => throw new ArgumentException($"Examples of shape [{string.Join(", ", exampleShape)}] are not images.", nameof(exampleShape)),
        };
        return ImageGrid.Compose(images, n * n, c, h, w, columns: n, padding: 0);
    }

    /// <summary>Decodes the grid (see <see cref="Decode"/>) and writes the picture as a PNG, atomically.</summary>
    /// <param name="path">The PNG file to create or replace; its folder must exist.</param>
    /// <param name="model">A trained model with latent dimension ≥ 2.</param>
    /// <param name="n">Points per side.</param>
    /// <param name="range">The grid spans [−range, range].</param>
    /// <param name="xDim">The latent dimension that varies left to right.</param>
    /// <param name="yDim">The latent dimension that varies bottom to top.</param>
    /// <param name="label">For a conditional model: the class of every cell.</param>
    /// <returns>The picture written.</returns>
    public static Image8 SavePng(string path, LatentVariableModel model, int n = 30, float range = 1f, int xDim = 0, int yDim = 1, int? label = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var image = Compose(Decode(model, n, range, xDim, yDim, label), n, model.InputShape);
        ImageCodec.WritePng(path, image);
        return image;
    }

    /// <summary>Checks that (<paramref name="xDim"/>, <paramref name="yDim"/>) are two different dimensions of a latent space of size <paramref name="latentDim"/>.</summary>
    /// <exception cref="ArgumentException">They are not.</exception>
    public static void CheckDims(int latentDim, int xDim, int yDim)
    {
        if (latentDim < 2) throw new ArgumentException($"A latent grid needs at least 2 latent dimensions; the model has {latentDim}.");
        if ((uint)xDim >= (uint)latentDim || (uint)yDim >= (uint)latentDim || xDim == yDim)
            throw new ArgumentException($"Latent dimensions ({xDim}, {yDim}): expected two different dimensions from 0 to {latentDim - 1}.");
    }
}
