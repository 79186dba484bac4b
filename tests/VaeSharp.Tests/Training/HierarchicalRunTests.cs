using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

// The hierarchical families through the run loop: config.json and the weights round-trip, and a stopped run resumes
// to the same bits (the ladder's batch-norm statistics included).
public class HierarchicalRunTests
{
    private static string Folder() => Path.Combine(Path.GetTempPath(), "vaesharp-hier-" + Guid.NewGuid().ToString("N"));

    private static TrainingRequest Request(string family) => new()
    {
        Family = family, LatentSizes = [3, 2, 2], Hidden = [12, 8, 6], Epochs = 3, BatchSize = 32, Binarize = Binarization.Dynamic,
        BatchNorm = family == "ladder-vae" ? true : null, KlSchedule = VaeSharp.Objectives.KlScheduleKind.Linear, KlWarmupSteps = 10,
    };

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void SavedRun_LoadsToTheSameModel(string family)
    {
        var data = TestData.TwoPrototypes(128);
        var (config, options) = Request(family).Resolve(data, "synthetic");
        string folder = Folder();
        try
        {
            using (var run = TrainingRun.Start(folder, config with { Training = config.Training with { Epochs = 1 } }, data, data, options)) run.RunToEnd();
            var (loadedConfig, loaded) = RunFolder.Load(folder);
            Assert.Equal(family, loaded.Family);
            var sizes = Assert.IsAssignableFrom<HierarchicalConfig>(loadedConfig.Model).LatentSizes;
            Assert.Equal([3, 2, 2], sizes);
            Assert.Contains("\"latent_sizes\"", File.ReadAllText(Path.Combine(folder, RunFolder.ConfigFile)));
            var fresh = ModelFamilies.Create(loadedConfig.Model);
            Assert.NotEqual(fresh.StateDict().Select(e => e.Tensor.ToArray()).SelectMany(a => a), loaded.StateDict().Select(e => e.Tensor.ToArray()).SelectMany(a => a));
            ModelIO.Load(fresh, Path.Combine(folder, "model.safetensors"));
            var x = Tensor.Uniform(new RandomGenerator(1), 0f, 1f, 5, 1, 4, 4);
            float[] Codes(LatentVariableModel m) => Inference.Run(m, () => m.Encode(new Batch(x)).Mean.ToArray());
            Assert.Equal(Codes(loaded), Codes(fresh));
            Assert.Equal(ImportanceSampling.Estimate(loaded, data.Take(20), 30).Nll, ImportanceSampling.Estimate(fresh, data.Take(20), 30).Nll);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData("iwae-2layer")]
    [InlineData("ladder-vae")]
    public void StoppedRun_Resumes_ToTheSameBits(string family)
    {
        var data = TestData.TwoPrototypes(128);   // 4 steps per epoch
        var (config, options) = Request(family).Resolve(data, "synthetic");
        string straightFolder = Folder(), stoppedFolder = Folder();
        try
        {
            using (var straight = TrainingRun.Start(straightFolder, config, data, data, options)) straight.RunToEnd();
            using (var run = TrainingRun.Start(stoppedFolder, config, data, data, options))
            {
                int steps = 0;
                void StopAtStep6(int step, int total, double loss) { if (++steps == 6) run.RequestStop(); }
                Assert.NotNull(run.RunEpoch(StopAtStep6));
                Assert.Null(run.RunEpoch(StopAtStep6));
                Assert.True(run.Interrupted);
            }
            using (var resumed = TrainingRun.Resume(stoppedFolder, data, data, options)) resumed.RunToEnd();
            Assert.Equal(File.ReadAllBytes(Path.Combine(straightFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(stoppedFolder, "model.safetensors")));
            var header = File.ReadLines(Path.Combine(stoppedFolder, "metrics.csv")).First();
            Assert.StartsWith("epoch,loss,reconstruction_loss,kl_loss,kl_1_loss,kl_2_loss,kl_3_loss,test_loss", header);
            Assert.Equal(File.ReadAllLines(Path.Combine(straightFolder, "metrics.csv")).Select(l => string.Join(',', l.Split(',')[..8])),
                File.ReadAllLines(Path.Combine(stoppedFolder, "metrics.csv")).Select(l => string.Join(',', l.Split(',')[..8])));
        }
        finally
        {
            Directory.Delete(straightFolder, recursive: true);
            Directory.Delete(stoppedFolder, recursive: true);
        }
    }
}
