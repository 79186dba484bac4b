using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Commands;

// Parsing shared by interpolate, transfer and attribute: example indices, number lists, and image files as model inputs.
internal static class GenerationInputs
{
    public const int MaxImages = 1000;

    // "3,17,42": indices into `data` (0 to Count − 1).
    public static int[] ParseIndices(string text, string option, IDataset data)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxImages) throw new UsageException($"{option}: at most {MaxImages} indices.");
        var indices = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out indices[i]) || indices[i] >= data.Count)
                throw new UsageException($"{option} '{text}': expected comma-separated indices of {data.Name} test images, 0 to {data.Count - 1}.");
        return indices;
    }

    // "-1,0,0.5,2": finite numbers.
    public static float[] ParseNumbers(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]) || Math.Abs(values[i]) > 1e4f)
                throw new UsageException($"{option} '{text}': expected comma-separated numbers from −10000 to 10000, e.g. -1,0,1,2.");
        if (values.Length > 50) throw new UsageException($"{option}: at most 50 values.");
        return values;
    }

    // "7" or "3,5,8": classes of a model or data set with `classCount` classes.
    public static int[] ParseClasses(string text, string option, int classCount)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var classes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out classes[i]) || classes[i] >= classCount)
                throw new UsageException($"{option} '{text}': expected comma-separated classes from 0 to {classCount - 1}.");
        return [.. classes.Distinct()];
    }

    // An image file as one example of `shape` (C, H, W) or (H, W), values in [0, 1]: it must have the model's size;
    // RGB(A) becomes gray by the mean of R, G and B for a 1-channel model, gray is repeated for a 3-channel one.
    public static float[] ReadImage(string file, int[] shape)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found.", file);
        var (c, h, w) = shape.Length switch
        {
            3 => (shape[0], shape[1], shape[2]),
            2 => (1, shape[0], shape[1]),
            _ => throw new UsageException($"{file}: the model reads examples of shape [{string.Join(", ", shape)}], not images."),
        };
        if (c is not (1 or 3)) throw new UsageException($"{file}: the model reads {c}-channel examples; image files give 1 or 3 channels.");
        var image = ImageCodec.Read(file);
        if (image.Width != w || image.Height != h)
            throw new UsageException($"{file}: the image is {image.Width}×{image.Height}; the model reads {w}×{h} images (resize it first).");
        var values = new float[c * h * w];
        int ch = image.Channels;
        const float scale = 1f / 255f;   // as the data sets scale their bytes, so a saved test image encodes to the same code
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int at = (y * w + x) * ch;
                if (c == 1)
                {
                    float gray = ch >= 3 ? (image.Pixels[at] + image.Pixels[at + 1] + image.Pixels[at + 2]) / 3f : image.Pixels[at];
                    values[y * w + x] = gray * scale;
                }
                else
                    for (int k = 0; k < 3; k++) values[k * h * w + y * w + x] = image.Pixels[at + (ch >= 3 ? k : 0)] * scale;
            }
        return values;
    }
}
