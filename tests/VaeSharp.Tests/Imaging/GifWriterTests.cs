using SkiaSharp;
using VaeSharp.Engine.Random;
using VaeSharp.Imaging;

namespace VaeSharp.Tests.Imaging;

// The GIF writer checked against an independent decoder (SkiaSharp's): every frame decodes to the gray values written.
public class GifWriterTests
{
    private static byte[] Gray(SKBitmap bitmap)
    {
        var gray = new byte[bitmap.Width * bitmap.Height];
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                Assert.True(c.Red == c.Green && c.Green == c.Blue, "a gray palette decodes to gray");
                gray[y * bitmap.Width + x] = c.Red;
            }
        return gray;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(64, 48, 3)]     // random pixels: the LZW table fills and clears many times
    [InlineData(200, 150, 2)]
    public void Frames_DecodeBackExactly(int width, int height, int frameCount)
    {
        var rng = new RandomGenerator((ulong)(width * 31 + height));
        var frames = Enumerable.Range(0, frameCount).Select(f =>
        {
            var pixels = new byte[width * height];
            for (int i = 0; i < pixels.Length; i++)
                pixels[i] = f == 0 ? (byte)rng.NextInt(256) : (byte)((i / 7 + f * 40) % 256);   // noise, then runs
            return new Image8(width, height, 1, pixels);
        }).ToList();
        byte[] gif = GifWriter.Encode(frames, delayCentiseconds: 7);
        using var codec = SKCodec.Create(new SKMemoryStream(gif));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Gif, codec.EncodedFormat);
        Assert.Equal(frameCount, codec.FrameCount == 0 ? 1 : codec.FrameCount);
        if (frameCount > 1)
        {
            Assert.Equal(-1, codec.RepetitionCount);         // Skia's "infinite": the NETSCAPE2.0 loop count 0
            Assert.All(codec.FrameInfo, fi => Assert.Equal(70, fi.Duration));
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int f = 0; f < frameCount; f++)
        {
            using var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(f));
            Assert.Equal(SKCodecResult.Success, result);
            Assert.Equal(frames[f].Pixels, Gray(bitmap));
        }
    }

    [Fact]
    public void BadFrames_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => GifWriter.Encode([]));
        Assert.Throws<ArgumentException>(() => GifWriter.Encode([new Image8(2, 2, 1), new Image8(3, 2, 1)]));
        Assert.Throws<ArgumentException>(() => GifWriter.Encode([new Image8(2, 2, 3)]));
    }
}
