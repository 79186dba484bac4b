using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Networks;

namespace VaeSharp.Tests.Applications;

// Interpolation, latent arithmetic and label transfer, on tiny untrained models (the decoder's map is what is tested).
public sealed class EditingTests
{
    // No hidden layer and a Gaussian likelihood: E[x | z] = W z + b, a linear decoder.
    private static Vae LinearDecoder(int latent = 3) => new(new VaeConfig
    {
        InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [] }, LatentDim = latent, Likelihood = LikelihoodKind.Gaussian, Seed = 5,
    });

    private static float[] DecoderWeight(Vae model) => model.StateDict().Single(e => e.Name == "decoder.0.weight").Tensor.ToArray();   // (16, D)

    private static float[] Decode(LatentVariableModel model, float[] z, int count, int[]? labels = null)
    {
        using var _ = GradMode.NoGrad();
        model.Eval();
        return model.DecodeMean(Tensor.FromArray(z, count, model.LatentDim), labels).ToArray();
    }

    [Fact]
    public void Arithmetic_OnALinearDecoder_ChangesTheImageBy_StrengthTimesWd()
    {
        var model = LinearDecoder();
        var data = TestData.TwoPrototypes(40);
        var (d, positive, negative) = LatentArithmetic.Direction(model, data, i => data.Label(i) == 1);
        Assert.Equal((20, 20), (positive, negative));
        var codes = Interpolation.EncodeMeans(model, data, [0, 2, 4]);
        float[] strengths = [0f, 0.5f, 2f, -1f];
        var edited = LatentArithmetic.Apply(model, codes, 3, d, strengths);
        var w = DecoderWeight(model);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < strengths.Length; j++)
                for (int p = 0; p < 16; p++)
                {
                    double wd = 0;
                    for (int u = 0; u < 3; u++) wd += w[p * 3 + u] * d[u];
                    float change = edited[(i * strengths.Length + j) * 16 + p] - edited[(i * strengths.Length + 0) * 16 + p];
                    Assert.True(Math.Abs(change - strengths[j] * wd) < 1e-5, $"image {i}, strength {strengths[j]}, pixel {p}: change {change}, expected {strengths[j] * wd}");
                }
    }

    [Fact]
    public void Direction_IsTheDifferenceOfTheGroupsMeanCodes()
    {
        var model = LinearDecoder();
        var data = TestData.TwoPrototypes(10);
        var (d, _, _) = LatentArithmetic.Direction(model, data, i => i < 3 ? true : i >= 7 ? false : null);
        var with = Interpolation.EncodeMeans(model, data, [0, 1, 2]);
        var without = Interpolation.EncodeMeans(model, data, [7, 8, 9]);
        for (int u = 0; u < 3; u++)
        {
            double expected = (with[u] + with[3 + u] + with[6 + u]) / 3.0 - (without[u] + without[3 + u] + without[6 + u]) / 3.0;
            Assert.Equal(expected, d[u], 5);
        }
        Assert.Throws<ArgumentException>(() => LatentArithmetic.Direction(model, data, _ => true));   // nobody without it
    }

    [Theory]
    [InlineData(InterpolationMode.Lerp)]
    [InlineData(InterpolationMode.Slerp)]
    public void Interpolation_DecodesThePath_FromTheFirstCodeToTheLast(InterpolationMode mode)
    {
        var model = LinearDecoder();
        float[] a = [1f, -2f, 0.5f, 0f, 1f, 1f], b = [-1f, 0.3f, 2f, 2f, 0f, -1f];   // two pairs
        var result = Interpolation.BetweenCodes(model, a, b, pairs: 2, steps: 5, mode);
        Assert.Equal(2 * 5 * 16, result.Images.Length);
        Assert.Equal(a[..3], result.Code(0, 0).ToArray());
        Assert.Equal(b[3..], result.Code(1, 4).ToArray());
        var expected = Decode(model, result.Codes, 10);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result.Images[i], 5);
        Assert.Equal(LatentPath.Between(a.AsSpan(0, 3), b.AsSpan(0, 3), 5, mode), result.Codes[..15]);
    }

    [Fact]
    public void Lerp_OnALinearDecoder_IsLinearInPixels()
    {
        var model = LinearDecoder();
        var result = Interpolation.BetweenCodes(model, [2f, 0f, -1f], [0f, 2f, 1f], 1, 5, InterpolationMode.Lerp);
        for (int s = 1; s < 4; s++)
            for (int p = 0; p < 16; p++)
            {
                float t = s / 4f, start = result.Images[p], end = result.Images[4 * 16 + p];
                Assert.Equal(start + t * (end - start), result.Images[s * 16 + p], 4);
            }
    }

    [Fact]
    public void ConditionalPaths_FixTheLabel_OrMoveIt()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 3, latent: 2));
        float[] z = [0.3f, -0.7f];
        var fixedLabel = Interpolation.BetweenCodes(model, z, [1f, 1f], 1, 3, InterpolationMode.Lerp, labels: [2]);
        Assert.Equal(Decode(model, z, 1, [2]), fixedLabel.Images[..16]);
        Assert.Equal([0f, 0f, 1f], fixedLabel.ClassWeights![..3]);

        var moving = Interpolation.BetweenLabels(model, z, 1, fromLabel: 0, toLabel: 1, steps: 3);
        Assert.Equal(Decode(model, z, 1, [0]), moving.Images[..16]);
        Assert.Equal(Decode(model, z, 1, [1]), moving.Images[32..]);
        Assert.Equal([0.5f, 0.5f, 0f], moving.ClassWeights![3..6]);
        Assert.Throws<ArgumentException>(() => Interpolation.BetweenCodes(model, z, z, 1, 3, InterpolationMode.Lerp));   // no label
        Assert.Throws<ArgumentException>(() => Interpolation.BetweenLabels(LinearDecoder(2), z, 1, 0, 1, 3));             // not conditional
    }

    [Fact]
    public void Transfer_DecodesEachImagesCode_WithEveryLabel()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2, latent: 2));
        var data = TestData.TwoPrototypes(6);
        var grid = LabelTransfer.Grid(model, data, [0, 1, 2]);
        Assert.Equal(3 * 2 * 16, grid.Length);
        var codes = Interpolation.EncodeMeans(model, data, [0, 1, 2]);
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 2; c++)
                Assert.Equal(Decode(model, codes[(i * 2)..(i * 2 + 2)], 1, [c]), grid[((i * 2 + c) * 16)..((i * 2 + c + 1) * 16)]);
        // Column y_i is the reconstruction of image i.
        var (_, reconstructions) = Generation.Reconstruct(model, data, [1]);
        int at = (1 * 2 + data.Label(1)) * 16;
        Assert.Equal(reconstructions, grid[at..(at + 16)]);
        var error = Assert.Throws<ArgumentException>(() => LabelTransfer.Grid(LinearDecoder(), data, [0]));
        Assert.Contains("conditional", error.Message);
    }

    [Fact]
    public void TransferWithClassOffsets_MovesTheCodeBetweenClassMeans()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2, latent: 2));
        var data = TestData.TwoPrototypes(20);
        var means = LabelTransfer.ClassMeans(model, data);
        var z0 = Interpolation.EncodeMeans(model, data, Enumerable.Range(0, 20).Where(i => data.Label(i) == 0).ToArray());
        Assert.Equal(z0.Where((_, k) => k % 2 == 0).Average(), means[0], 5);
        var plain = LabelTransfer.Grid(model, data, [0, 1]);
        var moved = LabelTransfer.Grid(model, data, [0, 1], means);
        // The image's own label: the code is not moved.
        Assert.Equal(plain[..16], moved[..16]);
        // Image 0 (class 0) with label 1: z + m_1 − m_0.
        var z = Interpolation.EncodeMeans(model, data, [0]);
        float[] shifted = [z[0] + means[2] - means[0], z[1] + means[3] - means[1]];
        Assert.Equal(Decode(model, shifted, 1, [1]), moved[16..32]);
    }

    [Fact]
    public void TransferSuccess_CountsTheOtherLabelsOnly()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2, latent: 2));
        var data = TestData.TwoPrototypes(6);   // labels 0, 1, 0, 1, 0, 1
        // A judge that always says "class 1": right for every image of class 0 sent to 1, wrong for class 1 sent to 0.
        var (overall, perLabel) = LabelTransfer.SuccessRate(model, data, 6, (_, n) => Enumerable.Repeat(1, n).ToArray());
        Assert.Equal(0.5, overall);
        Assert.Equal([0.0, 1.0], perLabel);
        // A judge that reads the grid's column: every transfer succeeds.
        Assert.Equal(1.0, LabelTransfer.SuccessRate(model, data, 6, (_, n) => [.. Enumerable.Range(0, n).Select(i => i % 2)]).Overall);
    }

    [Fact]
    public void Ink_IsTheMeanPixelValue_AndQuantileIsNearestRank()
    {
        Assert.Equal([0.25f, 1f], LatentArithmetic.Ink([0f, 0f, 0f, 1f, 1f, 1f, 1f, 1f], 2));
        Assert.Equal(2f, LatentArithmetic.Quantile([4f, 1f, 3f, 2f], 0.5));
        Assert.Equal(4f, LatentArithmetic.Quantile([4f, 1f, 3f, 2f], 1.0));
    }

    [Fact]
    public void SavedDirections_RoundTrip_ByName()
    {
        string run = Path.Combine(Path.GetTempPath(), $"vaesharp-dir-{Guid.NewGuid():N}");
        Directory.CreateDirectory(run);
        try
        {
            var direction = new AttributeDirection
            {
                Name = "class7-minus-class1", Definition = "class 7 − class 1", Vector = [0.5f, -1.25f], PositiveCount = 3, NegativeCount = 4,
                Data = "mnist", ModelSha256 = "ab", PositiveClasses = [7], NegativeClasses = [1],
            };
            direction.Save(run);
            var loaded = AttributeDirection.Load(run, "class7-minus-class1");
            Assert.Equal(direction.Vector, loaded.Vector);
            Assert.Equal([7], loaded.PositiveClasses!);
            Assert.Equal(["class7-minus-class1"], AttributeDirection.List(run));
            var missing = Assert.Throws<VaeSharp.Engine.IO.FileFormatException>(() => AttributeDirection.Load(run, "smile"));
            Assert.Contains("class7-minus-class1", missing.Message);
            Assert.Throws<ArgumentException>(() => AttributeDirection.CheckName("../escape"));
        }
        finally { Directory.Delete(run, recursive: true); }
    }
}
