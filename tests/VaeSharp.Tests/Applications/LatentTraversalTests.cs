using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Tests.Applications;

public class LatentTraversalTests
{
    [Fact]
    public void Rows_AreSortedByKl_EachVariesOneDimension_AndNameTheMostInformativeFactor()
    {
        // A small VAE trained briefly on 600 dsprites-small images (all shapes and scales, one orientation class
        // and few positions would make scale the dominant factor; we only check the labelling is the argmax).
        var (bits, factors) = DSprites.Generate(DSprites.Small);
        var all = new BitImageDataset(DSprites.Small, bits, factors.Count, [1, 64, 64], factors);
        var data = all.Select([.. Enumerable.Range(0, 600).Select(i => (int)(i * 7919L % all.Count))]);
        var model = new Vae(new VaeConfig { InputShape = [1, 64, 64], LatentDim = 3, Network = new VaeSharp.Networks.NetworkConfig { Hidden = [32] }, Seed = 2 });
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 2, BatchSize = 64, LearningRate = 3e-3f });
        for (int e = 1; e <= 2; e++) trainer.TrainEpoch(e, data, null);

        var t = LatentTraversal.Compute(model, data, range: 1.5f, steps: 5, statisticsLimit: 600);
        Assert.Equal(3, t.Order.Length);
        for (int r = 1; r < 3; r++) Assert.True(t.KlPerDimension[t.Order[r - 1]] >= t.KlPerDimension[t.Order[r]]);
        Assert.Equal([-1.5f, -0.75f, 0f, 0.75f, 1.5f], t.Values);
        Assert.Equal(3 * 5 * 4096, t.Images.Length);
        // the middle column of every row decodes the base code (all zeros): the same image in each row
        Assert.Equal(t.Images.AsSpan(2 * 4096, 4096).ToArray(), t.Images.AsSpan((5 + 2) * 4096, 4096).ToArray());
        // each label is the factor with the largest normalised MI, from the factor names
        Assert.All(t.Factors, f => Assert.Contains(f!.Value.Name, new[] { "shape", "scale", "orientation", "pos_x", "pos_y" }));
        Assert.All(t.Factors, f => Assert.InRange(f!.Value.Score, 0, 1));
        Assert.StartsWith($"z{t.Order[0]}  KL ", t.RowLabel(0));
        var picture = t.Render();
        Assert.Equal(3, picture.Channels);
        Assert.True(picture.Width > 5 * 64 && picture.Height > 3 * 64);
        var frames = t.Frames();
        Assert.Equal(5 + 3, frames.Count);   // −k → k and back, the ends once
        Assert.All(frames, f => Assert.Equal((frames[0].Width, frames[0].Height), (f.Width, f.Height)));
    }

    [Fact]
    public void AroundAnExample_TheOtherDimensionsKeepItsPosteriorMean()
    {
        var data = TestData.TwoPrototypes(40);
        var model = new Vae(TestData.SmallVae(latent: 2));
        var around = LatentTraversal.Compute(model, data, 1f, 3, around: 5, statisticsLimit: 40);
        var prior = LatentTraversal.Compute(model, data, 1f, 3, statisticsLimit: 40);
        Assert.Equal("the posterior mean of example 5", around.Base);
        Assert.NotEqual(prior.Images, around.Images);
        Assert.All(around.Factors, f => Assert.Null(f));   // no ground-truth factors: no labels
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentTraversal.Compute(model, data, 1f, 3, around: 40));
    }
}
