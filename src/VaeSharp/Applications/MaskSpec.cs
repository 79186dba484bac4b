using System.Globalization;
using VaeSharp.Engine.Random;
using VaeSharp.Imaging;

namespace VaeSharp.Applications;

// Which values of an image to hide (0 = missing, 1 = observed; the Batch.Mask convention), per example:
//   random:p        each value missing with probability p (independently per example, from the generator)
//   rect:x,y,w,h    the w×h rectangle at column x, row y, every channel
//   bottom-half     rows ⌊H/2⌋ … H−1
//   FILE            a PNG or other image of H×W: pixels ≥ 128 (white) are missing, the same for every example

/// <summary>A mask of hidden values for images: random, a rectangle, the bottom half, or an image file.</summary>
public sealed class MaskSpec
{
    private readonly Func<int, int, int, RandomGenerator, float[]> _build;
    private double? _cellProbability;   // random:P: the probability of hiding a value (a table cell)

    private MaskSpec(string text, Func<int, int, int, RandomGenerator, float[]> build)
    {
        Text = text;
        _build = build;
    }

    /// <summary>The text it was parsed from.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/> (random:p, rect:x,y,w,h, bottom-half, or the path of a mask image).</summary>
    /// <exception cref="ArgumentException">The text is none of these; the message shows the forms.</exception>
    public static MaskSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string forms = "expected random:P (0 < P < 1), rect:X,Y,W,H, bottom-half, the path of a mask image (white = missing), or missing (a table's own empty cells)";
        if (text == "missing")
            return new MaskSpec(text, (_, _, _, _) => throw new ArgumentException("--mask missing: only a table has cells of its own to fill; hide image values with random:P, rect, bottom-half or a mask image."));
        if (text == "bottom-half")
            return new MaskSpec(text, (c, h, w, _) => Planes(c, h, w, (y, _) => y < h / 2));
        if (text.StartsWith("random:", StringComparison.Ordinal))
        {
            if (!double.TryParse(text["random:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p > 0 && p < 1))
                throw new ArgumentException($"--mask '{text}': {forms}.");
            return new MaskSpec(text, (c, h, w, rng) =>
            {
                var m = new float[c * h * w];
                for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() < p ? 0f : 1f;
                return m;
            }) { _cellProbability = p };
        }
        if (text.StartsWith("rect:", StringComparison.Ordinal))
        {
            var parts = text["rect:".Length..].Split(',');
            var v = new int[4];
            if (parts.Length != 4 || parts.Select((s, i) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v[i])).Any(ok => !ok) || v[2] == 0 || v[3] == 0)
                throw new ArgumentException($"--mask '{text}': {forms}.");
            int rx = v[0], ry = v[1], rw = v[2], rh = v[3];
            return new MaskSpec(text, (c, h, w, _) =>
            {
                if (rx + rw > w || ry + rh > h) throw new ArgumentException($"--mask '{text}': the rectangle leaves the {w}×{h} image.");
                return Planes(c, h, w, (y, x) => !(x >= rx && x < rx + rw && y >= ry && y < ry + rh));
            });
        }
        if (!File.Exists(text)) throw new ArgumentException($"--mask '{text}': {forms}; no such file.");
        var image = ImageCodec.Read(text);
        return new MaskSpec(text, (c, h, w, _) =>
        {
            if (image.Width != w || image.Height != h)
                throw new ArgumentException($"--mask {text}: the mask is {image.Width}×{image.Height}; the images are {w}×{h}.");
            return Planes(c, h, w, (y, x) => image.Pixels[(y * w + x) * image.Channels] < 128);
        });
    }

    /// <summary>True for <c>missing</c>: hide nothing more, fill the values the data itself lacks (a table's empty cells).</summary>
    public bool OnlyMissing => Text == "missing";

    /// <summary>The mask of one row of <paramref name="table"/>: <c>random:P</c> hides each cell (a column's whole block
    /// of values: a categorical column's one-hot entries together) with probability P; <c>missing</c> hides nothing.</summary>
    /// <exception cref="ArgumentException">An image mask (rect, bottom-half, a mask image) for a table.</exception>
    public float[] BuildForTable(Data.Tables.TableSchema table, RandomGenerator rng)
    {
        ArgumentNullException.ThrowIfNull(table);
        var mask = new float[table.Width];
        if (OnlyMissing)
        {
            mask.AsSpan().Fill(1f);
            return mask;
        }
        if (_cellProbability is not double p)
            throw new ArgumentException($"--mask {Text}: a table's cells are hidden with random:P (or missing: its own empty cells); rect, bottom-half and mask images are for images.");
        int at = 0;
        foreach (var column in table.ValueColumns)
        {
            float observed = rng.NextDouble() < p ? 0f : 1f;
            mask.AsSpan(at, column.Width).Fill(observed);
            at += column.Width;
        }
        return mask;
    }

    /// <summary>The mask of one example of shape [C, H, W] (or [H, W]), drawing from <paramref name="rng"/> where random.</summary>
    /// <exception cref="ArgumentException">The shape is not an image's, or the mask does not fit it.</exception>
    public float[] Build(int[] exampleShape, RandomGenerator rng)
    {
        if (exampleShape.Length is not (2 or 3))
            throw new ArgumentException($"--mask {Text}: examples of shape [{string.Join(", ", exampleShape)}] are not images.");
        int c = exampleShape.Length == 3 ? exampleShape[0] : 1;
        return _build(c, exampleShape[^2], exampleShape[^1], rng);
    }

    private static float[] Planes(int c, int h, int w, Func<int, int, bool> observed)
    {
        var m = new float[c * h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float v = observed(y, x) ? 1f : 0f;
                for (int ch = 0; ch < c; ch++) m[(ch * h + y) * w + x] = v;
            }
        return m;
    }
}
