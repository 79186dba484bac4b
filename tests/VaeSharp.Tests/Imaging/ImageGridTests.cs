using VaeSharp.Imaging;

namespace VaeSharp.Tests.Imaging;

public sealed class ImageGridTests
{
    [Fact]
    public void Compose_GrayImages_LaysOutTilesWithPadding()
    {
        // Three 2×2 images, two columns, padding 1 of value 1.0 (255): a 7×7 grid whose
        // bottom-right cell is padding colour too.
        float[] images =
        [
            0f, 1f, 0.5f, 0.25f,
            -3f, 2f, float.NaN, 1f / 255f,
            0.2f, 0.2f, 0.2f, 0.2f,
        ];
        Image8 grid = ImageGrid.Compose(images, count: 3, channels: 1, height: 2, width: 2, columns: 2, padding: 1, paddingValue: 1f);

        const byte P = 255;
        byte[] expected =
        [
            P, P,   P,  P, P,   P, P,
            P, 0, 255,  P, 0, 255, P,
            P, 128, 64, P, 0,   1, P,
            P, P,   P,  P, P,   P, P,
            P, 51, 51,  P, P,   P, P,
            P, 51, 51,  P, P,   P, P,
            P, P,   P,  P, P,   P, P,
        ];
        Assert.Equal((7, 7, 1), (grid.Width, grid.Height, grid.Channels));
        Assert.Equal(expected, grid.Pixels);
    }

    [Fact]
    public void Compose_RgbPlanarInput_BecomesInterleavedPixels()
    {
        // One 1×2 RGB image, planar: R plane, G plane, B plane.
        float[] image = [1f, 0f, /* G */ 0f, 1f, /* B */ 0.5f, 0f];
        Image8 grid = ImageGrid.Compose(image, count: 1, channels: 3, height: 1, width: 2, columns: 8, padding: 0);
        Assert.Equal((2, 1, 3), (grid.Width, grid.Height, grid.Channels));
        Assert.Equal([255, 0, 128, 0, 255, 0], grid.Pixels);
    }

    [Fact]
    public void Compose_SixtyFourMnistSizedImages_Gives8x8Grid()
    {
        var images = new float[64 * 28 * 28];
        for (int n = 0; n < 64; n++) Array.Fill(images, n / 63f, n * 784, 784);
        Image8 grid = ImageGrid.Compose(images, 64, 1, 28, 28, columns: 8);
        Assert.Equal((8 * 28 + 9 * 2, 8 * 28 + 9 * 2), (grid.Width, grid.Height));
        // Image 9 is row 1, column 1; its top-left pixel sits after two paddings on each axis.
        int x = 2 + 30, y = 2 + 30;
        Assert.Equal(ImageGrid.ToByte(9 / 63f), grid[x, y, 0]);
        Assert.Equal(ImageGrid.ToByte(0.5f), grid[0, 0, 0]);
    }

    [Fact]
    public void Compose_ListOverload_MatchesBatchOverload()
    {
        var random = new Random(3);
        float[][] list = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 3 * 4 * 5).Select(_ => random.NextSingle()).ToArray()).ToArray();
        Image8 fromList = ImageGrid.Compose(list, channels: 3, height: 4, width: 5, columns: 3);
        Image8 fromBatch = ImageGrid.Compose(list.SelectMany(a => a).ToArray(), 5, 3, 4, 5, columns: 3);
        Assert.Equal(fromBatch.Pixels, fromList.Pixels);
    }

    [Fact]
    public void Compose_BadArguments_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(new float[10], 3, 1, 2, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(new float[8], 1, 2, 2, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(new float[4], 1, 1, 2, 2, 0));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([new float[4], new float[3]], 1, 2, 2, 2));
    }

    [Fact]
    public void SavePng_WritesTheComposedGrid()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaesharp-grid-{Guid.NewGuid():N}.png");
        var images = new float[4 * 3 * 6 * 5];
        new Random(11).NextBytes(new byte[1]);
        for (int i = 0; i < images.Length; i++) images[i] = (i % 17) / 16f;
        try
        {
            ImageGrid.SavePng(path, images, 4, 3, 6, 5, columns: 2);
            Assert.Equal(ImageGrid.Compose(images, 4, 3, 6, 5, columns: 2).Pixels, ImageCodec.Read(path).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
