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
        model.Eval();
        Assert.Throws<InvalidOperationException>(() => Inference.Run<int>(model.Train(), () => throw new InvalidOperationException()));
        Assert.True(model.Training);
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
