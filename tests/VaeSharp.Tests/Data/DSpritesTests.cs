using VaeSharp.Data;
using VaeSharp.Imaging;

namespace VaeSharp.Tests.Data;

public sealed class DSpritesTests : IDisposable
{
    private static readonly Lazy<(byte[] Bits, DatasetFactors Factors)> SmallGrid = new(() => DSprites.Generate(DSprites.Small));
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static BitImageDataset SmallSet => new(DSprites.Small, SmallGrid.Value.Bits, SmallGrid.Value.Factors.Count, [1, 64, 64], SmallGrid.Value.Factors);

    private static float[] Image(IDataset data, int index)
    {
        var x = new float[64 * 64];
        data.CopyExamples([index], x);
        return x;
    }

    // Index of the example with these factor classes: grid order, the last factor fastest.
    private static int IndexOf(IReadOnlyList<GroundTruthFactor> factors, params int[] classes)
    {
        int index = 0;
        for (int f = 0; f < factors.Count; f++) index = index * factors[f].ClassCount + classes[f];
        return index;
    }

    [Fact]
    public void SmallGrid_HasEveryCombinationOfFactors_InGridOrder()
    {
        var factors = SmallGrid.Value.Factors;
        Assert.Equal(3 * 6 * 10 * 16 * 16, factors.Count);
        Assert.Equal(["shape", "scale", "orientation", "pos_x", "pos_y"], factors.Factors.Select(f => f.Name));
        var rng = new Engine.Random.RandomGenerator(4);
        for (int t = 0; t < 200; t++)
        {
            int[] c = [.. factors.Factors.Select(f => rng.NextInt(f.ClassCount))];
            int e = IndexOf(factors.Factors, c);
            Assert.Equal(c, Enumerable.Range(0, 5).Select(f => factors.Class(e, f)));
        }
        Assert.Equal([0.5, 0.6, 0.7, 0.8, 0.9, 1.0], factors.Factors[1].Values.Select(v => Math.Round(v, 12)));
        Assert.Equal(2 * Math.PI * 36 / 39, factors.Factors[2].Values[9], 12);
        Assert.Equal(30 / 31.0, factors.Factors[3].Values[15], 12);
    }

    [Fact]
    public void Generation_IsTheSameEveryTime_AndTheSmallGridIsPartOfTheFull()
    {
        var (bits, _) = DSprites.Generate(DSprites.Small);
        Assert.Equal(SmallGrid.Value.Bits, bits);
        var (fullBits, fullFactors) = DSprites.Generate(DSprites.Full);   // 360 MiB, not kept beyond this test
        var full = new BitImageDataset(DSprites.Full, fullBits, fullFactors.Count, [1, 64, 64], fullFactors);
        Assert.Equal(737_280, full.Count);
        var small = SmallSet;
        var rng = new Engine.Random.RandomGenerator(5);
        for (int t = 0; t < 100; t++)
        {
            int e = rng.NextInt(small.Count);
            int[] c = [.. Enumerable.Range(0, 5).Select(f => small.Factors!.Class(e, f))];
            int inFull = IndexOf(fullFactors.Factors, c[0], c[1], c[2] * 4, c[3] * 2, c[4] * 2);
            Assert.Equal(Image(small, e), Image(full, inFull));
            for (int f = 0; f < 5; f++) Assert.Equal(small.Factors!.Value(e, f), full.Factors!.Value(inFull, f), 12);
        }
        // orientations 0 and 2π are both in the grid (as in the original) and draw the same image
        Assert.Equal(Image(full, IndexOf(fullFactors.Factors, 2, 2, 0, 6, 6)), Image(full, IndexOf(fullFactors.Factors, 2, 2, 39, 6, 6)));
    }

    [Fact]
    public void Images_AreBinary_ShapesHaveTheirAreas_AndPositionIsAWholePixelShift()
    {
        var data = SmallSet;
        var f = data.Factors!.Factors;
        var square1 = Image(data, IndexOf(f, 0, 5, 0, 4, 4));
        var squareHalf = Image(data, IndexOf(f, 0, 0, 0, 4, 4));
        Assert.All(square1, v => Assert.True(v is 0f or 1f));
        Assert.Equal(18 * 18, square1.Sum());          // half-side 1 unit = 9 px at scale 1, axis-aligned at orientation 0
        Assert.Equal(10 * 10, squareHalf.Sum());      // half-side 4.5 px: the centres at ±4.5 lie on the edge, inside
        double ellipse = Image(data, IndexOf(f, 1, 5, 0, 4, 4)).Sum();
        Assert.InRange(ellipse, 0.95 * Math.PI * 1.4 * 0.7 * 81, 1.05 * Math.PI * 1.4 * 0.7 * 81);
        // One position class is 2 px in the small grid: the image moves by exactly that.
        var moved = Image(data, IndexOf(f, 2, 3, 5, 5, 7));
        var at = Image(data, IndexOf(f, 2, 3, 5, 4, 7));
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                Assert.Equal(x >= 2 ? at[y * 64 + x - 2] : 0f, moved[y * 64 + x]);
    }

    [Fact]
    public void Heart_IsMirrorSymmetricLeftRight_NotUpDown_AndOrientationTurnsIt()
    {
        var data = SmallSet;
        var f = data.Factors!.Factors;
        var heart = Image(data, IndexOf(f, 2, 5, 0, 8, 8));
        // Its centre is the pixel corner (16 + 16, 16 + 16): mirror columns 32 + d ↔ 31 − d.
        bool leftRight = true, upDown = true;
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                leftRight &= heart[y * 64 + x] == heart[y * 64 + 63 - x];
                upDown &= heart[y * 64 + x] == heart[(63 - y) * 64 + x];
            }
        Assert.True(leftRight);
        Assert.False(upDown);
        var turned = Image(data, IndexOf(f, 2, 5, 3, 8, 8));
        Assert.NotEqual(heart, turned);
        Assert.InRange(turned.Sum(), 0.9 * heart.Sum(), 1.1 * heart.Sum());   // rotation keeps the area
    }

    [Fact]
    public void Cache_RoundTrips_AndLoadGivesSpreadTrainAndTestWithFactors()
    {
        string root = _temp.Combine("cache");
        string file = DSprites.EnsureCached(DSprites.Small, root);
        Assert.Equal(DSprites.CacheFile(root, DSprites.Small), file);
        // pinned: the file `vae data fetch dsprites-small` wrote when docs/disentanglement.md was made
        Assert.Equal("bed2988f85a8448b51d82826436a443737b69514932c19a3f1eeee654d85dc22",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))));
        var read = DSprites.Read(file, DSprites.Small);
        var data = SmallSet;
        foreach (int e in new[] { 0, 777, data.Count - 1 })
        {
            Assert.Equal(Image(data, e), Image(read, e));
            Assert.Equal(Enumerable.Range(0, 5).Select(f => data.Factors!.Class(e, f)), Enumerable.Range(0, 5).Select(f => read.Factors!.Class(e, f)));
        }
        var (train, test) = DatasetCatalog.Load(DSprites.Small, cacheRoot: root);
        Assert.Equal(data.Count, train.Count);
        Assert.Equal(DSprites.TestCount, test.Count);
        var firstHundred = train.Take(100);
        Assert.Equal(100, firstHundred.Count);
        Assert.Equal(3, Enumerable.Range(0, 100).Select(i => firstHundred.Factors!.Class(i, 0)).Distinct().Count());   // spread over the grid
        Assert.True(Enumerable.Range(0, 100).Select(i => firstHundred.Factors!.Class(i, 3)).Distinct().Count() >= 12);
        // An example's factors still describe its pixels after the views: recompute its index in the grid.
        int[] c = [.. Enumerable.Range(0, 5).Select(f => firstHundred.Factors!.Class(57, f))];
        Assert.Equal(Image(data, IndexOf(data.Factors!.Factors, c)), Image(firstHundred, 57));
    }

    [Fact]
    public void Cache_CutShortOrForeign_IsRefusedNamingTheFile()
    {
        string file = DSprites.EnsureCached(DSprites.Small, _temp.Combine("cache"));
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes.AsSpan(0, bytes.Length - 1).ToArray());
        var cut = Assert.Throws<DataFormatException>(() => DSprites.Read(file, DSprites.Small));
        Assert.Contains(file, cut.Message);
        Assert.Contains("expected", cut.Message);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(file, bytes);
        Assert.Contains("magic", Assert.Throws<DataFormatException>(() => DSprites.Read(file, DSprites.Small)).Message);
        bytes[0] = (byte)'V';
        bytes[8 + 4 * 4] = 6;   // factor count
        File.WriteAllBytes(file, bytes);
        Assert.Contains("factor count is 6, expected 5", Assert.Throws<DataFormatException>(() => DSprites.Read(file, DSprites.Small)).Message);
    }

    // A data set of another type: Take gives a view that keeps labels, class names and factors.
    private sealed class Listed : IDataset
    {
        public string Name => "listed";
        public int Count => 4;
        public int[] ExampleShape => [1];
        public int ClassCount => 2;
        public IReadOnlyList<string>? ClassNames => ["a", "b"];
        public DatasetFactors? Factors { get; } = new([new GroundTruthFactor("f", [0.0, 10.0, 20.0])], [2, 1, 0, 2], 4);
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination) { for (int i = 0; i < indices.Length; i++) destination[i] = indices[i]; }
        public int Label(int index) => index % 2;
    }

    [Fact]
    public void Take_OfAnyDataSet_KeepsLabelsNamesAndFactors()
    {
        var view = new Listed().Take(3);
        Assert.Equal(3, view.Count);
        Assert.Equal([0, 1, 0], Enumerable.Range(0, 3).Select(view.Label));
        Assert.Equal(["a", "b"], view.ClassNames!);
        Assert.Equal([20.0, 10.0, 0.0], Enumerable.Range(0, 3).Select(i => view.Factors!.Value(i, 0)));
        var x = new float[2];
        view.CopyExamples([2, 1], x);
        Assert.Equal([2f, 1f], x);
        Assert.Throws<ArgumentException>(() => new DatasetFactors([new GroundTruthFactor("f", [0.0])], [1], 1));   // class out of range
    }

    [Fact]
    public void ExamplePicture_CanBeWritten()
    {
        var data = SmallSet;
        var f = data.Factors!.Factors;
        int[] picks = [.. Enumerable.Range(0, 18).Select(i => IndexOf(f, i % 3, (i / 3) % 6, (i * 7) % 10, (i * 5) % 16, (i * 11) % 16))];
        var images = new float[picks.Length * 4096];
        data.CopyExamples(picks, images);
        string path = Environment.GetEnvironmentVariable("VAESHARP_DSPRITES_PICTURE") ?? _temp.Combine("dsprites.png");
        ImageGrid.SavePng(path, images, picks.Length, 1, 64, 64, 9);
        Assert.True(new FileInfo(path).Length > 100);
    }
}
