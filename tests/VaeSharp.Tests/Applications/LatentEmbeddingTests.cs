using System.Globalization;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Tests.Data;
using VaeSharp.Networks;

namespace VaeSharp.Tests.Applications;

public sealed class LatentEmbeddingTests
{
    private static ByteImageDataset Data(int count, bool labelled = true, IReadOnlyList<string>? classNames = null)
    {
        var pixels = new byte[count * 16];
        new System.Random(5).NextBytes(pixels);
        return new ByteImageDataset("tiny", pixels, count, [1, 4, 4], labelled ? [.. Enumerable.Range(0, count).Select(i => (i * 7) % 4)] : null,
            classNames: classNames);
    }

    private static LatentVariableModel Model(int latentDim = 3, int classCount = 0) => classCount > 0
        ? new ConditionalVae(new ConditionalVaeConfig { InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [8] }, LatentDim = latentDim, ClassCount = classCount, Seed = 11 })
        : new Vae(new VaeConfig { InputShape = [1, 4, 4], Network = new NetworkConfig { Hidden = [8] }, LatentDim = latentDim, Seed = 11 });

    private static float[] DirectMeans(LatentVariableModel model, IDataset data, int count)
    {
        using var _ = GradMode.NoGrad();
        var ids = Enumerable.Range(0, count).ToArray();
        return model.Encode(new Batch(LoadX(data, ids), model.IsConditional ? ids.Select(data.Label).ToArray() : null)).Mean.ToArray();
    }

    private static Tensor LoadX(IDataset data, int[] ids)
    {
        var x = Tensor.Zeros(ids.Length, 1, 4, 4);
        data.CopyExamples(ids, x.Data);
        return x;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Compute_InBatches_EqualsTheEncoderMean_OfTheWholeSet(int classCount)
    {
        var data = Data(11);
        var model = Model(classCount: classCount);
        var embedding = LatentEmbedding.Compute(model, data, batchSize: 4);
        Assert.Equal((11, 3), (embedding.Count, embedding.LatentDim));
        var direct = DirectMeans(model, data, 11);
        for (int i = 0; i < 11; i++)
            for (int u = 0; u < 3; u++)
                Assert.True(Math.Abs(direct[i * 3 + u] - embedding.Means[i, u]) <= 1e-6f, $"example {i}, dimension {u}");
        Assert.Equal(Enumerable.Range(0, 11).Select(data.Label), embedding.Labels!);
        Assert.Equal(4, embedding.ClassCount);
        Assert.True(model.Training, "the model's training mode was not restored");
    }

    [Fact]
    public void Limit_TakesTheFirstExamples()
    {
        var data = Data(9);
        var model = Model();
        var all = LatentEmbedding.Compute(model, data);
        var first = LatentEmbedding.Compute(model, data, limit: 5);
        Assert.Equal(5, first.Count);
        Assert.Equal(all.Column(2).Take(5), first.Column(2));
        Assert.Equal(9, LatentEmbedding.Compute(model, data, limit: 100).Count);
    }

    [Fact]
    public void WriteCsv_HasIndexLabelAndEveryDimension_ThatReadBackExactly()
    {
        var data = Data(6);
        var embedding = LatentEmbedding.Compute(Model(), data);
        using var folder = new TempFolder();
        string file = folder.Combine("z.csv");
        embedding.WriteCsv(file);
        var lines = File.ReadAllLines(file);
        Assert.Equal(7, lines.Length);
        Assert.Equal("index,label,z0,z1,z2", lines[0]);
        for (int i = 0; i < 6; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(data.Label(i).ToString(CultureInfo.InvariantCulture), cells[1]);
            for (int u = 0; u < 3; u++) Assert.Equal(embedding.Means[i, u], float.Parse(cells[2 + u], CultureInfo.InvariantCulture));
        }

        var unlabelled = LatentEmbedding.Compute(Model(), Data(2, labelled: false));
        Assert.Null(unlabelled.Labels);
        unlabelled.WriteCsv(file);
        Assert.StartsWith("1,,", File.ReadAllLines(file)[2]);
    }

    [Fact]
    public void Plot_ChosenDimensions_IsTheScatterOfThoseColumns_WithTheDataSetsClassNames()
    {
        var data = Data(8, classNames: ["zero", "one", "two", "three"]);
        var embedding = LatentEmbedding.Compute(Model(), data);
        Assert.Equal(["zero", "one", "two", "three"], embedding.ClassNames);
        using var chart = embedding.Plot(xDim: 2, yDim: 0, width: 500, height: 400);
        var image = chart.Render();
        Assert.Equal((500, 400, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(["zero", "one", "two", "three"], chart.Plot.Legend.GetItems().Select(item => item.LabelText));
        Assert.Equal(("z[2]", "z[0]"), (chart.Plot.Axes.Bottom.Label.Text, chart.Plot.Axes.Left.Label.Text));
        using var direct = Charts.LatentScatter(embedding.Column(2), embedding.Column(0), embedding.Labels, data.ClassNames, null, "z[2]", "z[0]", 500, 400);
        Assert.Equal(direct.Render().Pixels, image.Pixels);
        var (x, y) = chart.PixelOf(embedding.Means[7, 2], embedding.Means[7, 0]);   // the last example is drawn on top
        Assert.Equal(Charts.ClassColor(data.Label(7)), (image[x, y, 0], image[x, y, 1], image[x, y, 2]));
        Assert.Throws<ArgumentException>(() => embedding.Plot(1, 1));
        Assert.Throws<ArgumentException>(() => embedding.Plot(0, 3));
    }

    [Fact]
    public void Unlabelled_HasNoClassNames_EvenIfTheDataSetHasSome()
    {
        var embedding = LatentEmbedding.Compute(Model(), Data(3, labelled: false, classNames: ["a"]));
        Assert.Null(embedding.ClassNames);
    }

    [Fact]
    public void DataOfAnotherShape_IsRejected()
    {
        var model = new Vae(new VaeConfig { InputShape = [1, 5, 5], Network = new NetworkConfig { Hidden = [8] }, LatentDim = 2 });
        Assert.Throws<ArgumentException>(() => LatentEmbedding.Compute(model, Data(3)));
        Assert.Throws<ArgumentException>(() => LatentEmbedding.Compute(Model(classCount: 4), Data(3, labelled: false)));
    }
}
