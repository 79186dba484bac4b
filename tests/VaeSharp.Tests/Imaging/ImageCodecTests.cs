using SkiaSharp;
using VaeSharp.Imaging;
using VaeSharp.Tests.Data;
using static VaeSharp.Tests.Imaging.PngTestBytes;

namespace VaeSharp.Tests.Imaging;

// Oracles: for decoding, fixtures made by Fixtures/make_png_fixtures.py (Python zlib + struct, its own
// filters; pixels confirmed with netpbm's pngtopnm when they were made) and files crafted byte by
// byte with PngTestBytes; for encoding, PngTestBytes.StrictCheck (own chunk walk, own CRC-32, own
// inflate) and decoding the result again.
public sealed class ImageCodecTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    // Same formulas as make_png_fixtures.py.
    private static byte[] FormulaPixels(int width, int height, int channels)
    {
        var pixels = new byte[width * height * channels];
        int i = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    pixels[i++] = (byte)((x * 67 + y * 29 + c * 101 + x * y * 13 + 7) % 256);
        return pixels;
    }

    private static byte[] NoisePixels(int count)
    {
        var pixels = new byte[count];
        long s = 2024;
        for (int i = 0; i < count; i++)
        {
            s = (s * 1103515245 + 12345) % (1L << 31);
            pixels[i] = (byte)((s >> 16) & 0xFF);
        }
        return pixels;
    }

    private static Image8 RandomImage(int width, int height, int channels, int seed)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return new Image8(width, height, channels, pixels);
    }

    private static Image8 GradientImage(int width, int height, int channels)
    {
        var image = new Image8(width, height, channels);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    image[x, y, c] = (byte)(x * 3 + y * 2 + c * 40);
        return image;
    }

    // ---- reading ----

    [Theory]
    [InlineData("gray_7x5.png", 7, 5, 1)]       // filters Sub, Up, Average, Paeth, None; 5 IDATs; tEXt
    [InlineData("graya_4x3.png", 4, 3, 2)]      // Up, Paeth, Average
    [InlineData("rgb_6x4.png", 6, 4, 3)]        // Paeth, Average, Up, Sub; gAMA and tEXt (no colour conversion)
    [InlineData("rgba_5x3.png", 5, 3, 4)]       // Average, Paeth, Sub; alpha not premultiplied
    public void Read_IndependentFixture_GivesExpectedPixels(string name, int width, int height, int channels)
    {
        Image8 image = ImageCodec.Read(Fixture(name));
        Assert.Equal((width, height, channels), (image.Width, image.Height, image.Channels));
        Assert.Equal(FormulaPixels(width, height, channels), image.Pixels);
    }

    [Fact]
    public void Read_IndependentNoiseFixture_AllFiltersOnRandomBytes_GivesExpectedPixels()
    {
        Image8 image = ImageCodec.Read(Fixture("rgb_noise_32x24.png"));
        Assert.Equal((32, 24, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(NoisePixels(32 * 24 * 3), image.Pixels);
    }

    [Fact]
    public void Read_Fixture_SpotValuesMatchHandComputation()
    {
        Image8 gray = ImageCodec.Read(Fixture("gray_7x5.png"));
        Assert.Equal(7, gray[0, 0, 0]);                          // 7
        Assert.Equal(19, gray[4, 0, 0]);                         // 4·67 + 7 = 275 → 19
        Assert.Equal((6 * 67 + 4 * 29 + 24 * 13 + 7) % 256, gray[6, 4, 0]);
        Image8 rgba = ImageCodec.Read(Fixture("rgba_5x3.png"));
        Assert.Equal((2 * 67 + 1 * 29 + 3 * 101 + 2 * 13 + 7) % 256, rgba[2, 1, 3]);
    }

    [Fact]
    public void Read_FromStream_MatchesFile()
    {
        using FileStream stream = File.OpenRead(Fixture("rgb_6x4.png"));
        Assert.Equal(FormulaPixels(6, 4, 3), ImageCodec.Read(stream).Pixels);
    }

    [Fact]
    public void Read_SixteenBitGray_GivesEightBitValues()
    {
        // Rows: filter 0, then 3 samples of 2 bytes, big-endian.
        byte[] rows = [0, 0x00, 0x00, 0x80, 0x80, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0x80, 0x80, 0x00, 0x00];
        Image8 image = ImageCodec.Decode(PngFile(Ihdr(3, 2, bitDepth: 16), Idat(rows), Iend()));
        Assert.Equal((3, 2, 1), (image.Width, image.Height, image.Channels));
        Assert.Equal([0, 128, 255, 255, 128, 0], image.Pixels);
    }

    [Fact]
    public void Read_PaletteImage_GivesTheRgbOfEachIndex()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 10, 20, 30];
        Image8 image = ImageCodec.Decode(PngFile(Ihdr(3, 1, colorType: 3), Chunk("PLTE", palette), Idat([0, 2, 0, 1]), Iend()));
        Assert.Equal((3, 1, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal([10, 20, 30, 255, 0, 0, 0, 255, 0], image.Pixels);
    }

    [Fact]
    public void Read_Jpeg_GivesRgbCloseToTheOriginal()
    {
        Image8 original = GradientImage(40, 30, 3);
        var rgba = new byte[40 * 30 * 4];
        for (int i = 0; i < 40 * 30; i++)
        {
            original.Pixels.AsSpan(3 * i, 3).CopyTo(rgba.AsSpan(4 * i));
            rgba[4 * i + 3] = 255;
        }
        using var skImage = SKImage.FromPixelCopy(new SKImageInfo(40, 30, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
        using var jpeg = skImage.Encode(SKEncodedImageFormat.Jpeg, 95);
        Image8 image = ImageCodec.Decode(jpeg.ToArray(), "gradient.jpg");
        Assert.Equal((40, 30, 3), (image.Width, image.Height, image.Channels));
        double meanError = original.Pixels.Zip(image.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 4, $"mean absolute error {meanError} after a quality-95 JPEG");
    }

    // ---- writing ----

    [Theory]
    [InlineData(1, 1, 1, 0)]
    [InlineData(28, 28, 1, 0)]
    [InlineData(17, 9, 3, 2)]
    [InlineData(5, 11, 4, 6)]
    public void EncodePng_RandomImage_PassesStrictCheckAndRoundTrips(int width, int height, int channels, int colorType)
    {
        Image8 image = RandomImage(width, height, channels, seed: width * 100 + channels);
        byte[] png = ImageCodec.EncodePng(image);
        StrictCheck(png, width, height, channels);
        Assert.Equal(colorType, png[25]);
        Image8 back = ImageCodec.Decode(png);
        Assert.Equal((width, height, channels), (back.Width, back.Height, back.Channels));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void EncodePng_GrayAlpha_IsWrittenAsRgba()
    {
        Image8 image = RandomImage(13, 7, 2, seed: 4);
        byte[] png = ImageCodec.EncodePng(image);
        StrictCheck(png, 13, 7, 4);
        Image8 back = ImageCodec.Decode(png);
        Assert.Equal(4, back.Channels);
        for (int i = 0; i < 13 * 7; i++)
        {
            byte g = image.Pixels[2 * i], a = image.Pixels[2 * i + 1];
            Assert.Equal([g, g, g, a], back.Pixels.AsSpan(4 * i, 4).ToArray());
        }
    }

    [Fact]
    public void EncodePng_SmoothImage_IsCompressed()
    {
        Image8 image = GradientImage(300, 200, 3);
        byte[] png = ImageCodec.EncodePng(image);
        Assert.True(png.Length < image.Pixels.Length / 10, $"{png.Length} bytes for {image.Pixels.Length} bytes of pixels");
        Assert.Equal(image.Pixels, ImageCodec.Decode(png).Pixels);
    }

    [Fact]
    public void WritePng_ToPath_ReplacesTheFileAtomically()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("grid.png");
        ImageCodec.WritePng(path, RandomImage(4, 4, 1, 1));
        Image8 second = RandomImage(6, 2, 3, 2);
        ImageCodec.WritePng(path, second);
        Assert.Equal(second.Pixels, ImageCodec.Read(path).Pixels);
        Assert.Equal([path], Directory.GetFiles(folder.Path));   // no temporary file left behind
    }

    [Fact]
    public void WritePng_IntoMissingFolder_FailsNamingTheFolder()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("missing", "grid.png");
        var e = Assert.Throws<DirectoryNotFoundException>(() => ImageCodec.WritePng(path, RandomImage(2, 2, 1, 1)));
        Assert.Contains(folder.Combine("missing"), e.Message);
    }

    [Fact]
    public void WritePng_ToStream_MatchesEncode()
    {
        Image8 image = RandomImage(9, 4, 3, 3);
        using var stream = new MemoryStream();
        ImageCodec.WritePng(stream, image);
        Assert.Equal(ImageCodec.EncodePng(image), stream.ToArray());
    }

    // ---- unreadable files: an ImageFormatException naming the source and the problem ----

    private static ImageFormatException AssertRejected(byte[] file, string fragment)
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Decode(file, "bad.png"));
        Assert.StartsWith("bad.png: ", e.Message);
        Assert.Equal("bad.png", e.FilePath);
        Assert.Contains(fragment, e.Problem);
        return e;
    }

    [Fact]
    public void Read_TruncatedFileOnDisk_NamesTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("cut.png");
        File.WriteAllBytes(path, File.ReadAllBytes(Fixture("rgb_noise_32x24.png"))[..600]);
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Read(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Read_MissingFile_IsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ImageCodec.Read(Path.Combine(Path.GetTempPath(), $"vaesharp-{Guid.NewGuid():N}.png")));

    [Fact]
    public void Read_EveryCutBeforeTheLastRowIsInflated_IsAFormatError()
    {
        // The decoder needs the signature, IHDR and the compressed rows. libpng stops once the last row
        // is inflated, so a file cut after that — in the zlib stream's 4-byte Adler-32 trailer, or a
        // lost IEND — still decodes.
        byte[] png = File.ReadAllBytes(Fixture("gray_7x5.png"));
        int imageDataEnd = EndOfLastIdatData(png) - 4;
        var decoded = new List<int>();
        for (int length = 0; length < imageDataEnd; length++)
        {
            try { ImageCodec.Decode(png.AsSpan(0, length)); decoded.Add(length); }
            catch (ImageFormatException) { }
        }
        Assert.True(decoded.Count == 0, $"cut to {string.Join(", ", decoded)} of {png.Length} bytes, the file still decoded");
        Assert.Equal(FormulaPixels(7, 5, 1), ImageCodec.Decode(png.AsSpan(0, png.Length - 12)).Pixels);
    }

    private static int EndOfLastIdatData(byte[] png)
    {
        int at = 8, end = -1;
        while (at + 8 <= png.Length)
        {
            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (System.Text.Encoding.ASCII.GetString(png, at + 4, 4) == "IDAT") end = at + 8 + length;
            at += 12 + length;
        }
        Assert.True(end > 0, "the fixture has IDAT chunks");
        return end;
    }

    [Fact]
    public void Read_Empty_IsRejected() => AssertRejected([], "empty");

    [Fact]
    public void Read_Text_IsNotAnImage() => AssertRejected("index,label,z0\n0,7,0.5\n"u8.ToArray(), "not an image file");

    [Fact]
    public void Read_CorruptHeaderCrc_IsRejected()
    {
        byte[] png = SmallGray();
        png[8 + 8 + 3] ^= 0x40; // width's low byte
        AssertRejected(png, "not a readable image");
    }

    [Fact]
    public void Read_CorruptImageDataCrc_IsRejected()
    {
        byte[] png = PngFile(Ihdr(3, 2), Idat([0, 1, 2, 3, 0, 4, 5, 6]), Iend());
        png[33 + 8 + 2] ^= 0x01; // a byte of the IDAT data, so its CRC no longer matches
        AssertRejected(png, "cannot be decoded completely (corrupt data");
    }

    [Fact]
    public void Read_TooLittleImageData_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Idat(new byte[7]), Iend()), "cannot be decoded completely (the file ends too early");

    [Fact]
    public void Read_ImageDataThatIsNotZlib_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Chunk("IDAT", [1, 2, 3, 4, 5, 6]), Iend()), "cannot be decoded completely");

    [Fact]
    public void Read_InvalidRowFilter_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Idat([0, 1, 2, 3, 5, 4, 5, 6]), Iend()), "row filter");

    [Fact]
    public void Read_NoImageData_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Iend()), "truncated");

    [Fact]
    public void Read_PaletteIndicesWithoutPalette_AreRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2, colorType: 3), Idat([0, 1, 2, 3, 0, 4, 5, 6]), Iend()), "invalid data");

    [Fact]
    public void Read_HugeDeclaredSize_IsRejected() =>
        Assert.Throws<ImageFormatException>(() => ImageCodec.Decode(PngFile(Ihdr(0x7FFFFFFF, 0x7FFFFFFF, colorType: 6), Idat(new byte[8]), Iend())));
}
