using VaeSharp.Imaging;

namespace VaeSharp.Explorer;

// An uploaded or drawn picture → one model input (C × H × W, values in [0, 1]). Transparent pixels are laid over
// black (MNIST's background); colour becomes gray by Rec. 601 luma (0.299 R + 0.587 G + 0.114 B) for a 1-channel
// model, gray is copied into R, G and B for a 3-channel one; `invert` maps v to 1 − v (dark strokes on white paper).
// The size is changed by area averaging: each output pixel is the mean of the input area it covers, weighted by
// overlap, which is exact for downscaling (a 280 × 280 canvas to 28 × 28) and nearest-neighbour-like upwards.

/// <summary>Turns an image of any size and channel count into a model input of the given shape.</summary>
public static class ImageInput
{
    /// <summary>The model input for <paramref name="image"/>: <paramref name="channels"/> planes of <paramref name="height"/> × <paramref name="width"/>, in [0, 1].</summary>
    /// <param name="image">The picture (1 to 4 channels, any size).</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="height">Rows of the model's input.</param>
    /// <param name="width">Columns of the model's input.</param>
    /// <param name="invert">Use 1 − v (for dark-on-light pictures).</param>
    public static float[] ToModelInput(Image8 image, int channels, int height, int width, bool invert = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Model inputs have 1 or 3 channels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        int w = image.Width, h = image.Height, c = image.Channels;
        var planes = new double[channels][];
        for (int k = 0; k < channels; k++) planes[k] = new double[w * h];
        var px = image.Pixels;
        for (int i = 0; i < w * h; i++)
        {
            int s = i * c;
            double alpha = c is 2 or 4 ? px[s + c - 1] / 255.0 : 1.0;
            if (c <= 2)
            {
                // v·(1/255) in float, as ByteImageDataset scales bytes: a data set's own image encodes to its own code, bit for bit.
                double v = Finish(px[s] * (1f / 255f) * alpha, invert);
                for (int k = 0; k < channels; k++) planes[k][i] = v;
                continue;
            }
            double r = px[s] / 255.0, g = px[s + 1] / 255.0, b = px[s + 2] / 255.0;
            if (channels == 1) planes[0][i] = Finish((0.299 * r + 0.587 * g + 0.114 * b) * alpha, invert);
            else { planes[0][i] = Finish(r * alpha, invert); planes[1][i] = Finish(g * alpha, invert); planes[2][i] = Finish(b * alpha, invert); }
        }
        var input = new float[channels * height * width];
        for (int k = 0; k < channels; k++)
        {
            var resized = Resize(planes[k], w, h, width, height);
            for (int i = 0; i < resized.Length; i++) input[k * height * width + i] = (float)Math.Clamp(resized[i], 0, 1);
        }
        return input;
    }

    private static double Finish(double v, bool invert) => invert ? 1 - v : v;

    // Separable area averaging: rows first, then columns.
    private static double[] Resize(double[] plane, int w, int h, int outW, int outH)
    {
        var rows = new double[h * outW];
        for (int y = 0; y < h; y++) Resample(plane.AsSpan(y * w, w), rows.AsSpan(y * outW, outW));
        var result = new double[outH * outW];
        var column = new double[h];
        var outColumn = new double[outH];
        for (int x = 0; x < outW; x++)
        {
            for (int y = 0; y < h; y++) column[y] = rows[y * outW + x];
            Resample(column, outColumn);
            for (int y = 0; y < outH; y++) result[y * outW + x] = outColumn[y];
        }
        return result;
    }

    // Output cell j covers input [j·n/m, (j+1)·n/m); its value is the overlap-weighted mean of the input cells.
    private static void Resample(ReadOnlySpan<double> source, Span<double> destination)
    {
        int n = source.Length, m = destination.Length;
        double scale = (double)n / m;
        for (int j = 0; j < m; j++)
        {
            double start = j * scale, end = (j + 1) * scale, sum = 0;
            for (int i = (int)Math.Floor(start); i < Math.Min(n, (int)Math.Ceiling(end)); i++)
            {
                double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                if (overlap > 0) sum += overlap * source[i];
            }
            destination[j] = sum / scale;
        }
    }
}
