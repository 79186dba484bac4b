using SkiaSharp;
using VaeSharp.Data;
using VaeSharp.Imaging;

namespace VaeSharp.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // A w×h image whose every byte is a function of its place and the seed.
    internal static Image8 Pattern(int w, int h, int channels, int seed)
    {
        var image = new Image8(w, h, channels);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)((i * 37 + seed * 101 + (i / channels) * 11) % 256);
        return image;
    }

    internal static string Png(string path, Image8 image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageCodec.WritePng(path, image);
        return path;
    }

    // Through Skia's own encoders (JPEG at quality 100, lossless WebP), from RGB pixels.
    internal static string Encoded(string path, Image8 rgb, SKEncodedImageFormat format)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var rgba = new byte[rgb.Width * rgb.Height * 4];
        for (int i = 0; i < rgb.Width * rgb.Height; i++)
        {
            rgba[i * 4] = rgb.Pixels[i * 3];
            rgba[i * 4 + 1] = rgb.Pixels[i * 3 + 1];
            rgba[i * 4 + 2] = rgb.Pixels[i * 3 + 2];
            rgba[i * 4 + 3] = 255;
        }
        using var image = SKImage.FromPixelCopy(new SKImageInfo(rgb.Width, rgb.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), rgba);
        using var data = format == SKEncodedImageFormat.Webp
            ? image.Encode(SKEncodedImageFormat.Webp, 100)
            : image.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    // A 24-bit BMP written by hand (BITMAPINFOHEADER, bottom-up rows, BGR, rows padded to 4 bytes).
    internal static string Bmp(string path, Image8 rgb)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        int stride = (rgb.Width * 3 + 3) & ~3, size = 54 + stride * rgb.Height;
        var bytes = new byte[size];
        "BM"u8.CopyTo(bytes);
        BitConverter.GetBytes(size).CopyTo(bytes, 2);
        BitConverter.GetBytes(54).CopyTo(bytes, 10);
        BitConverter.GetBytes(40).CopyTo(bytes, 14);
        BitConverter.GetBytes(rgb.Width).CopyTo(bytes, 18);
        BitConverter.GetBytes(rgb.Height).CopyTo(bytes, 22);
        BitConverter.GetBytes((short)1).CopyTo(bytes, 26);
        BitConverter.GetBytes((short)24).CopyTo(bytes, 28);
        for (int y = 0; y < rgb.Height; y++)
            for (int x = 0; x < rgb.Width; x++)
                for (int c = 0; c < 3; c++)
                    bytes[54 + (rgb.Height - 1 - y) * stride + x * 3 + c] = rgb.Pixels[(y * rgb.Width + x) * 3 + (2 - c)];
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // The example's bytes back from the data set (values ×255), planar CHW.
    private static byte[] Example(IDataset data, int index)
    {
        int size = data.ExampleShape.Aggregate(1, (a, b) => a * b);
        var values = new float[size];
        data.CopyExamples([index], values);
        return [.. values.Select(v => (byte)MathF.Round(v * 255f))];
    }

    private static byte[] Planar(Image8 image)
    {
        int plane = image.Width * image.Height;
        var chw = new byte[plane * image.Channels];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < image.Channels; c++) chw[c * plane + p] = image.Pixels[p * image.Channels + c];
        return chw;
    }

    // train/ and test/, classes cat and dog, PNG and BMP and lossless WebP, 8×8 RGB.
    private string ClassFolders(out Dictionary<string, Image8> written)
    {
        string root = _temp.Combine("pets");
        written = [];
        int seed = 0;
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "cat", "dog" })
                for (int i = 0; i < 3; i++)
                {
                    var image = Pattern(8, 8, 3, seed++);
                    string path = Path.Combine(root, split, cls, $"{i}.{(i == 0 ? "png" : i == 1 ? "bmp" : "webp")}");
                    if (i == 0) Png(path, image);
                    else if (i == 1) Bmp(path, image);
                    else Encoded(path, image, SKEncodedImageFormat.Webp);
                    written[path] = image;
                }
        File.WriteAllText(Path.Combine(root, "train", "cat", "notes.txt"), "not an image");
        return root;
    }

    [Fact]
    public void ClassFolders_GiveLabels_AndLosslessFilesDecodeToThePixelsWritten()
    {
        string root = ClassFolders(out var written);
        var (train, test) = ImageFolder.Load(root);
        Assert.Equal([3, 8, 8], train.ExampleShape);
        Assert.Equal((6, 6), (train.Count, test.Count));
        Assert.Equal(["cat", "dog"], train.ClassNames);
        Assert.Equal(2, test.ClassCount);
        Assert.Contains("own train/ and test/", Assert.Throws<ArgumentException>(() => ImageFolder.Load(root, new DataOptions { TestFraction = 0.5 })).Message);
        foreach (var set in new[] { train, test })
            for (int i = 0; i < set.Count; i++)
            {
                string path = set.Sources![i];
                Assert.Equal(path.Contains("/dog/") ? 1 : 0, set.Label(i));
                Assert.Equal(Planar(written[path]), Example(set, i));
            }
    }

    [Fact]
    public void Jpeg_DecodesCloseToThePixelsWritten()
    {
        // A smooth image (JPEG's case): the decoded pixels are within a few levels of the written ones.
        var smooth = new Image8(16, 16, 3);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                for (int c = 0; c < 3; c++) smooth.Pixels[(y * 16 + x) * 3 + c] = (byte)(40 + x * 8 + y * 4 + c * 20);
        Encoded(_temp.Combine("photos", "a.jpg"), smooth, SKEncodedImageFormat.Jpeg);
        var (train, test) = ImageFolder.Load(_temp.Combine("photos"), new DataOptions { TestFraction = 0.5 });
        var all = train.Count == 1 ? train : test;
        Assert.Equal(0, all.ClassCount);
        var decoded = Example(all, 0);
        var expected = Planar(smooth);
        double meanError = decoded.Zip(expected, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"mean error {meanError:F2} levels");
    }

    [Fact]
    public void Gif_DecodesToItsPaletteColour()
    {
        // A 1×1 GIF89a written by hand: palette [red, blue], one LZW-coded pixel of index 0 (codes clear, 0, end).
        byte[] gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 255, 0, 0, 0, 0, 255, (byte)',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, (byte)';'];
        Directory.CreateDirectory(_temp.Combine("gif", "red"));
        File.WriteAllBytes(_temp.Combine("gif", "red", "dot.gif"), gif);
        Png(_temp.Combine("gif", "blue", "dot.png"), new Image8(1, 1, 3, [0, 0, 255]));
        var (train, test) = ImageFolder.Load(_temp.Combine("gif"), new DataOptions { TestFraction = 0.5 });
        var set = train.ClassNames![train.Label(0)] == "red" ? train : test;   // one image on each side
        Assert.Equal("red", set.ClassNames![set.Label(0)]);
        Assert.Equal([255, 0, 0], Example(set, 0));
    }

    [Fact]
    public void FlatFolder_HasNoLabels_AndIsSplitBySeed()
    {
        for (int i = 0; i < 20; i++) Png(_temp.Combine("flat", $"{i:00}.png"), Pattern(4, 4, 1, i));
        var (train, test) = ImageFolder.Load(_temp.Combine("flat"), new DataOptions { TestFraction = 0.25 });
        Assert.Equal((15, 5), (train.Count, test.Count));
        Assert.Equal([1, 4, 4], train.ExampleShape);
        Assert.Equal(0, train.ClassCount);
        Assert.Empty(train.Sources!.Intersect(test.Sources!));
        var (again, _) = ImageFolder.Load(_temp.Combine("flat"), new DataOptions { TestFraction = 0.25 });
        Assert.Equal(train.Sources, again.Sources);
        var (other, _) = ImageFolder.Load(_temp.Combine("flat"), new DataOptions { TestFraction = 0.25, SplitSeed = 9 });
        Assert.NotEqual(train.Sources, other.Sources);
    }

    [Fact]
    public void MixedSizes_AreResizedAndCentreCropped_NotRefused()
    {
        // 16×8, left half black and right half white: the shorter side is already 8, so the centre 8×8 is columns 4–11.
        var wide = new Image8(16, 8, 1);
        for (int y = 0; y < 8; y++) for (int x = 8; x < 16; x++) wide.Pixels[y * 16 + x] = 255;
        Png(_temp.Combine("mixed", "a.png"), Pattern(8, 8, 1, 1));
        Png(_temp.Combine("mixed", "b.png"), wide);
        var big = new Image8(40, 32, 1);
        Array.Fill(big.Pixels, (byte)200);
        Png(_temp.Combine("mixed", "c.png"), big);
        var (train, test) = ImageFolder.Load(_temp.Combine("mixed"), new DataOptions { TestFraction = 0.3 });
        var all = new[] { train, test }.SelectMany(s => Enumerable.Range(0, s.Count).Select(i => (Path.GetFileName(s.Sources![i]), Example(s, i)))).ToDictionary();
        Assert.Equal(64, all["b.png"].Length);
        for (int y = 0; y < 8; y++)
            Assert.Equal([0, 0, 0, 0, 255, 255, 255, 255], all["b.png"][(y * 8)..(y * 8 + 8)]);
        Assert.All(all["c.png"], v => Assert.Equal(200, v));
        var (sized, _) = ImageFolder.Load(_temp.Combine("mixed"), new DataOptions { ImageSize = 4, TestFraction = 0.3 });
        Assert.Equal([1, 4, 4], sized.ExampleShape);
    }

    [Fact]
    public void Channels_ConvertGreyAndColour()
    {
        var colour = new Image8(2, 1, 3, [255, 0, 0, 10, 20, 30]);
        Png(_temp.Combine("c", "x", "a.png"), colour);
        Png(_temp.Combine("c", "y", "b.png"), new Image8(2, 1, 1, [7, 9]));
        var (grey, greyTest) = ImageFolder.Load(_temp.Combine("c"), new DataOptions { Channels = 1, ImageSize = 1, TestFraction = 0.5 });
        Assert.Equal([1, 1, 1], grey.ExampleShape);
        var (rgb, rgbTest) = ImageFolder.Load(_temp.Combine("c"), new DataOptions { Channels = 3, TestFraction = 0.5 });
        Assert.Equal([3, 1, 1], rgb.ExampleShape);   // the shorter side of the first image: 1
        Assert.Equal(ImageResize.ToChannels(colour, 1).Pixels, [76, 18]);   // BT.601: 0.299·255; 0.299·10 + 0.587·20 + 0.114·30
        Assert.Equal(ImageResize.ToChannels(new Image8(1, 1, 1, [7]), 3).Pixels, [7, 7, 7]);
        Assert.Equal(2, grey.Count + greyTest.Count);
        Assert.Equal(2, rgb.Count + rgbTest.Count);
    }

    [Fact]
    public void ZeroByteFile_NamesTheFile()
    {
        Png(_temp.Combine("z", "good.png"), Pattern(4, 4, 1, 0));
        File.WriteAllBytes(_temp.Combine("z", "empty.png"), []);
        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_temp.Combine("z")));
        Assert.Contains(_temp.Combine("z", "empty.png"), e.Message);
        Assert.Contains("the file is empty", e.Message);
    }

    [Fact]
    public void TruncatedJpeg_NamesTheFile()
    {
        string path = Encoded(_temp.Combine("t", "photo.jpg"), Pattern(32, 32, 3, 2), SKEncodedImageFormat.Jpeg);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Png(_temp.Combine("t", "fine.png"), Pattern(32, 32, 3, 3));
        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_temp.Combine("t")));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void CorruptJpeg_NamesTheFile()
    {
        string path = _temp.Combine("k", "broken.jpg");
        Directory.CreateDirectory(_temp.Combine("k"));
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_temp.Combine("k")));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void PngWithAnUnsupportedBitDepth_NamesTheFile()
    {
        string path = Png(_temp.Combine("d", "odd.png"), Pattern(4, 4, 3, 1));
        var bytes = File.ReadAllBytes(path);
        bytes[24] = 5;   // IHDR bit depth: PNG allows 1, 2, 4, 8, 16
        uint crc = Crc32(bytes.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_temp.Combine("d")));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void NoImages_AndAnImageBesideClassFolders_NameTheFolderOrFile()
    {
        Directory.CreateDirectory(_temp.Combine("none", "sub"));
        File.WriteAllText(_temp.Combine("none", "readme.txt"), "x");
        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_temp.Combine("none")));
        Assert.Contains(_temp.Combine("none"), e.Message);
        Assert.Contains("no images", e.Message);

        Png(_temp.Combine("beside", "cat", "a.png"), Pattern(4, 4, 1, 0));
        Png(_temp.Combine("beside", "stray.png"), Pattern(4, 4, 1, 1));
        var stray = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_temp.Combine("beside")));
        Assert.Contains(_temp.Combine("beside", "stray.png"), stray.Message);
    }

    [Fact]
    public void SkipBad_LeavesOutWhatDoesNotDecode_AndListsIt()
    {
        for (int i = 0; i < 5; i++) Png(_temp.Combine("s", $"{i}.png"), Pattern(4, 4, 1, i));
        File.WriteAllBytes(_temp.Combine("s", "empty.png"), []);
        File.WriteAllBytes(_temp.Combine("s", "junk.jpg"), [1, 2, 3]);
        var (train, test) = ImageFolder.Load(_temp.Combine("s"), new DataOptions { SkipBad = true });
        Assert.Equal(5, train.Count + test.Count);
        Assert.Equal(2, train.Skipped.Count);
        Assert.Contains(train.Skipped, s => s.StartsWith(_temp.Combine("s", "empty.png")));
        Assert.Contains(train.Skipped, s => s.StartsWith(_temp.Combine("s", "junk.jpg")));
    }

    [Fact]
    public void SkipBad_InTrainAndTestFolders_ListsBoth()
    {
        string root = ClassFolders(out _);
        File.WriteAllBytes(Path.Combine(root, "train", "cat", "bad.png"), []);
        File.WriteAllBytes(Path.Combine(root, "test", "dog", "bad.jpg"), [0xFF, 0xD8]);
        var (train, test) = ImageFolder.Load(root, new DataOptions { SkipBad = true });
        Assert.Equal((6, 6), (train.Count, test.Count));
        Assert.Equal(2, train.Skipped.Count);
        Assert.Contains(train.Skipped, s => s.StartsWith(Path.Combine(root, "test", "dog", "bad.jpg")));
    }

    [Fact]
    public void Catalog_LoadsAFolderPath()
    {
        string root = ClassFolders(out _);
        var (train, _) = DatasetCatalog.Load(root);
        Assert.Equal("pets", train.Name);
        Assert.Equal(["cat", "dog"], train.ClassNames);
        Assert.Contains("for tables", Assert.Throws<ArgumentException>(() => DatasetCatalog.Load(root, options: new DataOptions { LabelColumn = "x" })).Message);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
