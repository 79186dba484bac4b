using VaeSharp.Data;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Data;

public sealed class ImportedImagesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder(int perClass = 6, int side = 8, int channels = 3)
    {
        string root = _temp.Combine("shapes");
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < perClass; i++)
                ImageFolderTests.Png(Path.Combine(root, c == 0 ? "circle" : "square", $"{i:00}.png"), ImageFolderTests.Pattern(side, side, channels, c * 100 + i));
        return root;
    }

    private static float[] All(IDataset data)
    {
        var values = new float[data.Count * data.ExampleShape.Aggregate(1, (a, b) => a * b)];
        data.CopyExamples(Enumerable.Range(0, data.Count).ToArray(), values);
        return values;
    }

    [Fact]
    public void Import_ThenLoad_GivesTheFoldersExamples_MemoryMapped()
    {
        string root = Folder();
        var imports = new ImportedImages(_temp.Combine("cache"));
        var header = imports.Import(root, "shapes");
        Assert.Equal(12, header.Count);
        Assert.Equal([3, 8, 8], header.Shape);
        Assert.Equal(["circle", "square"], header.ClassNames);
        Assert.Equal(Path.Combine("circle", "00.png"), header.Sources[0]);
        Assert.True(header.DecodeSeconds > 0);
        Assert.Equal(["shapes"], imports.Names());

        var (train, test) = imports.Load("shapes");
        var (folderTrain, folderTest) = ImageFolder.Load(root);
        Assert.Equal(All(folderTrain), All(train));
        Assert.Equal(All(folderTest), All(test));
        Assert.Equal(Enumerable.Range(0, folderTrain.Count).Select(folderTrain.Label), Enumerable.Range(0, train.Count).Select(train.Label));
        Assert.Equal(["circle", "square"], train.ClassNames);
        Assert.Equal(192L * train.Count, train.BytesRead);   // All(train) read every example once
        Assert.True(train.ReadSeconds > 0);

        var (viaCatalog, _) = DatasetCatalog.Load("shapes", cacheRoot: _temp.Combine("cache"));
        Assert.Equal(All(train), All(viaCatalog));
    }

    [Fact]
    public void Import_RefusesAnExistingName_ABuiltInName_AndAnotherSize()
    {
        string root = Folder();
        var imports = new ImportedImages(_temp.Combine("cache"));
        imports.Import(root, "shapes");
        Assert.Contains("--overwrite", Assert.Throws<ArgumentException>(() => imports.Import(root, "shapes")).Message);
        imports.Import(root, "shapes", new DataOptions { ImageSize = 4 }, overwrite: true);
        Assert.Equal([3, 4, 4], imports.Header("shapes").Shape);
        Assert.Contains("built-in", Assert.Throws<ArgumentException>(() => imports.Import(root, "mnist")).Message);
        Assert.Contains("import it again with --image-size 8", Assert.Throws<ArgumentException>(() => imports.Load("shapes", new DataOptions { ImageSize = 8 })).Message);
    }

    [Fact]
    public void AFailedImport_LeavesNothingBehind()
    {
        string root = Folder();
        File.WriteAllBytes(Path.Combine(root, "square", "zz-broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2]);
        var imports = new ImportedImages(_temp.Combine("cache"));
        var e = Assert.Throws<DataFormatException>(() => imports.Import(root, "shapes"));
        Assert.Contains(Path.Combine(root, "square", "zz-broken.png"), e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(imports.Folder));
        var header = imports.Import(root, "shapes", new DataOptions { SkipBad = true });
        Assert.Equal(12, header.Count);
        Assert.Contains("zz-broken.png", Assert.Single(header.Skipped));
    }

    [Fact]
    public void ADamagedFile_IsRefusedWithItsName()
    {
        var imports = new ImportedImages(_temp.Combine("cache"));
        imports.Import(Folder(), "shapes");
        string file = imports.FileOf("shapes");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length - 40)]);
        var e = Assert.Throws<DataFormatException>(() => imports.Load("shapes"));
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void AColourImport_TrainsAConvVae_AndWritesColourGrids()
    {
        var imports = new ImportedImages(_temp.Combine("cache"));
        imports.Import(Folder(perClass: 16), "shapes");
        var (train, test) = imports.Load("shapes");
        var (config, options) = new TrainingRequest
        {
            Body = VaeSharp.Networks.NetworkBody.Conv, Channels = [8, 16], Hidden = [16], LatentDim = 2, Epochs = 1, BatchSize = 8,
        }.Resolve(train, "shapes");
        using var run = TrainingRun.Start(_temp.Combine("run"), config, train, test, options with { ReconstructionCount = 4 });
        run.RunToEnd();
        var grid = VaeSharp.Imaging.ImageCodec.Read(run.Folder.File("sample_1.png"));
        Assert.Equal(3, grid.Channels);
        Assert.True(train.BytesRead >= 192L * train.Count, $"{train.BytesRead} bytes read");   // one epoch touched every example
        var (saved, _) = RunFolder.Load(run.Folder.Path);
        Assert.Equal([3, 8, 8], saved.Model.InputShape);
    }

    [Fact]
    public void ThePytorchVae64Preset_TrainsOnAnImported64x64ColourFolder()
    {
        string root = _temp.Combine("faces");
        for (int i = 0; i < 8; i++) ImageFolderTests.Png(Path.Combine(root, $"{i}.png"), ImageFolderTests.Pattern(80, 72, 3, i));   // resized to 64
        var imports = new ImportedImages(_temp.Combine("cache"));
        imports.Import(root, "faces", new DataOptions { ImageSize = 64 });
        var (train, test) = imports.Load("faces", new DataOptions { TestFraction = 0.25 });
        var (config, options) = new TrainingRequest { Epochs = 1 }.Resolve(train, "faces", TrainingPreset.PytorchVae64);
        var network = config.Model.Network;
        Assert.Equal([32, 64, 128, 256, 512], network.Channels);
        Assert.True(network.BatchNorm);
        Assert.Empty(network.Hidden);
        Assert.Equal(128, config.Model.LatentDim);
        Assert.Equal([3, 64, 64], config.Model.InputShape);
        using var run = TrainingRun.Start(_temp.Combine("run"), config, train, test, options with { ReconstructionCount = 2 });
        var report = run.RunEpoch()!;
        Assert.True(double.IsFinite(report.Loss) && double.IsFinite(report.TestLoss));
        var grid = VaeSharp.Imaging.ImageCodec.Read(run.Folder.File("sample_1.png"));
        Assert.Equal(3, grid.Channels);
    }
}
