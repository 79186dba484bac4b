using VaeSharp.Imaging;

namespace VaeSharp.Explorer.Tests;

public sealed class ImageInputTests
{
    [Fact]
    public void Gray_AtTheModelsSize_PassesThroughAsBytesOver255()
    {
        var image = new Image8(2, 2, 1, [0, 51, 204, 255]);
        Assert.Equal([0f, 51 * (1f / 255f), 204 * (1f / 255f), 1f], ImageInput.ToModelInput(image, 1, 2, 2));
    }

    [Fact]
    public void Downscaling_AveragesTheAreaEachPixelCovers()
    {
        // A 4 × 4 checkerboard to 2 × 2: every output pixel covers two white and two black pixels.
        var pixels = new byte[16];
        for (int i = 0; i < 16; i++) pixels[i] = (byte)(((i / 4) + (i % 4)) % 2 == 0 ? 255 : 0);
        Assert.All(ImageInput.ToModelInput(new Image8(4, 4, 1, pixels), 1, 2, 2), v => Assert.Equal(0.5f, v, 1e-6f));
        // 3 → 2: output 0 covers input [0, 1.5): (1·a + 0.5·b) / 1.5.
        var row = ImageInput.ToModelInput(new Image8(3, 1, 1, [255, 0, 0]), 1, 1, 2);
        Assert.Equal(1 / 1.5f, row[0], 1e-6f);
        Assert.Equal(0f, row[1], 1e-6f);
    }

    [Fact]
    public void Colour_BecomesLuma_AlphaLiesOverBlack_AndInvertFlips()
    {
        var rgba = new Image8(3, 1, 4, [255, 0, 0, 255, 0, 255, 0, 255, 255, 255, 255, 0]);
        var gray = ImageInput.ToModelInput(rgba, 1, 1, 3);
        Assert.Equal(0.299f, gray[0], 1e-6f);
        Assert.Equal(0.587f, gray[1], 1e-6f);
        Assert.Equal(0f, gray[2], 1e-6f);   // white but fully transparent: black
        var inverted = ImageInput.ToModelInput(new Image8(1, 1, 1, [255]), 1, 1, 1, invert: true);
        Assert.Equal(0f, inverted[0]);
        var rgb = ImageInput.ToModelInput(new Image8(1, 1, 1, [255]), 3, 1, 1);
        Assert.Equal([1f, 1f, 1f], rgb);
    }
}
