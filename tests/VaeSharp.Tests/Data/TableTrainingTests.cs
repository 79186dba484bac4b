using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Data.Tables;
using VaeSharp.Distributions;
using VaeSharp.Models;
using VaeSharp.Objectives;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Data;

public sealed class TableTrainingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static DataOptions Options => new() { LabelColumn = "kind", Columns = "id:ignore" };

    [Fact]
    public void ATableRun_Learns_SavesItsSchema_AndDecodesSamplesToTheSameColumns()
    {
        string csv = TableTests.EveryTypeCsv(_temp.Combine("people.csv"), rows: 1200);
        var (train, test) = DatasetCatalog.Load(csv, options: Options);
        var (config, options) = new TrainingRequest { LatentDim = 2, Hidden = [32], Epochs = 6, BatchSize = 32, LearningRate = 1e-2f }.Resolve(train, csv);
        config = config with { DataOptions = Options };
        Assert.Equal(LikelihoodKind.Table, config.Model.Likelihood);
        Assert.Equal(7, config.Model.InputSize);
        double before = VaeSharp.Evaluation.LossEvaluation.Evaluate(ModelFamilies.Create(config.Model), test).Loss;
        using (var run = TrainingRun.Start(_temp.Combine("run"), config, train, test, options))
        {
            run.RunToEnd();
            Assert.True(run.Epochs[^1].TestLoss < before - 0.5, $"test loss {before:F2} untrained → {run.Epochs[^1].TestLoss:F2}");
            Assert.Equal(["loss.png"], Directory.EnumerateFiles(run.Folder.Path, "*.png").Select(Path.GetFileName));
        }
        var (saved, model) = RunFolder.Load(_temp.Combine("run"));
        Assert.Equal(train.Table, saved.Table, new SchemaJson());
        var (_, again) = DatasetCatalog.Load(saved);
        Assert.Equal(test.Count, again.Count);
        var values = Generation.Sample(model, 5, seed: 1);
        string rows = TableCsv.Format(saved.Table!, values, 5);
        var lines = rows.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("age,smoker,member,city", lines[0]);
        Assert.Equal(6, lines.Length);
        var back = TableLoader.Load(Write("samples.csv", rows), new DataOptions { TestFraction = 0.4 }, saved.Table! with { LabelColumn = null, ClassNames = null });
        Assert.Equal(5, back.Train.Count + back.Test.Count);
    }

    [Fact]
    public void TheMask_ReachesTheLoss_SoMissingCellsCostNothing()
    {
        string csv = TableTests.EveryTypeCsv(_temp.Combine("people.csv"), rows: 60);
        var (train, _) = DatasetCatalog.Load(csv, options: Options);
        var (config, _) = new TrainingRequest { LatentDim = 2, Hidden = [8] }.Resolve(train, csv);
        var model = ModelFamilies.Create(config.Model);
        int missingRow = ((TableDataset)train).RowNumbers.ToList().IndexOf(4);   // r = 3: age is NA
        var batch = BatchLoader.Load(train, [missingRow]);
        Assert.NotNull(batch.Mask);
        Assert.Equal(0f, batch.Mask!.Data[0]);
        var context = LossContext.Plain(new Engine.Random.RandomGenerator(5));
        Assert.True(float.IsFinite(model.Loss(batch, context)["reconstruction"].Item()));
        Assert.True(float.IsFinite(Iwae.Compute(model, batch, 3, new Engine.Random.RandomGenerator(1)).Total.Item()));
        // The likelihood does not score the masked cell, whatever value it holds.
        var output = model.Decode(model.Encode(batch).Mean);
        float atZero = model.Likelihood.NegLogLikelihood(output, batch.X, batch.Mask).Item();
        var far = Engine.Tensors.Tensor.FromArray(batch.X.Data.ToArray(), batch.X.Shape.ToArray());
        far.Data[0] = 25f;
        Assert.Equal(atZero, model.Likelihood.NegLogLikelihood(output, far, batch.Mask).Item());
        Assert.NotEqual(atZero, model.Likelihood.NegLogLikelihood(output, far).Item());
    }

    [Fact]
    public void TheTableLikelihood_IsRefusedForImages_AndImageLikelihoodsForTables()
    {
        string csv = TableTests.EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, _) = DatasetCatalog.Load(csv, options: Options);
        Assert.Contains("is a table", Assert.Throws<ArgumentException>(() => new TrainingRequest { Likelihood = LikelihoodKind.Bernoulli }.Resolve(train, "people")).Message);
        Assert.Contains("is not a table", Assert.Throws<ArgumentException>(() => new TrainingRequest { Likelihood = LikelihoodKind.Table }.Resolve(TestData.TwoPrototypes(8), "img")).Message);
        Assert.Contains("binarisation is for grey images", Assert.Throws<ArgumentException>(() => new TrainingRequest { Binarize = Binarization.Dynamic }.Resolve(train, "people")).Message);
    }

    private string Write(string name, string text)
    {
        string path = _temp.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private sealed class SchemaJson : IEqualityComparer<TableSchema?>
    {
        public bool Equals(TableSchema? a, TableSchema? b) =>
            System.Text.Json.JsonSerializer.Serialize(a, ConfigJson.Options) == System.Text.Json.JsonSerializer.Serialize(b, ConfigJson.Options);

        public int GetHashCode(TableSchema? s) => 0;
    }
}
