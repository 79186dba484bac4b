using VaeSharp.Engine.IO;
using VaeSharp.Engine.Random;
using VaeSharp.Models.Priors;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Serialization;

public sealed class PriorFolderTests : IDisposable
{
    private readonly string _run = Path.Combine(Path.GetTempPath(), $"vaesharp-prior-{Guid.NewGuid():N}");

    public PriorFolderTests() => Directory.CreateDirectory(_run);

    public void Dispose() => Directory.Delete(_run, recursive: true);

    private static GatedPixelCnnConfig Config(int classes = 2) =>
        new() { CodebookSize = 4, Height = 3, Width = 3, Channels = 6, Layers = 2, FirstKernel = 3, ClassCount = classes, Seed = 4 };

    private static (GatedPixelCnn Prior, PriorRecord Record, PriorEpochReport Epoch, CodeGrids Grids) Trained(GatedPixelCnnConfig config)
    {
        var rng = new RandomGenerator(3);
        var grids = new CodeGrids([.. Enumerable.Range(0, 40 * 9).Select(_ => rng.NextInt(4))], 40, 3, 3, [.. Enumerable.Range(0, 40).Select(i => i % 2)]);
        var prior = new GatedPixelCnn(config);
        var options = new PriorTrainingOptions { Epochs = 1, BatchSize = 8 };
        var epoch = new PriorTrainer(prior, options).TrainEpoch(grids, grids, pixelsPerGrid: 36);
        var record = new PriorRecord { Model = config, Training = options, EpochsCompleted = 1, TrainGrids = 40, TestGrids = 40, PixelsPerGrid = 36, TestNll = epoch.TestNll };
        return (prior, record, epoch, grids);
    }

    [Fact]
    public void SaveThenLoad_GivesThePriorBack()
    {
        var (prior, record, epoch, grids) = Trained(Config());
        PriorFolder.Save(_run, prior, record, [epoch], overwrite: false, extras: dir => File.WriteAllText(Path.Combine(dir, "note.txt"), "x"));
        Assert.True(PriorFolder.Exists(_run));
        Assert.Equal(["config.json", "metrics.csv", "model.safetensors", "note.txt"], Directory.GetFiles(PriorFolder.PathOf(_run)).Select(Path.GetFileName).Order());
        Assert.Equal([PriorFolder.FolderName], Directory.GetFileSystemEntries(_run).Select(Path.GetFileName));   // no staging left
        var (loadedRecord, loaded) = PriorFolder.Load(_run);
        Assert.Equal(record.Model, loadedRecord.Model);
        Assert.Equal(record.Training, loadedRecord.Training);
        Assert.Equal(record.TestNll, loadedRecord.TestNll);
        Assert.Equal(prior.NegLogLikelihood(grids.Codes, 40, grids.Labels), loaded.NegLogLikelihood(grids.Codes, 40, grids.Labels));
        Assert.Equal(prior.Sample(5, new RandomGenerator(8), [0, 1, 0, 1, 1]), loaded.Sample(5, new RandomGenerator(8), [0, 1, 0, 1, 1]));
        var metrics = File.ReadAllLines(Path.Combine(PriorFolder.PathOf(_run), PriorFolder.MetricsFile));
        Assert.Equal("epoch,train_nll,test_nll,train_bits_per_code,test_bits_per_code,test_bits_per_pixel,seconds", metrics[0]);
        Assert.Equal(2, metrics.Length);
    }

    [Fact]
    public void Save_RefusesToReplaceAPrior_UnlessTold()
    {
        var (prior, record, epoch, _) = Trained(Config());
        PriorFolder.Save(_run, prior, record, [epoch], overwrite: false);
        Assert.Contains("--force", Assert.Throws<IOException>(() => PriorFolder.Save(_run, prior, record, [epoch], overwrite: false)).Message);
        var (other, otherRecord, otherEpoch, _) = Trained(Config(classes: 0));
        PriorFolder.Save(_run, other, otherRecord, [otherEpoch], overwrite: true);
        Assert.Equal(0, PriorFolder.Load(_run).Record.Model.ClassCount);
        Assert.Equal([PriorFolder.FolderName], Directory.GetFileSystemEntries(_run).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_ThatFails_LeavesTheOldPrior()
    {
        var (prior, record, epoch, _) = Trained(Config());
        PriorFolder.Save(_run, prior, record, [epoch], overwrite: false);
        var (other, otherRecord, otherEpoch, _) = Trained(Config(classes: 0));
        Assert.Throws<InvalidOperationException>(() => PriorFolder.Save(_run, other, otherRecord, [otherEpoch], overwrite: true, extras: _ => throw new InvalidOperationException("disk full")));
        Assert.Equal(2, PriorFolder.Load(_run).Record.Model.ClassCount);
        Assert.Equal([PriorFolder.FolderName], Directory.GetFileSystemEntries(_run).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_OfABadPrior_NamesTheFileAndTheProblem()
    {
        var (prior, record, epoch, _) = Trained(Config());
        PriorFolder.Save(_run, prior, record, [epoch], overwrite: false);
        string config = Path.Combine(PriorFolder.PathOf(_run), PriorFolder.ConfigFile);
        string text = File.ReadAllText(config);

        File.WriteAllText(config, text.Replace("\"channels\": 6", "\"channels\": 7"));
        var e = Assert.Throws<FileFormatException>(() => PriorFolder.Load(_run));
        Assert.Contains(PriorFolder.ModelFile, e.Message);
        Assert.Contains("shape", e.Message);

        File.WriteAllText(config, text.Replace("\"layers\": 2", "\"layers\": 2, \"colour\": 1"));
        e = Assert.Throws<FileFormatException>(() => PriorFolder.Load(_run));
        Assert.Contains(config, e.Message);
        Assert.Contains("colour", e.Message);

        File.WriteAllText(config, text.Replace("\"first_kernel\": 3", "\"first_kernel\": 4"));
        Assert.Contains("model.first_kernel 4", Assert.Throws<FileFormatException>(() => PriorFolder.Load(_run)).Message);

        File.WriteAllText(config, text);
        Assert.Contains("7 × 7 grids of 512", Assert.Throws<FileFormatException>(() => PriorFolder.LoadFor(_run, 512, 7, 7)).Message);
        Directory.Delete(PriorFolder.PathOf(_run), recursive: true);
        Assert.Contains("vae train-prior", Assert.Throws<FileFormatException>(() => PriorFolder.Load(_run)).Message);
    }
}
