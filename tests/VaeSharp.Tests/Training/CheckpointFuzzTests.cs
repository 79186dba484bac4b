using System.Buffers.Binary;
using System.Text;
using VaeSharp.Data;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using VaeSharp.Models;
using VaeSharp.Tests.Data;
using VaeSharp.Training;
using Xunit.Abstractions;

namespace VaeSharp.Tests.Training;

// Checkpoint.Restore (what `vae train --resume` does with checkpoint/: state.json into the trainer, model.safetensors
// into the model, optimizer.safetensors into Adam) over checkpoints with one of the three files mutated. Two real
// checkpoints are the seeds, one written in the middle of an epoch and one at its end. state.json gets the JSON
// mutations (missing, null, negative, huge and fractional counters, NaN and ±Infinity, random streams in positions no
// generator can be in, epochs out of order, duplicate keys, ...) and byte mutations; the two safetensors files get
// byte mutations, header mutations (shapes, names, dtypes) and NaN/±Inf/negative values in the weights and in Adam's
// moments. Every input restores — the trainer, the weights and Adam then hold exactly the files' values, they are
// finite, the counters agree (trainer steps = Adam's step, epochs reported = epochs completed), and one more training
// step runs — or ends in a FileFormatException naming the mutated file.
public sealed class CheckpointFuzzTests : IDisposable
{
    private const int InputCount = 2000;
    private const ulong Seed = 15;
    private const string StateFile = "state.json", ModelFile = "model.safetensors", OptimizerFile = "optimizer.safetensors";

    private static readonly TrainingOptions Options = new() { BatchSize = 16, Epochs = 3, Binarize = Binarization.Dynamic };
    private static readonly ByteImageDataset Data = TestData.TwoPrototypes(64);   // 4 steps per epoch

    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, Dictionary<string, byte[]>> _seeds = [];
    private readonly string _checkpoint;

    public CheckpointFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        _checkpoint = _folder.Combine("run", Checkpoint.FolderName);
        _seeds["mid-epoch"] = Write(stopAfterStep: 6);
        _seeds["epoch-end"] = Write(stopAfterStep: null);
    }

    public void Dispose() => _folder.Dispose();

    // Trains epoch 1, then stops epoch 2 after a step (or finishes it), and writes the checkpoint a run would.
    private Dictionary<string, byte[]> Write(int? stopAfterStep)
    {
        var trainer = new Trainer(new Vae(TestData.SmallVae()), Options);
        var epochs = new List<EpochReport> { trainer.TrainEpoch(1, Data, Data) };
        int steps = 4;
        var second = trainer.ContinueEpoch(2, Data, Data, stop: () => ++steps >= stopAfterStep);
        if (second is not null) epochs.Add(second);
        string run = _folder.Combine("seed");
        Directory.CreateDirectory(run);
        Checkpoint.Save(run, trainer.Model, trainer.Optimizer, new Checkpoint.State(Checkpoint.FormatVersion, trainer.CaptureState(), epochs, 1.25));
        string folder = Path.Combine(run, Checkpoint.FolderName);
        var files = new[] { StateFile, ModelFile, OptimizerFile }.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)));
        Directory.Delete(run, recursive: true);
        return files;
    }

    private static FuzzSeed SafeTensorsSeed(string name, byte[] file)
    {
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return new FuzzSeed(name, file, [(0, "header length"), (8, "header"), (dataStart, "data"), (file.Length - 4, "last float")],
            [new IntField("header length", 0, 8, BigEndian: false)]);
    }

    // Inputs say which seed and file they replace: "<seed>/<file>: <mutation>".
    private IEnumerable<FuzzInput> Inputs(ulong seed)
    {
        var rng = new RandomGenerator(seed);
        var bytes = new ByteMutator(rng);
        var json = new JsonMutator(rng);
        string[] seedNames = [.. _seeds.Keys];
        for (int index = 0; index < InputCount; index++)
        {
            string seedName = seedNames[rng.NextInt(seedNames.Length)];
            var files = _seeds[seedName];
            int roll = rng.NextInt(20);
            string file = roll < 12 ? StateFile : roll < 16 ? ModelFile : OptimizerFile;
            byte[] original = files[file];
            string prefix = $"{seedName}/{file}: ";
            if (file == StateFile)
            {
                if (rng.NextInt(6) == 0)
                {
                    var (m, b) = bytes.Mutate(new FuzzSeed("state", original));
                    yield return new FuzzInput(index, prefix + m, b);
                }
                else
                {
                    var (m, text) = json.Mutate(Encoding.UTF8.GetString(original));
                    yield return new FuzzInput(index, prefix + m, Encoding.UTF8.GetBytes(text));
                }
                continue;
            }
            int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
            switch (rng.NextInt(4))
            {
                case 0:
                {
                    var (m, b) = bytes.Mutate(SafeTensorsSeed(file, original));
                    yield return new FuzzInput(index, prefix + m, b);
                    break;
                }
                case 1:
                {
                    var (m, text) = json.Mutate(Encoding.UTF8.GetString(original, 8, headerLength).TrimEnd(' '));
                    byte[] header = Encoding.UTF8.GetBytes(text);
                    var b = new byte[8 + header.Length + original.Length - 8 - headerLength];
                    BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)header.Length);
                    header.CopyTo(b, 8);
                    original.AsSpan(8 + headerLength).CopyTo(b.AsSpan(8 + header.Length));
                    yield return new FuzzInput(index, prefix + "header " + m, b);
                    break;
                }
                default:
                {
                    // A special value in a weight or a moment (negative ones matter in exp_avg_sq).
                    float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, -1e-30f, 1e38f, -0f];
                    float value = specials[rng.NextInt(specials.Length)];
                    var b = (byte[])original.Clone();
                    int slots = (b.Length - 8 - headerLength) / 4, slot = rng.NextInt(slots);
                    BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(8 + headerLength + 4 * slot), value);
                    yield return new FuzzInput(index, $"{prefix}float {slot} of {slots} := {value}", b);
                    break;
                }
            }
        }
    }

    private static (string Seed, string File) Target(FuzzInput input)
    {
        string head = input.Mutation[..input.Mutation.IndexOf(": ", StringComparison.Ordinal)];
        return (head[..head.IndexOf('/')], head[(head.IndexOf('/') + 1)..]);
    }

    private void Prepare(FuzzInput input)
    {
        var (seed, file) = Target(input);
        Directory.CreateDirectory(_checkpoint);
        foreach (var (name, bytes) in _seeds[seed]) File.WriteAllBytes(Path.Combine(_checkpoint, name), name == file ? input.Bytes : bytes);
    }

    private sealed record Restored(Trainer Trainer, Checkpoint.State State);

    private Restored Restore(FuzzInput input)
    {
        var trainer = new Trainer(new Vae(TestData.SmallVae(seed: 99)), Options);
        return new Restored(trainer, Checkpoint.Restore(_checkpoint, trainer, Data));
    }

    private string? Consistent(FuzzInput input, Restored restored)
    {
        var (trainer, state) = restored;
        var t = state.Trainer;
        if (trainer.Step != t.Step || trainer.EpochsCompleted != t.EpochsCompleted) return "the trainer is not where state.json says";
        if (trainer.Optimizer.StepCount != t.Step - t.SkippedBatches) return $"Adam is at step {trainer.Optimizer.StepCount}, the trainer at {t.Step} ({t.SkippedBatches} skipped)";
        if (state.Epochs.Count != t.EpochsCompleted) return $"{state.Epochs.Count} epochs reported, {t.EpochsCompleted} completed";
        if (state.Epochs.Select((e, i) => e.Epoch != i + 1).Any(b => b)) return "epochs out of order";
        if (!double.IsFinite(state.TrainingSeconds) || state.TrainingSeconds < 0) return $"training_seconds {state.TrainingSeconds}";

        var weights = SafeTensorsFile.Read(Path.Combine(_checkpoint, ModelFile));
        foreach (var (name, tensor) in trainer.Model.StateDict())
        {
            var values = tensor.ToArray();
            if (!values.AsSpan().SequenceEqual(weights[name].Data)) return $"'{name}' is not the file's";
            if (values.Any(v => !float.IsFinite(v))) return $"'{name}' holds a non-finite weight";
        }
        foreach (var (name, values) in trainer.Optimizer.StateDict())
        {
            if (values.Any(v => !float.IsFinite(v))) return $"Adam's '{name}' holds a non-finite value";
            if (name == "exp_avg_sq" && values.Any(v => v < 0)) return "Adam's exp_avg_sq holds a negative value";
        }

        // And training goes on: one more step (or the rest of the epoch) runs.
        try
        {
            trainer.ContinueEpoch(trainer.EpochsCompleted + 1, Data, null, stop: () => true);
        }
        catch (TrainingDivergedException)
        {
            // Finite weights can still be large enough to overflow the loss: the run stops with its diagnosis, as it should.
        }
        return null;
    }

    [Fact]
    public void Fuzz_OneMutatedFileOfThree_RestoresConsistently_OrFailsNamingThatFile()
    {
        var campaign = new FuzzCampaign<Restored>
        {
            Loader = "Checkpoint.Restore",
            Seed = Seed,
            Prepare = Prepare,
            Load = Restore,
            Source = input => Path.Combine(_checkpoint, Target(input).File),
            IsTypedError = e => e is FileFormatException,
            Check = Consistent,
            // Three files read and parsed, a small model and Adam built: a few MiB at most, whatever the files claim.
            AllocationBound = input => (4 << 20) + 64L * input.Bytes.Length,
            Budget = TimeSpan.FromSeconds(40),
        };
        var result = campaign.Run(Inputs(Seed));
        result.AssertClean(_output, InputCount);
        Assert.True(result.Loaded > 100, "too few mutations keep a loadable checkpoint: the checks on restored runs test little");
    }

    [Theory]
    [InlineData("step-negative.state.json", "epoch-end", "trainer.step -8: expected a count ≥ 0")]
    [InlineData("step-2147483648.state.json", "mid-epoch", "trainer: Trainer state: step 2147483648, epoch 1, epoch step 2")]
    [InlineData("partial-terms-short.state.json", "mid-epoch", "trainer: 1 saved term sums for 2 terms")]
    [InlineData("partial-terms-missing.state.json", "mid-epoch", "invalid checkpoint state")]
    [InlineData("shuffle-empty.state.json", "epoch-end", "trainer.shuffle {counter 0, used 0, has_spare False, spare_normal 0}: no generator can be there")]
    [InlineData("epoch-report-missing.state.json", "epoch-end", "epochs: 1 reports, but trainer.epochs_completed is 2")]
    [InlineData("epoch-report-null.state.json", "epoch-end", "epochs[1]")]
    [InlineData("epochs-out-of-order.state.json", "mid-epoch", "invalid checkpoint state at $.epochs[0]")]
    [InlineData("weight-infinite.model.safetensors", "epoch-end", "is Infinity; a model's weights are finite numbers")]
    [InlineData("shapes-swapped.model.safetensors", "mid-epoch", "'fc_mu.weight' has shape [16, 8], expected [3, 8]")]
    [InlineData("tensor-missing.model.safetensors", "epoch-end", "missing entries encoder.0.weight")]
    [InlineData("adam-nan.optimizer.safetensors", "mid-epoch", "'exp_avg_sq' value 101 is NaN; expected a finite number ≥ 0")]
    [InlineData("adam-negative-second-moment.optimizer.safetensors", "epoch-end", "'exp_avg_sq' value 210 is -1E-30; expected a finite number ≥ 0")]
    public void Fixture_FoundByFuzzing_IsRefused_NamingFileAndField(string fixture, string seed, string problem)
    {
        string fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", "checkpoint");
        string file = fixture[(fixture.IndexOf('.') + 1)..];
        Directory.CreateDirectory(_checkpoint);
        foreach (string name in new[] { StateFile, ModelFile, OptimizerFile })
            File.Copy(Path.Combine(fixtures, name == file ? fixture : Path.Combine($"seed-{seed}", name)), Path.Combine(_checkpoint, name), overwrite: true);
        var trainer = new Trainer(new Vae(TestData.SmallVae(seed: 99)), Options);
        var e = Assert.Throws<FileFormatException>(() => Checkpoint.Restore(_checkpoint, trainer, Data));
        Assert.Equal(Path.Combine(_checkpoint, file), e.FilePath);
        Assert.Contains(problem, e.Problem);
    }

    [Theory]
    [InlineData("mid-epoch")]
    [InlineData("epoch-end")]
    public void FixtureSeeds_Restore(string seed)
    {
        // Each refusal above is the mutation's doing only if the checkpoint it was made from restores.
        string folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", "checkpoint", $"seed-{seed}");
        var trainer = new Trainer(new Vae(TestData.SmallVae(seed: 99)), Options);
        var state = Checkpoint.Restore(folder, trainer, Data);
        Assert.Equal(seed == "mid-epoch" ? 6 : 8, trainer.Step);
        Assert.Equal(state.Trainer.EpochsCompleted, state.Epochs.Count);
    }
}
