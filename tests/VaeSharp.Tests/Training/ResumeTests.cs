using VaeSharp.Data;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

public class ResumeTests
{
    private static string Folder() => Path.Combine(Path.GetTempPath(), "vaesharp-resume-" + Guid.NewGuid().ToString("N"));

    private static byte[] Weights(LatentVariableModel model) =>
        [.. model.StateDict().SelectMany(e => e.Tensor.ToArray()).SelectMany(BitConverter.GetBytes)];

    [Theory]
    [InlineData(3)]    // mid-epoch
    [InlineData(8)]    // at an epoch boundary (8 steps per epoch)
    public void TrainerState_CapturedMidRun_ContinuesInAFreshTrainer_ToTheSameBits(int stopAfter)
    {
        var data = TestData.TwoPrototypes(256);
        var options = new TrainingOptions { BatchSize = 32, Binarize = Binarization.Dynamic, Epochs = 3 };
        var straight = new Trainer(new Vae(TestData.SmallVae()), options);
        var expected = new List<double>();
        for (int e = 1; e <= 3; e++) expected.Add(straight.TrainEpoch(e, data, data).TestLoss);

        var first = new Trainer(new Vae(TestData.SmallVae()), options);
        int steps = 0;
        var report = first.ContinueEpoch(1, data, data, stop: () => ++steps >= stopAfter);
        var actual = new List<double>();
        if (report is not null) actual.Add(report.TestLoss);
        var state = first.CaptureState();
        var optimizerState = first.Optimizer.StateDict();

        var model = new Vae(TestData.SmallVae(seed: 99));   // other initial weights: everything must come from the state
        foreach (var ((_, to), (_, from)) in model.StateDict().Zip(first.Model.StateDict())) from.Data.CopyTo(to.Data);
        var second = new Trainer(model, options);
        second.Optimizer.LoadState(optimizerState);
        second.RestoreState(state, data);
        for (int e = first.EpochsCompleted + 1; e <= 3; e++) actual.Add(second.TrainEpoch(e, data, data).TestLoss);
        Assert.Equal(expected, actual);
        Assert.Equal(Weights(straight.Model), Weights(second.Model));
    }

    [Fact]
    public void StoppedRun_ResumesFromItsCheckpoint_ToTheSameBits_AndSecondWriterIsRefused()
    {
        var data = TestData.TwoPrototypes(256);
        var (config, options) = new TrainingRequest { Epochs = 3, BatchSize = 32, Conditional = true, LatentDim = 2 }.Resolve(data, "synthetic");
        string straightFolder = Folder(), stoppedFolder = Folder();
        try
        {
            using (var straight = TrainingRun.Start(straightFolder, config, data, data, options)) straight.RunToEnd();
            using (var run = TrainingRun.Start(stoppedFolder, config, data, data, options))
            {
                Assert.Contains("already holds files", Assert.Throws<IOException>(() => TrainingRun.Start(stoppedFolder, config, data, data, options)).Message);
                Assert.Contains("another run in this process", Assert.Throws<IOException>(() =>
                    TrainingRun.Start(stoppedFolder, config, data, data, options with { Overwrite = true })).Message);
                int steps = 0;
                void StopAtStep11(int step, int total, double loss) { if (++steps == 11) run.RequestStop(); }
                Assert.NotNull(run.RunEpoch(StopAtStep11));   // epoch 1: 8 steps
                Assert.Null(run.RunEpoch(StopAtStep11));      // epoch 2 stops after its third step
                Assert.True(run.Interrupted);
                Assert.Contains("vae train --resume", run.StopReason);
            }
            using (var resumed = TrainingRun.Resume(stoppedFolder, data, data, options))
            {
                Assert.StartsWith("Resuming after 11 steps (in epoch 2)", resumed.Header);
                resumed.RunToEnd();
            }
            Assert.Equal(File.ReadAllBytes(Path.Combine(straightFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(stoppedFolder, "model.safetensors")));
            static IEnumerable<string> Losses(string folder) => File.ReadLines(Path.Combine(folder, "metrics.csv")).Select(l => string.Join(',', l.Split(',')[..7]));
            Assert.Equal(Losses(straightFolder), Losses(stoppedFolder));
            Assert.False(File.Exists(Path.Combine(stoppedFolder, ".lock")));
        }
        finally
        {
            Directory.Delete(straightFolder, recursive: true);
            Directory.Delete(stoppedFolder, recursive: true);
        }
    }

    [Fact]
    public void StaleLock_OfAProcessThatIsGone_IsTakenOver()
    {
        var data = TestData.TwoPrototypes(64);
        var (config, options) = new TrainingRequest { Epochs = 1, BatchSize = 32 }.Resolve(data, "synthetic");
        string folder = Folder();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ".lock"), "2147483600");   // no such process
        try
        {
            using var run = TrainingRun.Start(folder, config, data, data, options);
            Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(Path.Combine(folder, ".lock.owner")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void NonFiniteLoss_StopsTheStepBeforeTheOptimiser_WithADiagnosis()
    {
        var model = new Vae(TestData.SmallVae());
        var trainer = new Trainer(model, new TrainingOptions { BatchSize = 32, LearningRate = 1e-2f });
        var before = Weights(model);
        foreach (var (name, t) in model.NamedParameters()) if (name == "decoder.1.bias") t.Data[0] = float.NaN;   // poisons the reconstruction term
        var poisoned = Weights(model);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(1, TestData.TwoPrototypes(64), null));
        Assert.Equal(0, e.Step);
        Assert.Contains("'reconstruction' is NaN", e.Message);
        Assert.Contains("--lr", e.Message);
        Assert.Equal(poisoned, Weights(model));   // the optimiser did not run
        Assert.NotEqual(before, poisoned);
    }

    [Fact]
    public void DivergingLearningRate_IsCaught_NamingTheStep()
    {
        var trainer = new Trainer(new Vae(TestData.SmallVae(hidden: 64)), new TrainingOptions { BatchSize = 16, LearningRate = 1e4f });
        var e = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (int epoch = 1; epoch <= 20; epoch++) trainer.TrainEpoch(epoch, TestData.TwoPrototypes(256), null);
        });
        Assert.Contains("diverged at step", e.Message);
        Assert.Contains("gradient norms of the last", e.Message);
    }
}

public class NonFinitePolicyTests
{
    // Two-prototype data with one example's pixels NaN: the batch holding it has a NaN loss.
    private sealed class PoisonedData(int poisoned) : IDataset
    {
        private readonly ByteImageDataset _inner = TestData.TwoPrototypes(128);
        public string Name => "poisoned";
        public int Count => _inner.Count;
        public int[] ExampleShape => _inner.ExampleShape;
        public int ClassCount => _inner.ClassCount;
        public int Label(int index) => _inner.Label(index);
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
        {
            _inner.CopyExamples(indices, destination);
            for (int i = 0; i < indices.Length; i++)
                if (indices[i] == poisoned) destination.Slice(i * 16, 16).Fill(float.NaN);
        }
    }

    [Fact]
    public void SkipBatch_SkipsOnlyTheBadBatch_AndCountsIt()
    {
        var data = new PoisonedData(poisoned: 5);
        var trainer = new Trainer(new Vae(TestData.SmallVae()), new TrainingOptions { BatchSize = 32, OnNonFinite = NonFinitePolicy.SkipBatch });
        var first = trainer.TrainEpoch(1, data, null);
        var second = trainer.TrainEpoch(2, data, null);
        Assert.Equal(2, trainer.SkippedBatches);   // one batch of four per epoch
        Assert.True(double.IsFinite(first.Loss) && double.IsFinite(second.Loss));
        Assert.Equal(8, trainer.Step);             // skipped steps still count
        Assert.All(trainer.Model.StateDict(), e => Assert.All(e.Tensor.ToArray(), v => Assert.True(float.IsFinite(v))));
        var stopping = new Trainer(new Vae(TestData.SmallVae()), new TrainingOptions { BatchSize = 32 });
        Assert.Throws<TrainingDivergedException>(() => stopping.TrainEpoch(1, data, null));
    }

    [Fact]
    public void SkipBatchRun_StoppedAndResumed_EndsWithTheSameWeights_AndBatchNormStatsStayFinite()
    {
        var data = new PoisonedData(poisoned: 5);
        var request = new TrainingRequest { Epochs = 3, BatchSize = 32, Hidden = [8], OnNonFinite = NonFinitePolicy.SkipBatch };
        var (config, options) = request.Resolve(data, "poisoned");
        string straight = Path.Combine(Path.GetTempPath(), "vaesharp-skip-" + Guid.NewGuid().ToString("N")), stopped = straight + "-stopped";
        try
        {
            using (var run = TrainingRun.Start(straight, config, data, data, options)) run.RunToEnd();
            using (var run = TrainingRun.Start(stopped, config, data, data, options))
            {
                int steps = 0;
                void StopAt6(int s, int n, double l) { if (++steps == 6) run.RequestStop(); }
                run.RunEpoch(StopAt6);
                Assert.Null(run.RunEpoch(StopAt6));   // stopped in epoch 2, after its skipped batch
                Assert.True(run.Trainer.SkippedBatches >= 1);
            }
            using (var resumed = TrainingRun.Resume(stopped, data, data, options)) resumed.RunToEnd();
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(stopped, "model.safetensors")));
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(stopped, recursive: true);
        }

        // A batch-norm model: the skipped batch's NaN must not reach the running statistics.
        var conv = new Vae(new VaeConfig
        {
            InputShape = [1, 4, 4], LatentDim = 2,
            Network = new VaeSharp.Networks.NetworkConfig { Body = VaeSharp.Networks.NetworkBody.Conv, Channels = [2], Hidden = [4], BatchNorm = true },
        });
        var trainer = new Trainer(conv, new TrainingOptions { BatchSize = 32, OnNonFinite = NonFinitePolicy.SkipBatch });
        trainer.TrainEpoch(1, data, null);
        Assert.Equal(1, trainer.SkippedBatches);
        Assert.All(conv.NamedBuffers(), b => Assert.All(b.Tensor.ToArray(), v => Assert.True(float.IsFinite(v), b.Name)));
    }

    [Fact]
    public void Rollback_ReturnsToTheLastCheckpoint_WithTheLearningRateHalved_ThenStops()
    {
        var data = TestData.TwoPrototypes(256);
        var (config, options) = new TrainingRequest
        {
            Epochs = 2, BatchSize = 16, LearningRate = 1e4f, Hidden = [64], OnNonFinite = NonFinitePolicy.Rollback,
        }.Resolve(data, "synthetic");
        string folder = Path.Combine(Path.GetTempPath(), "vaesharp-rollback-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var run = TrainingRun.Start(folder, config, data, data, options);
            var notices = new List<string>();
            run.Notice += notices.Add;
            Assert.Throws<TrainingDivergedException>(() => run.RunToEnd());   // lr 1e4 · 2⁻³ still diverges
            Assert.Equal(3, notices.Count);
            Assert.StartsWith("Rollback 1 of 3: back to the state after 0 steps with the learning rate × 0.5", notices[0]);
            Assert.Equal(0.125f, run.Trainer.LearningRateScale);
            Assert.Equal(3, run.Trainer.Rollbacks);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
