using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Data.Tables;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Data;

// scikit-learn's tables and digits from Debian's python3-sklearn, read from the default cache (as MNIST and
// Fashion-MNIST are). Skipped, saying why, when the cache lacks them (unless VAESHARP_NETWORK_TESTS=1 lets the test
// fetch them) or apt cannot fetch them.
public sealed class SklearnSetsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (IDataset Train, IDataset Test) LoadOrSkip(string name, DataOptions? options = null)
    {
        // Offline by default, like the other registry tests: the cache is used when it holds the set; fetching is opt-in.
        Skip.IfNot(new DataCache().IsPresent(name) || Environment.GetEnvironmentVariable(NetworkFactAttribute.Variable) == "1",
            $"{name} is not in the cache ({DataCache.DefaultRoot()}): run `vae data fetch {name}`, or set {NetworkFactAttribute.Variable}=1 to let the test fetch it through apt.");
        try
        {
            return DatasetCatalog.Load(name, options: options);
        }
        catch (DatasetUnavailableException e)
        {
            throw new SkipException($"{name} is not in the cache and apt could not fetch it: {e.Message}");
        }
    }

    [SkippableFact]
    public void BreastCancer_Is569RowsOf30NumericColumns_WithTwoClasses()
    {
        var (train, test) = LoadOrSkip("breast-cancer");
        Assert.Equal(569, train.Count + test.Count);
        Assert.Equal(114, test.Count);   // ⌈0.2 · 569⌉
        var table = train.Table!;
        Assert.Equal(30, table.Columns.Count);
        Assert.All(table.Columns, c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        Assert.Equal("mean radius", table.Columns[0].Name);
        Assert.Equal("worst fractal dimension", table.Columns[29].Name);
        Assert.Equal(["benign", "malignant"], train.ClassNames);
        int malignant = Enumerable.Range(0, train.Count).Count(i => train.Label(i) == 1) + Enumerable.Range(0, test.Count).Count(i => test.Label(i) == 1);
        Assert.Equal(212, malignant);   // the UCI set: 212 malignant, 357 benign
        Assert.False(train.HasMissing);
    }

    [SkippableFact]
    public void BreastCancer_TrainsOneEpoch_AndReconstructsToTheSameColumns()
    {
        var (train, test) = LoadOrSkip("breast-cancer");
        var (config, options) = new TrainingRequest { LatentDim = 4, Hidden = [32], Epochs = 1, BatchSize = 64 }.Resolve(train, "breast-cancer");
        using (var run = TrainingRun.Start(_temp.Combine("run"), config, train, test, options)) run.RunToEnd();
        var (saved, model) = RunFolder.Load(_temp.Combine("run"));
        var (_, savedTest) = DatasetCatalog.Load(saved);
        var ids = Enumerable.Range(0, 10).ToArray();
        var (originals, recon) = Generation.Reconstruct(model, savedTest, ids);
        string file = _temp.Combine("recon.csv");
        TableCsv.Write(file, saved.Table!, recon, 10);
        var header = File.ReadLines(file).First();
        string source = Path.Combine(DataCache.DefaultRoot(), "breast-cancer", "breast-cancer.csv");
        Assert.Equal(string.Join(',', File.ReadLines(source).First().Split(',')[..30]), header);
        var back = TableLoader.Load(file, new DataOptions { TestFraction = 0.5 }, saved.Table! with { LabelColumn = null, ClassNames = null });
        Assert.Equal(10, back.Train.Count + back.Test.Count);
        // The originals decode to the file's own cells.
        var firstRow = TableCsv.Format(saved.Table!, originals, 1).Split('\n')[1];
        int fileRow = ((TableDataset)savedTest).RowNumbers[0];
        Assert.Equal(string.Join(',', File.ReadLines(source).Skip(fileRow).First().Split(',')[..30]), firstRow);
    }

    [SkippableTheory]
    [InlineData("iris", 150, 4, 3)]
    [InlineData("wine", 178, 13, 3)]
    public void TheOtherTables_HaveTheirShapes(string name, int rows, int columns, int classes)
    {
        var (train, test) = LoadOrSkip(name);
        Assert.Equal(rows, train.Count + test.Count);
        Assert.Equal([columns], train.ExampleShape);
        Assert.Equal(classes, train.ClassCount);
    }

    [SkippableFact]
    public void Digits_Are1797GreyImagesOf8x8()
    {
        var (train, test) = LoadOrSkip("digits");
        Assert.Equal(1797, train.Count + test.Count);
        Assert.Equal([1, 8, 8], train.ExampleShape);
        Assert.Equal(10, train.ClassCount);
        var values = new float[64 * train.Count];
        train.CopyExamples(Enumerable.Range(0, train.Count).ToArray(), values);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(values, v => v == 1f);   // grey level 16 → 255
    }
}
