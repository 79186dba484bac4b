using VaeSharp.Applications;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Networks;

namespace VaeSharp.Tests.Applications;

public sealed class LatentGridTests
{
    private static LatentVariableModel Mlp(int latentDim = 2, int classCount = 0) => classCount > 0
        ? new ConditionalVae(new ConditionalVaeConfig { InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [8] }, LatentDim = latentDim, ClassCount = classCount, Seed = 7 })
        : new Vae(new VaeConfig { InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [8] }, LatentDim = latentDim, Seed = 7 });

    // The Keras example's network at MNIST size (conv 32/64 stride 2 → dense 16 → z = 2).
    private static Vae KerasLike() => new(new VaeConfig
    {
        InputShape = [1, 28, 28], LatentDim = 2, Seed = 3,
        Network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [32, 64], KernelSize = 3, Hidden = [16] },
    });

    private static float[] DecodeDirectly(LatentVariableModel model, float[] z, int count, int[]? labels = null)
    {
        using var _ = GradMode.NoGrad();
        model.Eval();
        var images = model.DecodeMean(Tensor.FromArray(z, count, model.LatentDim), labels).ToArray();
        model.Train();
        return images;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"{what}: value {i} is {actual[i]}, direct decode gives {expected[i]}");
    }

    [Fact]
    public void Positions_AreNumpyLinspace()
    {
        var p = LatentGrid.Positions(30, 1f);
        Assert.Equal(30, p.Length);
        Assert.Equal(-1f, p[0]);
        Assert.Equal(1f, p[29]);
        for (int j = 0; j < 30; j++) Assert.Equal(-1.0 + 2.0 * j / 29, p[j], tolerance: 1e-6);
        Assert.Equal([-2.5f, 0f, 2.5f], LatentGrid.Positions(3, 2.5f));
    }

    [Fact]
    public void Codes_RunLeftToRightInX_AndTopToBottomFromPlusR_OtherDimensionsZero()
    {
        // Latent dim 4, x = z[2], y = z[0]; a 3×3 grid over [−2, 2]².
        var z = LatentGrid.Codes(latentDim: 4, n: 3, range: 2f, xDim: 2, yDim: 0);
        Assert.Equal(9 * 4, z.Length);
        float[] Cell(int row, int col) => z.AsSpan((row * 3 + col) * 4, 4).ToArray();
        Assert.Equal([2f, 0f, -2f, 0f], Cell(0, 0));   // top-left: x = −r, y = +r
        Assert.Equal([2f, 0f, 2f, 0f], Cell(0, 2));    // top-right
        Assert.Equal([0f, 0f, 0f, 0f], Cell(1, 1));    // centre
        Assert.Equal([-2f, 0f, -2f, 0f], Cell(2, 0));  // bottom-left
        Assert.Equal([-2f, 0f, 2f, 0f], Cell(2, 2));   // bottom-right
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CornerCells_DecodeLikeADirectDecodeOfTheCornerCodes(bool conv)
    {
        var model = conv ? KerasLike() : Mlp();
        int n = conv ? 4 : 6, size = model.Config.InputSize;
        const float r = 1.5f;
        var images = LatentGrid.Decode(model, n, r);
        Assert.Equal(n * n * size, images.Length);
        Assert.True(model.Training, "the model's training mode was not restored");

        float[] corners = [-r, r, r, r, -r, -r, r, -r];   // top-left, top-right, bottom-left, bottom-right as (z0, z1)
        var direct = DecodeDirectly(model, corners, 4);
        int[] cells = [0, n - 1, n * (n - 1), n * n - 1];
        for (int k = 0; k < 4; k++)
            AssertClose(direct.AsSpan(k * size, size), images.AsSpan(cells[k] * size, size), $"corner {k}");
    }

    [Fact]
    public void HigherLatentDim_UsesTheChosenDimensions_WithTheOthersAtZero()
    {
        var model = Mlp(latentDim: 5);
        var images = LatentGrid.Decode(model, n: 3, range: 1f, xDim: 3, yDim: 1);
        var z = new float[5];
        z[3] = 1f; z[1] = 1f;                          // top-right cell: x = +r, y = +r
        AssertClose(DecodeDirectly(model, z, 1), images.AsSpan(2 * 16, 16), "top-right");
    }

    [Fact]
    public void ConditionalModel_DecodesEveryCellWithTheLabel()
    {
        var model = Mlp(classCount: 3);
        var images = LatentGrid.Decode(model, n: 2, range: 1f, label: 2);
        AssertClose(DecodeDirectly(model, [1f, -1f], 1, [2]), images.AsSpan(3 * 16, 16), "bottom-right");
        Assert.Throws<ArgumentException>(() => LatentGrid.Decode(model, 2));
        Assert.Throws<ArgumentException>(() => LatentGrid.Decode(model, 2, label: 3));
        Assert.Throws<ArgumentException>(() => LatentGrid.Decode(Mlp(), 2, label: 0));
    }

    [Fact]
    public void Compose_TilesEdgeToEdge_TopLeftCellFirst()
    {
        var model = Mlp();
        var images = LatentGrid.Decode(model, n: 3);
        var picture = LatentGrid.Compose(images, 3, model.InputShape);
        Assert.Equal((12, 12, 1), (picture.Width, picture.Height, picture.Channels));
        // Cell (row 1, col 2) starts at pixel (8, 4); its value (0, 0) is image 5's first pixel.
        Assert.Equal((byte)(Math.Clamp(images[5 * 16], 0f, 1f) * 255f + 0.5f), picture[8, 4, 0]);

        var mnist = LatentGrid.Compose(new float[30 * 30 * 784], 30, [1, 28, 28]);
        Assert.Equal((840, 840), (mnist.Width, mnist.Height));
    }

    [Theory]
    [InlineData(2, 0, 0)]
    [InlineData(2, 0, 2)]
    [InlineData(2, -1, 1)]
    [InlineData(1, 0, 1)]
    public void BadDimensions_AreRejected(int latentDim, int xDim, int yDim) =>
        Assert.Throws<ArgumentException>(() => LatentGrid.Codes(latentDim, 3, 1f, xDim, yDim));

    [Fact]
    public void BadSizeOrRange_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentGrid.Positions(1, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentGrid.Positions(3, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentGrid.Positions(3, float.NaN));
    }
}
