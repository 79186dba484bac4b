using System.Buffers.Binary;
using VaeSharp.Imaging;
using static VaeSharp.Tests.Imaging.PngTestBytes;

namespace VaeSharp.Tests.Imaging;

// Oracle for decoding: fixtures made by Fixtures/make_png_fixtures.py (Python zlib + struct, its
// own filters), whose pixels were also confirmed with netpbm's pngtopnm when they were made.
public sealed class PngReaderTests
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

    [Theory]
    [InlineData("gray_7x5.png", 7, 5, 1)]       // filters Sub, Up, Average, Paeth, None; 5 IDATs; tEXt
    [InlineData("graya_4x3.png", 4, 3, 2)]      // Up, Paeth, Average
    [InlineData("rgb_6x4.png", 6, 4, 3)]        // Paeth, Average, Up, Sub; gAMA and tEXt
    [InlineData("rgba_5x3.png", 5, 3, 4)]       // Average, Paeth, Sub
    public void Read_IndependentFixture_GivesExpectedPixels(string name, int width, int height, int channels)
    {
        Image8 image = PngReader.Read(Fixture(name));
        Assert.Equal((width, height, channels), (image.Width, image.Height, image.Channels));
        Assert.Equal(FormulaPixels(width, height, channels), image.Pixels);
    }

    [Fact]
    public void Read_IndependentNoiseFixture_AllFiltersOnRandomBytes_GivesExpectedPixels()
    {
        Image8 image = PngReader.Read(Fixture("rgb_noise_32x24.png"));
        Assert.Equal((32, 24, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(NoisePixels(32 * 24 * 3), image.Pixels);
    }

    [Fact]
    public void Read_Fixture_SpotValuesMatchHandComputation()
    {
        Image8 gray = PngReader.Read(Fixture("gray_7x5.png"));
        Assert.Equal(7, gray[0, 0, 0]);                          // 7
        Assert.Equal(19, gray[4, 0, 0]);                         // 4·67 + 7 = 275 → 19
        Assert.Equal((6 * 67 + 4 * 29 + 24 * 13 + 7) % 256, gray[6, 4, 0]);
        Image8 rgba = PngReader.Read(Fixture("rgba_5x3.png"));
        Assert.Equal((2 * 67 + 1 * 29 + 3 * 101 + 2 * 13 + 7) % 256, rgba[2, 1, 3]);
    }

    [Fact]
    public void Read_FromStream_MatchesFile()
    {
        using FileStream stream = File.OpenRead(Fixture("rgb_6x4.png"));
        Assert.Equal(FormulaPixels(6, 4, 3), PngReader.Read(stream).Pixels);
    }

    // ---- errors name the file and the problem ----

    private static PngFormatException AssertRejected(byte[] png, params string[] fragments)
    {
        var e = Assert.Throws<PngFormatException>(() => PngReader.Decode(png, "bad.png"));
        Assert.StartsWith("bad.png: ", e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
        return e;
    }

    [Fact]
    public void Read_BadSignature_IsRejected()
    {
        AssertRejected([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'],
            "not a PNG file: it starts with FF D8 FF E0 00 10 4A 46, expected 89 50 4E 47 0D 0A 1A 0A");
        AssertRejected([], "not a PNG file: it starts with (nothing)");
    }

    [Fact]
    public void Read_CorruptCrc_IsRejectedNamingTheChunk()
    {
        byte[] png = File.ReadAllBytes(Fixture("rgb_6x4.png"));
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        png[idat + 6] ^= 0x01; // a data byte of the first IDAT
        AssertRejected(png, $"CRC mismatch in chunk 'IDAT' at offset {idat - 4}", "file corrupt");
    }

    [Fact]
    public void Read_CorruptCrcInHeader_IsRejected()
    {
        byte[] png = SmallGray();
        png[8 + 8 + 3] ^= 0x40; // width's low byte
        AssertRejected(png, "CRC mismatch in chunk 'IHDR' at offset 8");
    }

    [Fact]
    public void Read_FromPath_NamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaesharp-{Guid.NewGuid():N}.png");
        byte[] png = File.ReadAllBytes(Fixture("gray_7x5.png"));
        File.WriteAllBytes(path, png[..^20]);
        try
        {
            var e = Assert.Throws<PngFormatException>(() => PngReader.Read(path));
            Assert.StartsWith($"{path}: file truncated", e.Message);
            Assert.Equal(path, e.FilePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_EveryTruncation_IsAFormatError()
    {
        byte[] png = File.ReadAllBytes(Fixture("gray_7x5.png"));
        for (int length = 0; length < png.Length; length++)
            Assert.Throws<PngFormatException>(() => PngReader.Decode(png.AsSpan(0, length)));
    }

    [Fact]
    public void Read_TruncatedInsideAChunk_SaysHowMuchIsMissing()
    {
        byte[] png = SmallGray();
        AssertRejected(png[..47], "file truncated: chunk 'IDAT' at offset 33 declares");
    }

    [Fact]
    public void Read_MissingIend_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Idat(new byte[8])), "no IEND chunk");

    [Theory]
    [InlineData(16, 0, "bit depth 16 is not supported")]
    [InlineData(16, 2, "bit depth 16 is not supported")]
    [InlineData(1, 0, "bit depth 1 is not supported")]
    [InlineData(8, 3, "palette images (colour type 3) are not supported")]
    [InlineData(8, 5, "colour type 5 is invalid")]
    public void Read_UnsupportedPixelFormat_IsRejected(byte depth, byte colorType, string expected) =>
        AssertRejected(PngFile(Ihdr(3, 2, depth, colorType), Idat(new byte[8]), Iend()), expected);

    [Fact]
    public void Read_Interlaced_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2, interlace: 1), Idat(new byte[8]), Iend()), "interlaced (Adam7) images are not supported");

    [Theory]
    [InlineData(0u, 2u, "IHDR width 0 is invalid")]
    [InlineData(3u, 0u, "IHDR height 0 is invalid")]
    [InlineData(0x80000000u, 2u, "IHDR width 2147483648 is invalid")]
    public void Read_BadDimensions_AreRejected(uint width, uint height, string expected) =>
        AssertRejected(PngFile(Ihdr(width, height), Idat(new byte[8]), Iend()), expected);

    [Fact]
    public void Read_HugeDeclaredSize_IsRejectedWithoutAllocating() =>
        AssertRejected(PngFile(Ihdr(0x7FFFFFFF, 0x7FFFFFFF, colorType: 6), Idat(new byte[8]), Iend()), "too large to hold in memory");

    [Fact]
    public void Read_HugeDeclaredSizeWithSmallData_FailsOnTheDataActuallyThere() =>
        AssertRejected(PngFile(Ihdr(20000, 20000), Idat(new byte[10]), Iend()), "IDAT data inflates to 10 bytes, expected 400020000");

    [Theory]
    [InlineData(1, 0, 0, "compression method 1 is invalid")]
    [InlineData(0, 1, 0, "filter method 1 is invalid")]
    [InlineData(0, 0, 2, "interlace method 2 is invalid")]
    public void Read_InvalidHeaderMethods_AreRejected(byte compression, byte filter, byte interlace, string expected) =>
        AssertRejected(PngFile(Ihdr(3, 2, compression: compression, filter: filter, interlace: interlace), Idat(new byte[8]), Iend()), expected);

    [Fact]
    public void Read_HeaderNotFirst_IsRejected() =>
        AssertRejected(PngFile(Chunk("tEXt", "a\0b"u8.ToArray()), Ihdr(3, 2), Idat(new byte[8]), Iend()), "first chunk is 'tEXt', expected 'IHDR'");

    [Fact]
    public void Read_ShortHeader_IsRejected() =>
        AssertRejected(PngFile(Chunk("IHDR", new byte[12]), Idat(new byte[8]), Iend()), "IHDR has 12 bytes, expected 13");

    [Fact]
    public void Read_TooLittleImageData_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Idat(new byte[7]), Iend()), "IDAT data inflates to 7 bytes, expected 8");

    [Fact]
    public void Read_TooMuchImageData_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Idat(new byte[9]), Iend()), "inflates to more than the 8 bytes");

    [Fact]
    public void Read_NotZlib_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Chunk("IDAT", [1, 2, 3, 4, 5, 6]), Iend()), "IDAT data is not a valid zlib stream");

    [Fact]
    public void Read_BadAdler32_IsRejected()
    {
        byte[] zlib = Zlib([0, 1, 2, 3, 0, 4, 5, 6]);
        zlib[^1] ^= 0xFF;
        AssertRejected(PngFile(Ihdr(3, 2), Chunk("IDAT", zlib), Iend()), "IDAT data is not a valid zlib stream");
    }

    [Fact]
    public void Read_InvalidFilterType_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Idat([0, 1, 2, 3, 5, 4, 5, 6]), Iend()), "row 1 has filter type 5; valid types are 0 to 4");

    [Fact]
    public void Read_NoImageData_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Iend()), "no IDAT chunk");

    [Fact]
    public void Read_NonConsecutiveIdat_IsRejected()
    {
        byte[] zlib = Zlib(new byte[8]);
        AssertRejected(PngFile(Ihdr(3, 2), Chunk("IDAT", zlib[..4]), Chunk("tEXt", "k\0v"u8.ToArray()), Chunk("IDAT", zlib[4..]), Iend()),
            "IDAT chunks must be consecutive");
    }

    [Fact]
    public void Read_UnknownCriticalChunk_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Chunk("ABCD", []), Idat(new byte[8]), Iend()), "critical chunk 'ABCD' at offset 33 is not supported");

    [Fact]
    public void Read_UnknownAncillaryChunk_IsSkipped() =>
        Assert.Equal(6, PngReader.Decode(PngFile(Ihdr(3, 2), Chunk("zzZz", [9, 9]), Idat(new byte[8]), Iend())).Pixels.Length);

    [Fact]
    public void Read_BytesAfterIend_AreRejected() =>
        AssertRejected([.. SmallGray(), 0, 0], "2 bytes after the IEND chunk");

    [Fact]
    public void Read_InvalidChunkType_IsRejected()
    {
        byte[] png = SmallGray();
        png[8 + 4] = (byte)'1';
        AssertRejected(png, "chunk at offset 8 has an invalid type 31 48 44 52");
    }

    [Fact]
    public void Read_ChunkLengthBeyondLimit_IsRejected()
    {
        byte[] png = SmallGray();
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 0x80000000);
        AssertRejected(png, "chunk 'IHDR' at offset 8 declares length 2147483648");
    }

    [Fact]
    public void Read_PaletteChunkInGrayImage_IsRejected() =>
        AssertRejected(PngFile(Ihdr(3, 2), Chunk("PLTE", [0, 0, 0]), Idat(new byte[8]), Iend()), "PLTE chunk in a grayscale image");

    [Fact]
    public void Read_SuggestedPaletteInRgbImage_IsIgnored() =>
        Assert.Equal(3, PngReader.Decode(PngFile(Ihdr(1, 1, colorType: 2), Chunk("PLTE", [0, 0, 0]), Idat(new byte[4]), Iend())).Channels);
}
