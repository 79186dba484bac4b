using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Imaging;
using VaeSharp.Objectives;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

public class TrainingRunTests
{
    private static string Folder() => Path.Combine(Path.GetTempPath(), "vaesharp-run-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Run_KeepsTheFolderCurrent_WithColumnsFromTheObjectivesTerms()
    {
        var data = TestData.TwoPrototypes(64);
        var (config, options) = new TrainingRequest { Epochs = 2, BatchSize = 16, Objective = ObjectiveKind.Iwae, IwaeSamples = 3 }.Resolve(data, "synthetic");
        string folder = Folder();
        try
        {
            var run = TrainingRun.Start(folder, config, data, data, options);
            Assert.StartsWith("Training a VAE on synthetic: 64 train / 64 test examples", run.Header);
            Assert.StartsWith("Loss = −L_3", run.ObjectiveDescription);
            var first = run.RunEpoch()!;
            Assert.Equal(1, RunFolder.ReadConfig(Path.Combine(folder, "config.json")).EpochsCompleted);
            var lossAfterOne = ImageCodec.Read(Path.Combine(folder, "loss.png"));
            Assert.Equal((960, 600, 3), (lossAfterOne.Width, lossAfterOne.Height, lossAfterOne.Channels));
            Assert.Contains("  −ELBO ", first.Format(2));
            Assert.Contains("  Reconstruction Loss ", first.Format(2));
            Assert.Empty(run.RunToEnd());
            Assert.True(run.Finished);
            var lossAfterTwo = ImageCodec.Read(Path.Combine(folder, "loss.png"));
            Assert.NotEqual(lossAfterOne.Pixels, lossAfterTwo.Pixels);   // redrawn with the second epoch
            Assert.Throws<InvalidOperationException>(() => run.RunEpoch());

            var rows = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
            Assert.Equal("epoch,loss,neg_elbo_loss,reconstruction_loss,kl_loss,test_loss,test_reconstruction_loss,test_kl_loss,seconds,examples_per_second", rows[0]);
            Assert.Equal(3, rows.Length);
            var cells = rows[2].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(cells[2], cells[3] + cells[4], 3);   // −ELBO = reconstruction + KL
            foreach (var f in new[] { "model.safetensors", "reconstruction_1.png", "sample_2.png" }) Assert.True(File.Exists(Path.Combine(folder, f)), f);
            var (reloaded, model) = RunFolder.Load(folder);
            Assert.Equal(2, reloaded.EpochsCompleted);
            Assert.Equal(run.Model.StateDict().SelectMany(e => e.Tensor.ToArray()), model.StateDict().SelectMany(e => e.Tensor.ToArray()));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void ConditionalRun_DrawsSamplesByLabel_AndLatentPicturesComeLast()
    {
        var data = TestData.TwoPrototypes(32);
        var (config, options) = new TrainingRequest { Conditional = true, Epochs = 1, BatchSize = 16, LatentDim = 2, LatentPictures = true }.Resolve(data, "synthetic");
        string folder = Folder();
        try
        {
            var run = TrainingRun.Start(folder, config, data, data, options);
            Assert.Contains("conditional VAE (2 classes)", run.Header);
            Assert.Equal(["latent_scatter.png"], run.RunToEnd());   // a conditional model's grid needs a label
            var sample = VaeSharp.Imaging.ImageCodec.Read(Path.Combine(folder, "sample_1.png"));
            Assert.Equal(2 * 4 + 3 * 2, sample.Height);   // one row of 10 per class
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void TimeBudget_StopsAfterTheEpochThatSpendsIt()
    {
        var data = TestData.TwoPrototypes(64);
        var (config, options) = new TrainingRequest { Epochs = 5, BatchSize = 16, MaxMinutes = 1e-9 }.Resolve(data, "synthetic");
        string folder = Folder();
        try
        {
            var run = TrainingRun.Start(folder, config, data, data, options);
            run.RunToEnd();
            Assert.Single(run.Epochs);
            Assert.StartsWith("Time budget of", run.StopReason);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Start_RejectsDataOfAnotherShape()
    {
        var (config, _) = new TrainingRequest().Resolve(TestData.Noise(10), "noise");
        var wide = new ByteImageDataset("wide", new byte[25], 1, [1, 5, 5]);
        Assert.Contains("expects [1, 4, 4]", Assert.Throws<ArgumentException>(() => TrainingRun.Start(Folder(), config, wide, wide)).Message);
    }
}
