using VaeSharp.Imaging;
using static VaeSharp.Tests.Imaging.PngTestBytes;

namespace VaeSharp.Tests.Imaging;

// The writer's output is checked structurally by PngTestBytes.StrictCheck (own CRC, own chunk
// walk) and for content by decoding it (the reader is itself checked against independent fixtures).
public sealed class PngWriterTests
{
    private static Image8 RandomImage(int width, int height, int channels, int seed)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return new Image8(width, height, channels, pixels);
    }

    // Smooth content, so the per-row filter choice picks filters other than None.
    private static Image8 GradientImage(int width, int height, int channels)
    {
        var image = new Image8(width, height, channels);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    image[x, y, c] = (byte)(x * 3 + y * 2 + c * 40);
        return image;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(28, 28, 1)]
    [InlineData(13, 7, 2)]
    [InlineData(17, 9, 3)]
    [InlineData(5, 11, 4)]
    public void Encode_RandomImage_PassesStrictCheckAndRoundTrips(int width, int height, int channels)
    {
        Image8 image = RandomImage(width, height, channels, seed: width * 100 + channels);
        byte[] png = PngWriter.Encode(image);
        StrictCheck(png, width, height, channels);
        Image8 back = PngReader.Decode(png);
        Assert.Equal((width, height, channels), (back.Width, back.Height, back.Channels));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Encode_SmoothImage_UsesPredictiveFiltersAndRoundTrips(int channels)
    {
        Image8 image = GradientImage(40, 30, channels);
        byte[] png = PngWriter.Encode(image);
        byte[] raw = StrictCheck(png, 40, 30, channels);
        int rowLength = 1 + 40 * channels;
        Assert.Contains(Enumerable.Range(0, 30), y => raw[y * rowLength] != 0);
        Assert.Equal(image.Pixels, PngReader.Decode(png).Pixels);
    }

    [Fact]
    public void Encode_LargeNoisyImage_SplitsIdatAndRoundTrips()
    {
        Image8 image = RandomImage(300, 200, 3, seed: 7);
        byte[] png = PngWriter.Encode(image);
        StrictCheck(png, 300, 200, 3);
        Assert.True(CountChunks(png, "IDAT") > 1);
        Assert.Equal(image.Pixels, PngReader.Decode(png).Pixels);
    }

    [Fact]
    public void Write_ToPath_IsAtomicAndReadable()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"vaesharp-png-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "grid.png");
            PngWriter.Write(path, RandomImage(4, 4, 1, 1));
            Image8 second = RandomImage(6, 2, 3, 2);
            PngWriter.Write(path, second);
            Assert.Equal(second.Pixels, PngReader.Read(path).Pixels);
            Assert.Equal([path], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Write_ToStream_MatchesEncode()
    {
        Image8 image = RandomImage(9, 4, 2, 3);
        using var stream = new MemoryStream();
        PngWriter.Write(stream, image);
        Assert.Equal(PngWriter.Encode(image), stream.ToArray());
    }

    [Fact]
    public void Crc32_MatchesCheckValueAndBitwiseOracle()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        byte[] data = new byte[1000];
        new Random(5).NextBytes(data);
        Assert.Equal(BitwiseCrc(data), Crc32.Compute(data));
        Assert.Equal(BitwiseCrc(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, 333)), data.AsSpan(333)));
    }

    [Fact]
    public void Image8_RejectsWrongPixelCountAndChannels()
    {
        Assert.Throws<ArgumentException>(() => new Image8(2, 2, 3, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image8(2, 2, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image8(0, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image8(2, 2, 1)[2, 0, 0]);
    }

    private static int CountChunks(byte[] png, string type)
    {
        int count = 0, at = 8;
        while (at < png.Length)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (System.Text.Encoding.ASCII.GetString(png, at + 4, 4) == type) count++;
            at += 12 + length;
        }
        return count;
    }
}
