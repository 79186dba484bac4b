using System.Buffers.Binary;
using VaeSharp.Engine.IO;

namespace VaeSharp.Data;

// dSprites-style data generated procedurally (Matthey, Higgins, Hassabis & Lerchner 2017, "dSprites: Disentanglement
// testing Sprites dataset"): 64×64 binary images of a square, an ellipse and a heart over the full factor grid
//   shape 3 × scale 6 (0.5 … 1) × orientation 40 (0 … 2π, both ends included, as the original) × pos_x 32 × pos_y 32
// = 737,280 images ("dsprites"), and a small variant with every 4th orientation and every 2nd position
// (3 × 6 × 10 × 16 × 16 = 46,080, "dsprites-small") for fast tests and short runs. Examples are in grid order, the
// last factor fastest, as the original's latents_classes.
//
// Rendering: a pixel is on when its centre lies inside the shape. Shapes are defined in units where the square's
// half-side is 1 (square |u|,|v| ≤ 1; ellipse (u/1.4)² + (v/0.7)² ≤ 1; heart (x² + y² − 1)³ ≤ x²y³ with x = u,
// y = 0.1 − v, i.e. point up); a unit is 9·scale pixels; the shape is rotated by the orientation (clockwise on the
// screen) and its centre sits at pixel corner (16 + i, 16 + j) for position classes i, j, so each (shape, scale,
// orientation) is drawn once into a 32×32 patch and shifted by whole pixels. The result is the same on every run.
//
// The cache file (<cache>/dsprites/<name>.bin, written atomically): "VSDSPR01", int32 LE variant (0 full, 1 small),
// count, height, width, factor count; then count × 5 class bytes; then count bit-packed images (BitImageDataset's layout).

/// <summary>Generates, caches and loads the dSprites-style data sets <c>dsprites</c> and <c>dsprites-small</c>.</summary>
public static class DSprites
{
    /// <summary>The full grid's name.</summary>
    public const string Full = "dsprites";

    /// <summary>The small variant's name.</summary>
    public const string Small = "dsprites-small";

    /// <summary>Both names.</summary>
    public static IReadOnlyList<string> Names { get; } = [Full, Small];

    /// <summary>Side of the square images.</summary>
    public const int Side = 64;

    private const int Patch = 32;
    private const string Magic = "VSDSPR01";
    private const int HeaderSize = 8 + 5 * 4;

    /// <summary>Test examples of each variant (a spread subset of the grid; the training set is the whole grid, as in
    /// disentanglement_lib, so the test set overlaps it).</summary>
    public const int TestCount = 5000;

    /// <summary>The shapes' names, by class.</summary>
    public static IReadOnlyList<string> ShapeNames { get; } = ["square", "ellipse", "heart"];

    /// <summary>True for <c>dsprites</c> and <c>dsprites-small</c>.</summary>
    public static bool IsName(string name) => name is Full or Small;

    /// <summary>The factors of variant <paramref name="name"/> (values are the full grid's).</summary>
    public static IReadOnlyList<GroundTruthFactor> FactorsOf(string name)
    {
        bool small = Check(name) == Small;
        double[] orientation = [.. Enumerable.Range(0, 40).Where(i => !small || i % 4 == 0).Select(i => 2 * Math.PI * i / 39)];
        double[] position = [.. Enumerable.Range(0, 32).Where(i => !small || i % 2 == 0).Select(i => i / 31.0)];
        return
        [
            new GroundTruthFactor("shape", [0, 1, 2], ShapeNames),
            new GroundTruthFactor("scale", [.. Enumerable.Range(0, 6).Select(i => 0.5 + 0.1 * i)]),
            new GroundTruthFactor("orientation", orientation),
            new GroundTruthFactor("pos_x", position),
            new GroundTruthFactor("pos_y", [.. position]),
        ];
    }

    /// <summary>Draws every image of variant <paramref name="name"/>: the bit-packed images and their factor classes.</summary>
    public static (byte[] Bits, DatasetFactors Factors) Generate(string name)
    {
        bool small = Check(name) == Small;
        var factors = FactorsOf(name);
        int nOrient = factors[2].ClassCount, nPos = factors[3].ClassCount, posStep = small ? 2 : 1, orientStep = small ? 4 : 1;
        int count = 3 * 6 * nOrient * nPos * nPos;
        const int bytesPerImage = Side * Side / 8, bytesPerRow = Side / 8;
        var bits = new byte[(long)count * bytesPerImage];
        var classes = new int[count * 5];
        var patch = new ulong[Patch];          // one row of the 32×32 patch per entry, bit a = column a
        int index = 0;
        for (int shape = 0; shape < 3; shape++)
        for (int scale = 0; scale < 6; scale++)
        for (int o = 0; o < nOrient; o++)
        {
            DrawPatch(shape, 0.5 + 0.1 * scale, 2 * Math.PI * (o * orientStep) / 39, patch);
            for (int px = 0; px < nPos; px++)
            for (int py = 0; py < nPos; py++, index++)
            {
                int x0 = px * posStep, y0 = py * posStep;
                var image = bits.AsSpan(index * bytesPerImage, bytesPerImage);
                for (int r = 0; r < Patch; r++)
                {
                    ulong row = patch[r] << x0;    // x0 + 31 ≤ 62: the row fits in one 64-bit word
                    if (row == 0) continue;
                    BinaryPrimitives.WriteUInt64LittleEndian(image.Slice((y0 + r) * bytesPerRow, 8), row);
                }
                classes[index * 5] = shape; classes[index * 5 + 1] = scale; classes[index * 5 + 2] = o;
                classes[index * 5 + 3] = px; classes[index * 5 + 4] = py;
            }
        }
        return (bits, new DatasetFactors(factors, classes, count));
    }

    // The 32×32 patch of one shape, scale and orientation, its centre at the patch's pixel corner (16, 16).
    private static void DrawPatch(int shape, double scale, double angle, ulong[] patch)
    {
        double unit = 9 * scale, cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int r = 0; r < Patch; r++)
        {
            ulong row = 0;
            for (int a = 0; a < Patch; a++)
            {
                double dx = (a + 0.5 - Patch / 2) / unit, dy = (r + 0.5 - Patch / 2) / unit;
                // undo the clockwise rotation (screen y points down): shape coordinates (u, v)
                double u = cos * dx + sin * dy, v = -sin * dx + cos * dy;
                if (Inside(shape, u, v)) row |= 1UL << a;
            }
            patch[r] = row;
        }
    }

    private static bool Inside(int shape, double u, double v)
    {
        switch (shape)
        {
            case 0: return Math.Abs(u) <= 1 && Math.Abs(v) <= 1;
            case 1: return (u / 1.4) * (u / 1.4) + (v / 0.7) * (v / 0.7) <= 1;
            default:
                double x = u, y = 0.1 - v, s = x * x + y * y - 1;
                return s * s * s <= x * x * y * y * y;
        }
    }

    /// <summary>The cache file of variant <paramref name="name"/> under the cache root <paramref name="cacheRoot"/>.</summary>
    public static string CacheFile(string cacheRoot, string name) => Path.Combine(cacheRoot, Full, Check(name) + ".bin");

    /// <summary>Generates variant <paramref name="name"/> into the cache unless it is there; returns the file.</summary>
    public static string EnsureCached(string name, string? cacheRoot = null)
    {
        string file = CacheFile(cacheRoot ?? DataCache.DefaultRoot(), name);
        if (File.Exists(file)) return file;
        var (bits, factors) = Generate(name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        AtomicFile.Write(file, s => Write(s, name, bits, factors));
        return file;
    }

    private static void Write(Stream s, string name, byte[] bits, DatasetFactors factors)
    {
        var header = new byte[HeaderSize];
        System.Text.Encoding.ASCII.GetBytes(Magic).CopyTo(header, 0);
        int[] fields = [name == Small ? 1 : 0, factors.Count, Side, Side, factors.FactorCount];
        for (int i = 0; i < fields.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8 + 4 * i), fields[i]);
        s.Write(header);
        var classBytes = new byte[factors.Count * factors.FactorCount];
        for (int e = 0; e < factors.Count; e++)
            for (int f = 0; f < factors.FactorCount; f++) classBytes[e * factors.FactorCount + f] = (byte)factors.Class(e, f);
        s.Write(classBytes);
        s.Write(bits);
    }

    /// <summary>Reads variant <paramref name="name"/> from <paramref name="file"/>: every image with its factors.</summary>
    /// <exception cref="DataFormatException">The file is not a cache file of this variant, or is cut short.</exception>
    public static BitImageDataset Read(string file, string name)
    {
        var factors = FactorsOf(name);
        int count = factors.Aggregate(1, (a, f) => a * f.ClassCount), k = factors.Count;
        long expected = HeaderSize + (long)count * k + (long)count * (Side * Side / 8);
        using var stream = File.OpenRead(file);
        if (stream.Length != expected)
            throw new DataFormatException(file, $"{stream.Length} bytes, expected {expected} for {name} ({count} images); delete it and run `vae data fetch {name}`.");
        var header = new byte[HeaderSize];
        stream.ReadExactly(header);
        int[] want = [name == Small ? 1 : 0, count, Side, Side, k];
        if (System.Text.Encoding.ASCII.GetString(header, 0, 8) != Magic)
            throw new DataFormatException(file, $"not a dSprites cache file (expected the magic {Magic}).");
        string[] fieldNames = ["variant", "count", "height", "width", "factor count"];
        for (int i = 0; i < want.Length; i++)
        {
            int got = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8 + 4 * i));
            if (got != want[i]) throw new DataFormatException(file, $"header field {fieldNames[i]} is {got}, expected {want[i]}.");
        }
        var classBytes = new byte[count * k];
        stream.ReadExactly(classBytes);
        var classes = new int[classBytes.Length];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = classBytes[i];
            if (classes[i] >= factors[i % k].ClassCount)
                throw new DataFormatException(file, $"example {i / k}, factor {factors[i % k].Name}: class {classes[i]}, expected 0 to {factors[i % k].ClassCount - 1}.");
        }
        var bits = new byte[(long)count * (Side * Side / 8)];
        stream.ReadExactly(bits);
        return new BitImageDataset(name, bits, count, [1, Side, Side], new DatasetFactors(factors, classes, count));
    }

    /// <summary>Loads variant <paramref name="name"/> from the cache (generating it on first use) as train and test:
    /// train is the whole grid in a fixed spread order (so its first n examples, <c>--train-limit n</c>, cover the
    /// grid), test the first <see cref="TestCount"/> of another spread order.</summary>
    public static (BitImageDataset Train, BitImageDataset Test) Load(string name, string? cacheRoot = null)
    {
        var all = Read(EnsureCached(name, cacheRoot), name);
        return (all.Select(SpreadOrder(all.Count, 104_729, all.Count)), all.Select(SpreadOrder(all.Count, 7_919, TestCount)));
    }

    // i·step mod n for i < take: a permutation of 0..n−1 when step is prime to n (737,280 = 2¹⁴·3²·5 and 46,080 = 2¹⁰·3²·5).
    private static int[] SpreadOrder(int n, long step, int take)
    {
        var order = new int[Math.Min(take, n)];
        for (int i = 0; i < order.Length; i++) order[i] = (int)(i * step % n);
        return order;
    }

    private static string Check(string name) => IsName(name) ? name : throw new ArgumentException($"dSprites variant '{name}': expected {Full} or {Small}.");
}
