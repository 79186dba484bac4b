using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Tests.Evaluation;

public class InferenceTests
{
    [Fact]
    public void ForEachBatch_VisitsEveryExampleInOrder_InEvalModeWithoutGradients_AndRestores()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2));
        var data = TestData.TwoPrototypes(23);
        var starts = new List<int>();
        var labels = new List<int>();
        Inference.ForEachBatch(model, data, (batch, start) =>
        {
            Assert.False(model.Training);
            Assert.False(GradMode.IsEnabled);
            starts.Add(start);
            labels.AddRange(batch.Labels!);
        }, batchSize: 10);
        Assert.Equal([0, 10, 20], starts);
        Assert.Equal(Enumerable.Range(0, 23).Select(data.Label), labels);
        Assert.True(model.Training);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Run_RestoresTheModeWhenTheBodyThrows_AndLimitIsHonoured()
    {
        var model = new Vae(TestData.SmallVae());
        Assert.Throws<InvalidOperationException>(() => Inference.Run<int>(model, () => throw new InvalidOperationException()));
        Assert.True(model.Training);
        model.Eval();
        Inference.Run(model, () => model.Train(false));
        Assert.False(model.Training);   // a model in eval mode stays there
        model.Train();
        int seen = 0;
        Inference.ForEachBatch(model, TestData.Noise(50), (b, _) => seen += b.Count, batchSize: 8, limit: 13);
        Assert.Equal(13, seen);
        Assert.Contains("expects [1, 4, 4]", Assert.Throws<ArgumentException>(() =>
            Inference.ForEachBatch(model, new ByteImageDataset("wide", new byte[25], 1, [1, 5, 5]), (_, _) => { })).Message);
    }

    [Fact]
    public void LossEvaluation_IsDeterministic_AndReportsTheModelsTerms()
    {
        var model = new Vae(TestData.SmallVae());
        var data = TestData.Noise(40);
        var a = LossEvaluation.Evaluate(model, data, batchSize: 7);
        var b = LossEvaluation.Evaluate(model, data, batchSize: 7);
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(["reconstruction", "kl"], a.Terms.Select(t => t.Name));
        Assert.Equal(a.Loss, a["reconstruction"] + a["kl"], 3);
        Assert.Equal(40, a.Count);
    }

    [Fact]
    public void LatentStatistics_CountsActiveUnits_FromThePosteriorMeans()
    {
        var model = new Vae(TestData.SmallVae());
        var stats = LatentStatistics.Compute(model, TestData.TwoPrototypes(64));
        Assert.Equal(3, stats.Activity.Length);
        Assert.All(stats.KlPerDimension, kl => Assert.True(kl >= 0));
        // Zeroing fc_mu makes every posterior mean 0: no dimension is active.
        foreach (var (name, t) in model.NamedParameters()) if (name.StartsWith("fc_mu")) t.Data.Clear();
        Assert.Equal(0, LatentStatistics.Compute(model, TestData.TwoPrototypes(64)).ActiveUnits);
    }
}

public class InferenceGuardTests
{
    [Fact]
    public void Grids_LeaveBatchNormStatisticsAlone()
    {
        // Sampling and reconstruction run in eval mode: a conv model's running statistics do not move.
        var model = new Vae(new VaeConfig
        {
            InputShape = [1, 8, 8], LatentDim = 2, Network = new VaeSharp.Networks.NetworkConfig { Body = VaeSharp.Networks.NetworkBody.Conv, Channels = [2], Hidden = [4], BatchNorm = true },
        });
        var data = new ByteImageDataset("img", Enumerable.Range(0, 4 * 64).Select(i => (byte)(i * 37)).ToArray(), 4, [1, 8, 8]);
        new VaeSharp.Training.Trainer(model, new VaeSharp.Training.TrainingOptions { BatchSize = 2 }).TrainEpoch(1, data, null);
        float[] Buffers() => [.. model.NamedBuffers().SelectMany(b => b.Tensor.ToArray())];
        var before = Buffers();
        Assert.Contains(before, v => v != 0f && v != 1f);   // training moved them
        VaeSharp.Applications.Generation.Reconstruct(model, data, [0, 1, 2]);
        VaeSharp.Applications.Generation.Sample(model, 3, seed: 1);
        Assert.Equal(before, Buffers());
    }

    [Fact]
    public void ConditionalModel_OnUnlabelledOrWiderData_IsRefusedUpFront()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2));
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() => LossEvaluation.Evaluate(model, TestData.Noise(5))).Message);
        var wide = new ByteImageDataset("wide", new byte[3 * 16], 3, [1, 4, 4], [0, 1, 2], 3);
        Assert.Contains("3 classes", Assert.Throws<ArgumentException>(() => LossEvaluation.Evaluate(model, wide)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => LossEvaluation.Evaluate(new Vae(TestData.SmallVae()), TestData.Noise(0))).Message);
    }

    [Fact]
    public void MaskedBatch_EveryValueMissing_HasNoReconstructionTerm()
    {
        var model = new Vae(TestData.SmallVae());
        var batch = TestData.Uniform(2) with { Mask = Engine.Tensors.Tensor.Zeros(2, 1, 4, 4) };
        var loss = model.Loss(batch, LossContext.Plain(new Engine.Random.RandomGenerator(1)));
        Assert.Equal(0f, loss["reconstruction"].Data[0]);
        Assert.True(loss["kl"].Data[0] > 0f);
    }
}
