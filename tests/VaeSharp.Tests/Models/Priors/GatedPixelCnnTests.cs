using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models.Priors;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models.Priors;

public class GatedPixelCnnTests
{
    private static GatedPixelCnnConfig Tiny(int k = 5, int h = 7, int w = 7, int layers = 4, int first = 7, int kernel = 3, int classes = 0, ulong seed = 3) =>
        new() { CodebookSize = k, Height = h, Width = w, Channels = 4, Layers = layers, FirstKernel = first, Kernel = kernel, ClassCount = classes, Seed = seed };

    private static int[] RandomCodes(int count, int size, int k, ulong seed)
    {
        var rng = new RandomGenerator(seed);
        return [.. Enumerable.Range(0, count * size).Select(_ => rng.NextInt(k))];
    }

    // d(logits at position t) / d(embedded input at every position), summed in absolute value over channels.
    private static double[] InfluenceOn(GatedPixelCnn prior, int target, int[]? labels = null)
    {
        var cfg = prior.Config;
        int size = cfg.Height * cfg.Width;
        var codes = RandomCodes(1, size, cfg.CodebookSize, seed: 11);
        var x = Tensor.FromArray(prior.Embed(codes, 1, cfg.Height).ToArray(), 1, cfg.Channels, cfg.Height, cfg.Width);
        x.RequiresGrad = true;
        var logits = prior.LogitsOf(x, labels);
        var weights = Tensor.Zeros(logits.Shape.ToArray());
        var rng = new RandomGenerator(5);
        for (int j = 0; j < cfg.CodebookSize; j++) weights.Data[j * size + target] = rng.NextNormal();
        Ops.Sum(logits * weights).Backward();
        var influence = new double[size];
        for (int c = 0; c < cfg.Channels; c++)
            for (int p = 0; p < size; p++) influence[p] += Math.Abs(x.Grad!.Data[c * size + p]);
        return influence;
    }

    [Fact]
    public void Logits_AtEveryPosition_DependOnExactlyThePositionsBeforeIt()
    {
        // Raster order on a 7 × 7 grid: the logits at t see nothing at t or after (exactly zero gradient) and every
        // position before t (a non-zero gradient): the masks are causal and the stacks leave no blind spot.
        var prior = new GatedPixelCnn(Tiny() with { Channels = 16 });
        for (int t = 0; t < 49; t++)
        {
            var influence = InfluenceOn(prior, t);
            for (int p = t; p < 49; p++) Assert.True(influence[p] == 0, $"logits at {t} depend on the input at {p}: gradient {influence[p]}");
            for (int p = 0; p < t; p++) Assert.True(influence[p] > 0, $"logits at {t} do not see the input at {p}");
        }
    }

    [Fact]
    public void Logits_OfAConditionalPriorWithSmallKernels_AreCausalAndSeeUpRight()
    {
        // 3 × 3 kernels throughout, 3 layers: the original PixelCNN's masked 3 × 3 stack never sees (r − 1, c + 2) from (r, c)
        // (its blind spot); the gated PixelCNN's vertical stack, shifted into the horizontal one, does.
        var prior = new GatedPixelCnn(Tiny(h: 6, w: 6, layers: 3, first: 3, classes: 2) with { Channels = 16 });
        int r = 3, c = 2, target = r * 6 + c;
        var influence = InfluenceOn(prior, target, labels: [1]);
        for (int p = target; p < 36; p++) Assert.Equal(0, influence[p]);
        Assert.True(influence[(r - 1) * 6 + c + 2] > 0, "the position up and two to the right is a blind spot");
        Assert.True(influence[r * 6 + c - 1] > 0, "the position to the left is not seen");
        Assert.True(influence[(r - 1) * 6 + c] > 0, "the position above is not seen");
    }

    [Fact]
    public void Logits_OfTheTopRows_DoNotDependOnTheRowsBelow()
    {
        // What the sampler relies on: running the network on rows 0..r gives the full grid's logits for those rows.
        var prior = new GatedPixelCnn(Tiny(h: 5, w: 4));
        var codes = RandomCodes(2, 20, 5, seed: 2);
        float[] full, top;
        using (GradMode.NoGrad())
        {
            full = prior.Logits(codes, 2).ToArray();                                   // (2, K, 5, 4)
            var topCodes = codes.Take(12).Concat(codes.Skip(20).Take(12)).ToArray();
            top = prior.Logits(topCodes, 2, rows: 3).ToArray();                       // (2, K, 3, 4)
        }
        for (int n = 0; n < 2; n++)
            for (int k = 0; k < 5; k++)
                for (int p = 0; p < 12; p++)
                    Assert.Equal(full[(n * 5 + k) * 20 + p], top[(n * 5 + k) * 12 + p], 5);
    }

    [Fact]
    public void Loss_Gradient_MatchesFiniteDifferences()
    {
        // The whole network (padding, non-square convolutions, mask, gates, link, residual, label bias, cross-entropy)
        // through its input embedding.
        var prior = new GatedPixelCnn(Tiny(k: 3, h: 3, w: 3, layers: 2, first: 3, classes: 2));
        var codes = RandomCodes(2, 9, 3, seed: 4);
        var x = Tensor.FromArray(prior.Embed(codes, 2, 3).ToArray(), 2, 4, 3, 3);
        Tensor F(Tensor input)
        {
            var logp = Ops.LogSoftmax(prior.LogitsOf(input, [0, 1]), 1);
            return -Ops.Sum(Ops.Gather(logp, 1, codes, [2, 1, 3, 3]));
        }
        InputGradCheck.Assert(F, x, stride: 3);
    }

    [Fact]
    public void NegLogLikelihood_IsTheSumOfThePerPositionCrossEntropies()
    {
        var prior = new GatedPixelCnn(Tiny(k: 4, h: 3, w: 4, classes: 3));
        var codes = RandomCodes(3, 12, 4, seed: 8);
        int[] labels = [2, 0, 1];
        var nll = prior.NegLogLikelihood(codes, 3, labels);
        float[] logits;
        using (GradMode.NoGrad()) logits = prior.Logits(codes, 3, labels).ToArray();
        for (int n = 0; n < 3; n++)
        {
            double expected = 0;
            for (int p = 0; p < 12; p++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < 4; k++) max = Math.Max(max, logits[(n * 4 + k) * 12 + p]);
                for (int k = 0; k < 4; k++) sum += Math.Exp(logits[(n * 4 + k) * 12 + p] - max);
                expected -= logits[(n * 4 + codes[n * 12 + p]) * 12 + p] - max - Math.Log(sum);
            }
            Assert.Equal(expected, nll[n], 3);
        }
    }

    [Fact]
    public void Probabilities_OfEveryGrid_SumToOne_AndSamplesFollowThem()
    {
        // 2 × 2 grids of 3 codes: 81 grids. The chain rule makes exp(−NLL) a distribution over them, and ancestral samples
        // must land on each grid with that probability (4,000 draws; each frequency within 4 standard errors + 0.005).
        var prior = new GatedPixelCnn(Tiny(k: 3, h: 2, w: 2, layers: 2, first: 3, seed: 9) with { Channels = 8 });
        // Sharpen the distribution so that it is far from uniform.
        prior.LogitWeight.Data.ToArray().CopyTo(prior.LogitWeight.Data);
        for (int i = 0; i < prior.LogitWeight.Size; i++) prior.LogitWeight.Data[i] *= 8f;
        var all = new int[81 * 4];
        for (int g = 0; g < 81; g++)
            for (int p = 0, v = g; p < 4; p++, v /= 3) all[g * 4 + p] = v % 3;
        var probability = prior.NegLogLikelihood(all, 81).Select(v => Math.Exp(-v)).ToArray();
        Assert.Equal(1.0, probability.Sum(), 4);
        Assert.True(probability.Max() > 0.05, $"the test distribution is too flat (max {probability.Max():F3})");
        const int draws = 4000;
        var samples = prior.Sample(draws, RngStreams.Create(1, RngStream.PriorSampling));
        var frequency = new double[81];
        for (int s = 0; s < draws; s++) frequency[samples[s * 4] + 3 * samples[s * 4 + 1] + 9 * samples[s * 4 + 2] + 27 * samples[s * 4 + 3]] += 1.0 / draws;
        for (int g = 0; g < 81; g++)
        {
            double se = Math.Sqrt(probability[g] * (1 - probability[g]) / draws);
            Assert.True(Math.Abs(frequency[g] - probability[g]) < 4 * se + 0.005, $"grid {g}: sampled {frequency[g]:F4}, p = {probability[g]:F4}");
        }
    }

    // Two 4 × 4 patterns of 3 codes: a checkerboard of 0 and 1 (70 %) and stripes of 2 and 0 (30 %); label = pattern.
    private static CodeGrids TwoPatterns(int count, ulong seed)
    {
        var rng = new RandomGenerator(seed);
        var codes = new int[count * 16];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = rng.NextDouble() < 0.7 ? 0 : 1;
            for (int p = 0; p < 16; p++) codes[n * 16 + p] = Pattern(labels[n], p);
        }
        return new CodeGrids(codes, count, 4, 4, labels);
    }

    private static int Pattern(int which, int p) => which == 0 ? (p / 4 + p % 4) % 2 : (p / 4 % 2 == 0 ? 2 : 0);

    private static int WhichPattern(ReadOnlySpan<int> grid)
    {
        for (int which = 0; which < 2; which++)
        {
            bool all = true;
            for (int p = 0; p < 16 && all; p++) all = grid[p] == Pattern(which, p);
            if (all) return which;
        }
        return -1;
    }

    [Fact]
    public void TrainedPrior_OnTwoPatterns_SamplesThemInTheirProportions()
    {
        var data = TwoPatterns(400, seed: 1);
        double share = data.Labels!.Count(l => l == 0) / 400.0;                        // ≈ 0.7
        var unlabelled = new CodeGrids(data.Codes, data.Count, 4, 4);
        var prior = new GatedPixelCnn(Tiny(k: 3, h: 4, w: 4, layers: 3, first: 5) with { Channels = 8 });
        var trainer = new PriorTrainer(prior, new PriorTrainingOptions { Epochs = 12, BatchSize = 32, LearningRate = 1e-2f });
        var first = trainer.TrainEpoch(unlabelled, unlabelled);
        PriorEpochReport last = first;
        for (int e = 2; e <= 12; e++) last = trainer.TrainEpoch(unlabelled, unlabelled);
        // The entropy of the two-pattern distribution is the least NLL there is.
        double entropy = -(share * Math.Log(share) + (1 - share) * Math.Log(1 - share));
        Assert.True(last.TestNll < entropy + 0.1, $"NLL {last.TestNll:F3} nats per grid after 12 epochs (from {first.TrainNll:F3}); the entropy is {entropy:F3}");
        // p(checkerboard) → its share, p(stripes) → the rest, and nearly nothing is left for any other grid.
        var nll = prior.NegLogLikelihood([.. Enumerable.Range(0, 16).Select(p => Pattern(0, p)), .. Enumerable.Range(0, 16).Select(p => Pattern(1, p))], 2);
        Assert.Equal(share, Math.Exp(-nll[0]), 0.08);
        Assert.Equal(1 - share, Math.Exp(-nll[1]), 0.08);
        var samples = prior.Sample(300, RngStreams.Create(2, RngStream.PriorSampling));
        var kinds = Enumerable.Range(0, 300).Select(s => WhichPattern(samples.AsSpan(s * 16, 16))).ToArray();
        double checkerboard = kinds.Count(k => k == 0) / 300.0, stripes = kinds.Count(k => k == 1) / 300.0;
        Assert.True(checkerboard + stripes >= 0.95, $"only {checkerboard + stripes:P0} of the samples are one of the two patterns");
        Assert.InRange(checkerboard / (checkerboard + stripes), share - 0.1, share + 0.1);
    }

    [Fact]
    public void ConditionalPrior_OnTwoPatterns_DrawsTheLabelsPattern()
    {
        var data = TwoPatterns(300, seed: 2);
        var prior = new GatedPixelCnn(Tiny(k: 3, h: 4, w: 4, layers: 2, first: 5, classes: 2) with { Channels = 8 });
        var trainer = new PriorTrainer(prior, new PriorTrainingOptions { Epochs = 10, BatchSize = 32, LearningRate = 1e-2f });
        for (int e = 1; e <= 10; e++) trainer.TrainEpoch(data);
        int[] labels = [.. Enumerable.Range(0, 100).Select(i => i % 2)];
        var samples = prior.Sample(100, RngStreams.Create(3, RngStream.PriorSampling), labels);
        int right = Enumerable.Range(0, 100).Count(s => WhichPattern(samples.AsSpan(s * 16, 16)) == labels[s]);
        Assert.True(right >= 95, $"only {right} of 100 samples are their label's pattern");
        // Given the label there is one grid: its NLL is near 0.
        Assert.True(trainer.Evaluate(data) < 0.2, $"conditional NLL {trainer.Evaluate(data):F3} nats per grid");
    }

    [Fact]
    public void Sample_IsDeterministicForASeed_AndHonoursTemperature()
    {
        var prior = new GatedPixelCnn(Tiny(k: 6, h: 3, w: 3));
        var a = prior.Sample(20, RngStreams.Create(4, RngStream.PriorSampling));
        var b = prior.Sample(20, RngStreams.Create(4, RngStream.PriorSampling));
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, 0, 5));
        // A very low temperature is the argmax at every step: the same grid for every draw.
        var cold = prior.Sample(10, RngStreams.Create(5, RngStream.PriorSampling), null, temperature: 1e-4f);
        for (int s = 1; s < 10; s++) Assert.Equal(cold.AsSpan(0, 9).ToArray(), cold.AsSpan(s * 9, 9).ToArray());
    }

    [Fact]
    public void BadInputs_AreRefusedWithAClearMessage()
    {
        var prior = new GatedPixelCnn(Tiny(k: 4, h: 2, w: 2, classes: 3));
        Assert.Contains("outside 0..3", Assert.Throws<ArgumentException>(() => prior.NegLogLikelihood([0, 1, 4, 0], 1, [0])).Message);
        Assert.Contains("expected 8", Assert.Throws<ArgumentException>(() => prior.NegLogLikelihood([0, 1, 2], 2, [0, 1])).Message);
        Assert.Contains("conditional", Assert.Throws<ArgumentException>(() => prior.Sample(2, new RandomGenerator(1))).Message);
        Assert.Contains("outside 0..2", Assert.Throws<ArgumentException>(() => prior.Sample(1, new RandomGenerator(1), [3])).Message);
        var unconditional = new GatedPixelCnn(Tiny(k: 4, h: 2, w: 2));
        Assert.Contains("unconditional", Assert.Throws<ArgumentException>(() => unconditional.Sample(1, new RandomGenerator(1), [0])).Message);
        Assert.Contains("first_kernel", Assert.Throws<ArgumentException>(() => new GatedPixelCnn(Tiny(first: 4))).Message);
        Assert.Contains("codebook_size", Assert.Throws<ArgumentException>(() => new GatedPixelCnn(Tiny(k: 1))).Message);
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() =>
            new PriorTrainer(prior, new PriorTrainingOptions()).TrainEpoch(new CodeGrids(new int[4], 1, 2, 2))).Message);
        Assert.Contains("epochs", Assert.Throws<ArgumentException>(() => new PriorTrainer(prior, new PriorTrainingOptions { Epochs = 0 })).Message);
    }
}
