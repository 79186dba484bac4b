using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Models;

// The VQ-VAE against hand computations: the nearest code, the straight-through gradient and the codebook and
// commitment gradients, the EMA step, dead-code restarts, the usage figures; then its state (save, load, resume).
public class VqVaeTests
{
    // 4×4 inputs → one stride-2 conv → a 2×2 grid of D = 3 codes.
    private static VqVaeConfig Small(CodebookUpdate update = CodebookUpdate.Loss, int k = 6, bool restart = true, int deadSteps = 100, ulong seed = 7) => new()
    {
        InputShape = [1, 4, 4], Network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [4], KernelSize = 4, Hidden = [] },
        LatentDim = 3, CodebookSize = k, ResidualBlocks = 1, ResidualChannels = 2, Seed = seed, CodebookUpdate = update,
        DeadCodeRestart = restart, DeadCodeSteps = deadSteps,
    };

    private static Tensor Buffer(Module model, string name) => model.NamedBuffers().Single(b => b.Name == name).Tensor;

    private static LossContext Context => LossContext.Plain(new RandomGenerator(1));

    [Fact]
    public void Nearest_PicksTheClosestRow_TheLowestOnATie_AndTheModelAgreesWithThePlainLoop()
    {
        float[] codebook = [0, 0, 1, 0, 0, 2];                   // e_0 = (0, 0), e_1 = (1, 0), e_2 = (0, 2)
        float[] vectors = [0.9f, 0.1f, 0.1f, 1.2f, -1, 0, 0.5f, 0];   // → 1, 2, 0, and (0.5, 0) is 0.25 from e_0 and e_1: 0
        var codes = new int[4];
        VqVae.Nearest(vectors, codebook, 2, codes);
        Assert.Equal([1, 2, 0, 0], codes);

        var model = new VqVae(Small(k: 16));
        var batch = TestData.Uniform(9);
        var ze = model.EncodeContinuous(batch.X).ToArray();
        var expected = new int[9 * 4];
        VqVae.Nearest(ze, model.Embedding.ToArray(), 3, expected);
        Assert.Equal(expected, model.EncodeCodes(batch.X));
        var posterior = Assert.IsType<CodebookPosterior>(model.Encode(batch));
        Assert.Equal(expected, posterior.Codes);
        Assert.Equal([9, 12], posterior.Mean.Shape.ToArray());
        var e = model.Embedding.ToArray();
        var zq = posterior.Mean.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(e.AsSpan(expected[i] * 3, 3).ToArray(), zq.AsSpan(i * 3, 3).ToArray());
    }

    [Fact]
    public void Loss_IsReconstructionAtZq_PlusCodebook_PlusBetaCommitment_WithTheStraightThroughGradient()
    {
        var model = new VqVae(Small() with { Commitment = 0.4f });
        model.Eval();
        var batch = TestData.Uniform(5);
        int n = 5, d = 3;
        var ze = model.EncodeContinuous(batch.X).ToArray();
        var posterior = (CodebookPosterior)model.Encode(batch);
        var zq = posterior.Mean.ToArray();

        // The decoder's gradient at z_q, with z_q a leaf.
        var leaf = Tensor.FromArray(zq, n, model.LatentDim);
        leaf.RequiresGrad = true;
        var recon = model.Likelihood.TotalNegLogLikelihood(model.Decode(leaf), batch.X) * (1f / n);
        recon.Backward();
        var decoderGrad = leaf.Grad!.ToArray();

        model.ZeroGrad();
        var loss = model.Loss(batch, Context);
        double distance = 0;
        for (int i = 0; i < ze.Length; i++) distance += (ze[i] - zq[i]) * (ze[i] - zq[i]);
        Assert.Equal(recon.Item(), loss["reconstruction"].Item(), 4);
        Assert.Equal(distance / n, loss["commitment"].Item(), 4);
        Assert.Equal(distance / n, loss["codebook"].Item(), 4);
        Assert.Equal(recon.Item() + distance / n * 1.4, loss.Total.Item(), 3);
        loss.Total.Backward();

        // z_e = W h + b (the last 1×1 conv): dL/db_u = Σ_{examples, positions} dL/dz_e,u, and dL/dz_e = the decoder's gradient
        // at z_q (passed straight through) + β·2(z_e − e)/n.
        var bias = model.NamedParameters().Last(p => p.Name.StartsWith("encoder.", StringComparison.Ordinal) && p.Name.EndsWith(".bias", StringComparison.Ordinal)).Tensor;
        Assert.Equal(d, bias.Size);
        for (int u = 0; u < d; u++)
        {
            double expected = 0;
            for (int i = u; i < ze.Length; i += d) expected += decoderGrad[i] + 0.4 * 2 * (ze[i] - zq[i]) / n;
            Assert.True(Math.Abs(bias.Grad!.Data[u] - expected) < 1e-4 + 1e-4 * Math.Abs(expected), $"bias {u}: {bias.Grad!.Data[u]} vs {expected}");
        }
        // The codebook learns only from its term: dL/de_k = Σ_{i: k_i = k} 2(e_k − z_e,i)/n — no reconstruction gradient.
        var e = model.Embedding.ToArray();
        var codebookGrad = model.Embedding.Grad!.ToArray();
        for (int k = 0; k < model.CodebookSize; k++)
            for (int u = 0; u < d; u++)
            {
                double expected = 0;
                for (int i = 0; i < posterior.Codes.Length; i++)
                    if (posterior.Codes[i] == k) expected += 2 * (e[k * d + u] - ze[i * d + u]) / n;
                Assert.True(Math.Abs(codebookGrad[k * d + u] - expected) < 1e-5 + 1e-4 * Math.Abs(expected), $"e[{k},{u}]: {codebookGrad[k * d + u]} vs {expected}");
            }
    }

    [Fact]
    public void DecoderGradient_MatchesFiniteDifferences()
    {
        var model = new VqVae(Small());
        model.Eval();
        var batch = TestData.Uniform(4);
        model.ZeroGrad();
        model.Loss(batch, Context).Total.Backward();
        var decoder = model.NamedParameters().Where(p => p.Name.StartsWith("decoder.", StringComparison.Ordinal)).ToList();
        int checkedCount = 0;
        foreach (var (name, p) in decoder)
            for (int i = 0; i < p.Size; i += Math.Max(1, p.Size / 3))
            {
                float orig = p.Data[i];
                double Eval(float v) { p.Data[i] = v; using var _ = GradMode.NoGrad(); return model.Loss(batch, Context).Total.Item(); }
                double numeric = (Eval(orig + 1e-2f) - Eval(orig - 1e-2f)) / 2e-2;
                p.Data[i] = orig;
                double analytic = p.Grad!.Data[i];
                Assert.True(Math.Abs(numeric - analytic) < 2e-2 + 2e-2 * Math.Abs(numeric), $"{name}[{i}]: {analytic} vs {numeric}");
                checkedCount++;
            }
        Assert.True(checkedCount > 10);
    }

    [Fact]
    public void EmaUpdate_MatchesAHandComputedStep()
    {
        // z = (1, 2), (3, 4) → code 0; (5, 6) → code 1; code 2 unused. γ = 0.5, ε = 0.1, N_k = 1 and m_k = e_k before.
        float[] clusterSize = [1, 1, 1], embeddingSum = [0, 0, 1, 1, 2, 2], embedding = new float[6];
        VqVae.EmaUpdate([1, 2, 3, 4, 5, 6], [0, 0, 1], [2, 1, 0], clusterSize, embeddingSum, embedding, decay: 0.5f, epsilon: 0.1f, dim: 2);
        Assert.Equal([1.5f, 1f, 0.5f], clusterSize);                       // γN + (1 − γ)n
        Assert.Equal([2f, 3f, 3f, 3.5f, 1f, 1f], embeddingSum);             // γm + (1 − γ)Σz
        // Ñ = (N + ε)/(ΣN + Kε)·ΣN = (1.6, 1.1, 0.6)/3.3·3
        float[] expected = [2 / (1.6f / 3.3f * 3), 3 / (1.6f / 3.3f * 3), 3 / (1.1f / 3.3f * 3), 3.5f / (1.1f / 3.3f * 3), 1 / (0.6f / 3.3f * 3), 1 / (0.6f / 3.3f * 3)];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], embedding[i], 5);
        Assert.Equal(1.375f, embedding[0], 5);
    }

    [Fact]
    public void EmaModel_MovesItsCodebookOncePerTrainingStep_NotInEvaluation_AndHasNoCodebookTerm()
    {
        var model = new VqVae(Small(CodebookUpdate.Ema, k: 8));
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name.StartsWith("codebook.", StringComparison.Ordinal));
        Assert.Equal(["reconstruction", "commitment"], model.LossTermNames);
        var batch = TestData.Uniform(6);
        var before = model.Embedding.ToArray();
        model.Eval();
        var evalLoss = model.Loss(batch, Context);
        Assert.Equal(["reconstruction", "commitment"], evalLoss.Names);
        Assert.Equal(before, model.Embedding.ToArray());
        Assert.Equal(0f, Buffer(model, "codebook.steps").Data[0]);

        model.Train();
        var ze = model.EncodeContinuous(batch.X).ToArray();
        var codes = model.EncodeCodes(batch.X);
        var counts = new float[8];
        foreach (int c in codes) counts[c]++;
        float[] n = [.. Enumerable.Repeat(1f, 8)], m = [.. before], e = new float[before.Length];
        VqVae.EmaUpdate(ze, codes, counts, n, m, e, 0.99f, 1e-5f, 3);
        model.Loss(batch, Context);
        Assert.Equal(e, model.Embedding.ToArray());
        Assert.Equal(n, Buffer(model, "codebook.cluster_size").ToArray());
        Assert.Equal(m, Buffer(model, "codebook.embedding_sum").ToArray());
        Assert.Equal(1f, Buffer(model, "codebook.steps").Data[0]);
    }

    [Fact]
    public void DeadCodes_AreRestartedAtEncoderOutputsOfTheBatch_Counted_AndOnlyWhenOn()
    {
        var batch = TestData.Uniform(6);
        var model = new VqVae(Small(k: 32, deadSteps: 2));
        model.Train();
        var ze = model.EncodeContinuous(batch.X).ToArray();
        var used = model.EncodeCodes(batch.X).ToHashSet();
        var before = model.Embedding.ToArray();
        model.Loss(batch, Context);
        Assert.Equal(before, model.Embedding.ToArray());   // one step unused is not dead yet
        model.Loss(batch, Context);
        var after = model.Embedding.ToArray();
        int restarted = 0;
        for (int k = 0; k < 32; k++)
        {
            var row = after.AsSpan(k * 3, 3).ToArray();
            if (used.Contains(k)) { Assert.Equal(before.AsSpan(k * 3, 3).ToArray(), row); continue; }
            restarted++;
            bool fromBatch = Enumerable.Range(0, ze.Length / 3).Any(i => ze.AsSpan(i * 3, 3).SequenceEqual(row));
            Assert.True(fromBatch, $"code {k} restarted at ({string.Join(", ", row)}), no encoder output of the batch");
        }
        Assert.Equal(32 - used.Count, restarted);
        Assert.True(restarted > 0);
        Assert.Equal(restarted, model.TotalRestarts);

        // The epoch's figures: the codes of both steps, the restarts; then a fresh tally.
        var statistics = model.TakeEpochStatistics();
        Assert.Equal(["perplexity", "codes_in_use", "restarts"], statistics.Select(s => s.Name));
        Assert.Equal(used.Count, statistics[1].Value);
        Assert.Equal(restarted, statistics[2].Value);
        Assert.All(model.TakeEpochStatistics(), s => Assert.Equal(0, s.Value));

        var off = new VqVae(Small(k: 32, deadSteps: 2, restart: false));
        off.Train();
        var offBefore = off.Embedding.ToArray();
        for (int i = 0; i < 3; i++) off.Loss(batch, Context);
        Assert.Equal(offBefore, off.Embedding.ToArray());
        Assert.Equal(0, off.TotalRestarts);
    }

    [Fact]
    public void Usage_OfKnownAssignments_GivesThePerplexityAndTheCodesInUse()
    {
        var two = CodebookUsage.OfCodes([0, 0, 1, 1], 4);
        Assert.Equal(2, two.Perplexity, 10);
        Assert.Equal(2, two.CodesInUse);
        Assert.Equal(4, CodebookUsage.OfCodes([3, 1, 2, 0], 4).Perplexity, 10);
        Assert.Equal(1, CodebookUsage.OfCodes([2, 2, 2], 4).Perplexity, 10);
        var skewed = CodebookUsage.OfCodes([0, 0, 0, 1], 8);   // p = (3/4, 1/4)
        Assert.Equal(Math.Exp(-(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25))), skewed.Perplexity, 10);
        Assert.Equal(0, CodebookUsage.Of(new float[5]).Perplexity);

        var model = new VqVae(Small(k: 16));
        model.Train();
        var batch = TestData.Uniform(7);
        var codes = model.EncodeCodes(batch.X);
        model.Loss(batch, Context);
        var statistics = model.TakeEpochStatistics();
        var expected = CodebookUsage.OfCodes(codes, 16);
        Assert.Equal(expected.Perplexity, statistics[0].Value, 6);
        Assert.Equal(expected.CodesInUse, statistics[1].Value);
    }

    [Fact]
    public void SavedModel_LoadsIntoAFreshOne_WithItsCodebookAndEmaState()
    {
        string file = Path.Combine(Path.GetTempPath(), "vaesharp-vqvae-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            var model = new VqVae(Small(CodebookUpdate.Ema, k: 8, deadSteps: 1));
            model.Train();
            for (int i = 0; i < 3; i++) model.Loss(TestData.Uniform(6, seed: (ulong)i), Context);
            ModelIO.Save(model, file);
            var loaded = new VqVae(Small(CodebookUpdate.Ema, k: 8, deadSteps: 1, seed: 99));
            Assert.NotEqual(model.Embedding.ToArray(), loaded.Embedding.ToArray());
            ModelIO.Load(loaded, file);
            foreach (var ((name, a), (_, b)) in model.StateDict().Zip(loaded.StateDict())) Assert.True(a.ToArray().SequenceEqual(b.ToArray()), name);
            Assert.Contains(loaded.StateDict(), e => e.Name == "codebook.cluster_size");
            var x = TestData.Uniform(5, seed: 11).X;
            var codes = model.EncodeCodes(x);
            Assert.Equal(codes, loaded.EncodeCodes(x));
            Assert.Equal(model.DecodeCodes(codes, 5).ToArray(), loaded.DecodeCodes(codes, 5).ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ConfigJson_RoundTripsTheFamily()
    {
        var config = new RunConfig { Model = Small(CodebookUpdate.Ema) with { Commitment = 0.5f, DeadCodeRestart = false }, Training = new TrainingOptions(), Data = "synthetic" };
        string json = System.Text.Json.JsonSerializer.Serialize(config, ConfigJson.Options);
        Assert.Contains("\"family\": \"vq-vae\"", json);
        Assert.Contains("\"codebook_update\": \"ema\"", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<RunConfig>(json, ConfigJson.Options)!;
        Assert.Equal(config.Model, back.Model with { InputShape = config.Model.InputShape, Network = config.Model.Network });
        Assert.IsType<VqVae>(ModelFamilies.Create(back.Model));
    }

    [Fact]
    public void Generate_DrawsFromTheCodePrior_WhenSet_AndAConditionalPriorMakesTheModelConditional()
    {
        var model = new VqVae(Small(k: 5));
        model.Eval();
        Assert.False(model.IsConditional);
        var uniform = model.Generate(3, new RandomGenerator(4));
        Assert.Equal([3, 1, 4, 4], uniform.Shape.ToArray());

        int[] fixedCodes = [0, 1, 2, 3, 4, 4, 3, 2];
        model.CodePrior = new FixedPrior(fixedCodes, classes: 0);
        Assert.Equal(model.DecodeCodes(fixedCodes, 2).ToArray(), model.Generate(2, new RandomGenerator(4)).ToArray());
        Assert.Throws<ArgumentException>(() => model.Generate(2, new RandomGenerator(4), [0, 1]));

        model.CodePrior = new FixedPrior(fixedCodes, classes: 3);
        Assert.True(model.IsConditional);
        Assert.Equal(3, model.ClassCount);
        Assert.Equal(model.DecodeCodes(fixedCodes, 2).ToArray(), model.Generate(2, new RandomGenerator(4), [2, 1]).ToArray());
        Assert.Contains("grids of 9 codes", Assert.Throws<ArgumentException>(() => model.CodePrior = new FixedPrior(fixedCodes, 0, k: 9)).Message);
    }

    private sealed class FixedPrior(int[] codes, int classes, int k = 5) : ICodePrior
    {
        public int CodebookSize => k;
        public int Height => 2;
        public int Width => 2;
        public int ClassCount => classes;
        public int[] Sample(int count, RandomGenerator rng, int[]? labels = null)
        {
            if ((labels is null) != (classes == 0)) throw new ArgumentException("labels iff conditional");
            return codes[..(count * 4)];
        }
        public double[] NegLogLikelihood(ReadOnlySpan<int> grids, int count, int[]? labels = null) => new double[count];
    }

    [Fact]
    public void TinyTraining_LowersTheTestLoss()
    {
        var data = TestData.TwoPrototypes(512);
        var (config, _) = new TrainingRequest
        {
            Family = "vq-vae", Channels = [8], KernelSize = 4, LatentDim = 3, CodebookSize = 16, ResidualBlocks = 1, ResidualChannels = 4,
            Epochs = 4, BatchSize = 32, DeadCodeSteps = 10,
        }.Resolve(data, "synthetic");
        var trainer = new Trainer(ModelFamilies.Create(config.Model), config.Training);
        var first = trainer.TrainEpoch(1, data, data);
        EpochReport last = first;
        for (int e = 2; e <= 4; e++) last = trainer.TrainEpoch(e, data, data);
        Assert.True(last.TestLoss < first.TestLoss - 0.5, $"test loss {first.TestLoss} → {last.TestLoss}");
        Assert.Equal(["perplexity", "codes_in_use", "restarts"], last.Statistics.Select(s => s.Name));
        Assert.InRange(last.Statistics[0].Value, 1, 16);
        Assert.Contains("Perplexity", last.Format(4));
    }

    [Fact]
    public void StoppedEmaRun_WithRestarts_ResumesToTheSameBits()
    {
        var data = TestData.TwoPrototypes(256);
        var (config, options) = new TrainingRequest
        {
            Family = "vq-vae", Channels = [4], KernelSize = 4, LatentDim = 3, CodebookSize = 16, ResidualBlocks = 1, ResidualChannels = 2,
            Epochs = 3, BatchSize = 32, CodebookUpdate = CodebookUpdate.Ema, DeadCodeSteps = 3,
        }.Resolve(data, "synthetic");
        string straightFolder = Path.Combine(Path.GetTempPath(), "vaesharp-vq-" + Guid.NewGuid().ToString("N")), stoppedFolder = straightFolder + "-stopped";
        try
        {
            using (var straight = TrainingRun.Start(straightFolder, config, data, data, options)) straight.RunToEnd();
            using (var run = TrainingRun.Start(stoppedFolder, config, data, data, options))
            {
                int steps = 0;
                void StopAtStep11(int step, int total, double loss) { if (++steps == 11) run.RequestStop(); }
                Assert.NotNull(run.RunEpoch(StopAtStep11));
                Assert.Null(run.RunEpoch(StopAtStep11));
            }
            using (var resumed = TrainingRun.Resume(stoppedFolder, data, data, options)) resumed.RunToEnd();
            Assert.Equal(File.ReadAllBytes(Path.Combine(straightFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(stoppedFolder, "model.safetensors")));
            static IEnumerable<string> Figures(string folder) => File.ReadLines(Path.Combine(folder, "metrics.csv")).Select(l => string.Join(',', l.Split(',')[..10]));
            Assert.Equal(Figures(straightFolder), Figures(stoppedFolder));
            Assert.StartsWith("epoch,loss,reconstruction_loss,commitment_loss,perplexity,codes_in_use,restarts,test_loss", File.ReadLines(Path.Combine(straightFolder, "metrics.csv")).First());
            var (_, model) = RunFolder.Load(straightFolder);
            Assert.True(((VqVae)model).TotalRestarts > 0, "the run restarted codes (so the resume carried the restart state)");
        }
        finally
        {
            Directory.Delete(straightFolder, recursive: true);
            if (Directory.Exists(stoppedFolder)) Directory.Delete(stoppedFolder, recursive: true);
        }
    }

    [Fact]
    public void Request_RefusesTheIwaeObjective_KlControls_AndCodebookOptionsOnOtherFamilies()
    {
        var data = TestData.TwoPrototypes(64);
        var vq = new TrainingRequest { Family = "vq-vae", Channels = [4], KernelSize = 4 };
        Assert.Contains("a vq-vae trains on its own loss", Assert.Throws<ArgumentException>(() => (vq with { Objective = VaeSharp.Objectives.ObjectiveKind.Iwae }).Resolve(data, "s")).Message);
        Assert.Contains("KL controls", Assert.Throws<ArgumentException>(() => (vq with { FreeBits = 0.5f }).Resolve(data, "s")).Message);
        Assert.Contains("codebook_size", Assert.Throws<ArgumentException>(() => new TrainingRequest { CodebookSize = 8 }.Resolve(data, "s")).Message);
        Assert.Contains("network.batch_norm", Assert.Throws<ArgumentException>(() => (vq with { BatchNorm = true }).Resolve(data, "s")).Message);

        var (config, _) = new TrainingRequest().Resolve(TestData.TwoPrototypes(8), "s", TrainingPreset.VqVaeMnist);
        var preset = Assert.IsType<VqVaeConfig>(config.Model);
        Assert.Equal((256, 16, 0.25f, CodebookUpdate.Ema), (preset.CodebookSize, preset.LatentDim, preset.Commitment, preset.CodebookUpdate));
    }

    [Fact]
    public void Posterior_RefusesDensities_AndThePriorItsKl_WithTheReason()
    {
        var model = new VqVae(Small());
        var posterior = model.Encode(TestData.Uniform(2));
        Assert.Contains("point mass", Assert.Throws<NotSupportedException>(() => posterior.SampleWithLogProb(new RandomGenerator(1))).Message);
        Assert.Contains("point mass", Assert.Throws<NotSupportedException>(() => model.Prior.Kl(posterior, Reduction.Sum)).Message);
        var logp = model.Prior.LogProb(posterior.Mean).ToArray();
        Assert.All(logp, v => Assert.Equal(-4 * MathF.Log(6), v, 4));   // uniform: log K per grid position
        Assert.Equal(posterior.Mean.ToArray(), posterior.Sample(new RandomGenerator(1)).ToArray());
    }
}
