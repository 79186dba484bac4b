namespace VaeSharp.Imaging;

// Tiles a batch of float images into one picture, like torchvision's make_grid + save_image:
// the sample grids (e.g. 64 samples, 8 columns) and reconstruction sheets a run saves.
// Input: `count` images stored one after another, each in the engine's NCHW layout, i.e. planar
// C×H×W (channel 0's H×W plane, then channel 1's, ...), C = 1 (gray) or 3 (RGB).
// Values are intensities in [0, 1]: clamped, then mapped to bytes as ⌊255·v + ½⌋; NaN becomes 0.
// Layout: min(columns, count) tiles per row, ⌈count / columns⌉ rows, `padding` pixels of
// `paddingValue` around and between tiles; cells past the last image are padding colour too.

/// <summary>Tiles float images (values in [0, 1], planar C×H×W, gray or RGB) into a grid picture.</summary>
public static class ImageGrid
{
    /// <summary>Tiles <paramref name="count"/> images stored contiguously in <paramref name="images"/> into one 8-bit image.</summary>
    /// <param name="images">count·channels·height·width values: the images one after another, each planar C×H×W (NCHW batch layout).</param>
    /// <param name="count">Number of images, at least 1.</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="height">Rows of each image.</param>
    /// <param name="width">Columns of each image.</param>
    /// <param name="columns">Images per grid row (the grid is min(columns, count) wide).</param>
    /// <param name="padding">Pixels of padding around and between tiles, 0 or more.</param>
    /// <param name="paddingValue">Intensity of the padding, in [0, 1].</param>
    /// <returns>The grid, with the same channel count as the input.</returns>
    public static Image8 Compose(ReadOnlySpan<float> images, int count, int channels, int height, int width, int columns,
        int padding = 2, float paddingValue = 0.5f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Grid images must have 1 (gray) or 3 (RGB) channels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        long imageSize = (long)channels * height * width;
        if (images.Length != count * imageSize)
            throw new ArgumentException($"{count} images of {channels}×{height}×{width} need {count * imageSize} values, got {images.Length}.", nameof(images));

        int gridColumns = Math.Min(columns, count);
        int gridRows = (count + columns - 1) / columns;
        long gridWidth = (long)gridColumns * width + (gridColumns + 1L) * padding;
        long gridHeight = (long)gridRows * height + (gridRows + 1L) * padding;
        if ((Int128)gridWidth * gridHeight * channels > Array.MaxLength)
            throw new ArgumentException($"A {gridWidth}×{gridHeight} grid is too large for one image.");

        var grid = new Image8((int)gridWidth, (int)gridHeight, channels);
        Array.Fill(grid.Pixels, ToByte(paddingValue));
        int plane = height * width;
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> image = images.Slice((int)(n * imageSize), (int)imageSize);
            int left = padding + (n % columns) * (width + padding);
            int top = padding + (n / columns) * (height + padding);
            for (int y = 0; y < height; y++)
            {
                int rowStart = ((top + y) * grid.Width + left) * channels;
                for (int x = 0; x < width; x++)
                {
                    for (int c = 0; c < channels; c++)
                        grid.Pixels[rowStart + x * channels + c] = ToByte(image[c * plane + y * width + x]);
                }
            }
        }
        return grid;
    }

    /// <summary>Tiles a list of images, each its own array (planar C×H×W), into one 8-bit image.</summary>
    /// <param name="images">The images, at least one; each has channels·height·width values.</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="height">Rows of each image.</param>
    /// <param name="width">Columns of each image.</param>
    /// <param name="columns">Images per grid row.</param>
    /// <param name="padding">Pixels of padding around and between tiles.</param>
    /// <param name="paddingValue">Intensity of the padding, in [0, 1].</param>
    /// <returns>The grid.</returns>
    public static Image8 Compose(IReadOnlyList<float[]> images, int channels, int height, int width, int columns,
        int padding = 2, float paddingValue = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(images);
        int imageSize = channels * height * width;
        var batch = new float[(long)images.Count * imageSize];
        for (int n = 0; n < images.Count; n++)
        {
            if (images[n] is null || images[n].Length != imageSize)
                throw new ArgumentException($"Image {n} has {images[n]?.Length ?? 0} values, expected {channels}×{height}×{width} = {imageSize}.", nameof(images));
            images[n].CopyTo(batch, (long)n * imageSize);
        }
        return Compose(batch, images.Count, channels, height, width, columns, padding, paddingValue);
    }

    /// <summary>Tiles the images (see <see cref="Compose(ReadOnlySpan{float}, int, int, int, int, int, int, float)"/>) and writes the grid as a PNG, atomically.</summary>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <param name="images">count·channels·height·width values, each image planar C×H×W.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="height">Rows of each image.</param>
    /// <param name="width">Columns of each image.</param>
    /// <param name="columns">Images per grid row.</param>
    /// <param name="padding">Pixels of padding around and between tiles.</param>
    /// <param name="paddingValue">Intensity of the padding, in [0, 1].</param>
    public static void SavePng(string path, ReadOnlySpan<float> images, int count, int channels, int height, int width, int columns,
        int padding = 2, float paddingValue = 0.5f) =>
        ImageCodec.WritePng(path, Compose(images, count, channels, height, width, columns, padding, paddingValue));

    /// <summary>Saves <paramref name="count"/> examples of shape (C, H, W) or (H, W) — a model's example shape — as one PNG grid.</summary>
    /// <param name="path">The PNG file (written atomically; its folder must exist).</param>
    /// <param name="images">The examples one after another, values in [0, 1].</param>
    /// <param name="count">Number of examples.</param>
    /// <param name="exampleShape">(C, H, W) with C = 1 or 3, or (H, W).</param>
    /// <param name="columns">Images per grid row.</param>
    public static void SaveExamples(string path, ReadOnlySpan<float> images, int count, int[] exampleShape, int columns)
    {
        var (c, h, w) = exampleShape.Length switch
        {
            3 => (exampleShape[0], exampleShape[1], exampleShape[2]),
            2 => (1, exampleShape[0], exampleShape[1]),
            _ => throw new ArgumentException($"Examples of shape [{string.Join(", ", exampleShape)}] are not images."),
        };
        SavePng(path, images, count, c, h, w, columns);
    }

    // ⌊255·v + ½⌋ after clamping to [0, 1]; NaN → 0 (the comparison is false for NaN).
    internal static byte ToByte(float value) => value > 0f ? (byte)(MathF.Min(value, 1f) * 255f + 0.5f) : (byte)0;
}
