using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Objectives;
using VaeSharp.Serialization;
using VaeSharp.Tests.Data;
using VaeSharp.Training;
using Xunit.Abstractions;

namespace VaeSharp.Tests.Serialization;

// RunFolder.ReadConfig over mutated config.json files, format 2 (a VAE with an MLP, a conditional VAE with a conv
// body, batch norm and KL controls) and format 1 (the legacy fixtures): JSON mutations of every field — type
// confusion, numbers at their limits, NaN and ±Infinity, strings bent, arrays grown and emptied, fields removed,
// added and duplicated, nesting 10 to 100 000 deep — byte mutations of the text, truncations at every line.
// Every input loads — the configuration then validates, survives a write and a read unchanged, and builds its
// model — or ends in a FileFormatException naming the file and the field.
public sealed class RunConfigFuzzTests : IDisposable
{
    private const int InputCount = 3000;
    private const ulong Seed = 15;

    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new();
    private readonly string _file, _roundTrip;

    public RunConfigFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        _file = _folder.Combine("config.json");
        _roundTrip = _folder.Combine("again.json");
    }

    public void Dispose() => _folder.Dispose();

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-v1", name, "config.json"));

    internal static IReadOnlyList<(string Name, string Json)> Seeds() =>
    [
        ("vae-mlp", JsonSerializer.Serialize(new RunConfig { Model = new VaeConfig { Network = new NetworkConfig { Hidden = [16, 8] }, LatentDim = 4 } }, ConfigJson.Options)),
        ("cvae-conv", JsonSerializer.Serialize(new RunConfig
        {
            Model = new ConditionalVaeConfig
            {
                InputShape = [1, 8, 8], LatentDim = 2, ClassCount = 3, Beta = 2f, Likelihood = VaeSharp.Distributions.LikelihoodKind.GaussianLearned,
                Network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [2, 4], Hidden = [8], KernelSize = 3, BatchNorm = true, Activation = HiddenActivation.LeakyRelu },
            },
            Training = new TrainingOptions
            {
                Epochs = 3, BatchSize = 16, ClipGradNorm = 5f, LrSchedule = LrScheduleKind.Cosine,
                Objective = new ObjectiveOptions { KlSchedule = KlScheduleKind.Linear, KlWarmupSteps = 100, FreeBits = 0.1f },
            },
            Data = "fashion-mnist", TrainLimit = 100, TestLimit = 50, Preset = "keras-2d", EpochsCompleted = 2,
        }, ConfigJson.Options)),
        ("legacy-mlp", Fixture("mlp")),
        ("legacy-cvae-conv", Fixture("cvae-conv")),
    ];

    // Every field name in the seeds, for checking that a refusal names one.
    private static readonly HashSet<string> FieldNames = CollectNames();

    private static HashSet<string> CollectNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "format_version", "family", "JSON", "configuration" };
        void Walk(JsonNode? node)
        {
            if (node is JsonObject o) foreach (var (k, v) in o) { names.Add(k); Walk(v); }
            else if (node is JsonArray a) foreach (var v in a) Walk(v);
        }
        foreach (var (_, json) in Seeds()) Walk(JsonNode.Parse(json));
        return names;
    }

    private static IEnumerable<FuzzInput> Inputs(ulong seed)
    {
        var seeds = Seeds();
        var rng = new RandomGenerator(seed);
        var json = new JsonMutator(rng);
        var bytes = new ByteMutator(rng);
        var byteSeeds = seeds.Select(s =>
        {
            byte[] b = Encoding.UTF8.GetBytes(s.Json);
            var lines = new List<(int, string)>();
            for (int i = 0; i < b.Length; i++)
                if (i == 0 || b[i - 1] == '\n') lines.Add((i, $"line {lines.Count + 1}"));
            return new FuzzSeed(s.Name, b, lines, []);
        }).ToList();
        int index = 0;
        foreach (var s in byteSeeds)
            foreach (var (m, b) in ByteMutator.BoundaryTruncations(s)) yield return new FuzzInput(index++, m, b);
        while (index < InputCount)
        {
            int pick = rng.NextInt(seeds.Count);
            int kind = rng.NextInt(10);
            if (kind == 0)
            {
                var (m, b) = bytes.Mutate(byteSeeds[pick]);
                yield return new FuzzInput(index++, m, b);
                continue;
            }
            var (mutation, text) = json.Mutate(seeds[pick].Json);
            if (kind == 1 && IsObject(text))
            {
                var (second, twice) = json.Mutate(text);
                (mutation, text) = ($"{mutation}; {second}", twice);
            }
            yield return new FuzzInput(index++, $"{seeds[pick].Name}: {mutation}", Encoding.UTF8.GetBytes(text));
        }
    }

    private static bool IsObject(string text)
    {
        try { return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject; }
        catch (JsonException) { return false; }
    }

    private string? Consistent(FuzzInput input, RunConfig config)
    {
        config.Validate();
        long inputSize = config.Model.InputShape.Aggregate(1L, (a, b) => a * b);
        if (inputSize != config.Model.InputSize) return $"input_size {config.Model.InputSize} but input_shape [{string.Join(", ", config.Model.InputShape)}]";

        string written = JsonSerializer.Serialize(config, ConfigJson.Options);
        File.WriteAllText(_roundTrip, written);
        string again = JsonSerializer.Serialize(RunFolder.ReadConfig(_roundTrip), ConfigJson.Options);
        if (again != written) return "a write and a read change it";

        // The size check's count, against the model itself: weights ≤ parameters ≤ weights + a bias per weight + batch norm + σ.
        var m = config.Model;
        long weights = m.Network.WeightCount(m.InputShape, m.LatentDim, m is ConditionalVaeConfig c ? c.ClassCount : 0);
        if (weights > ModelConfig.MaxWeights) return $"{weights} weights, more than {ModelConfig.MaxWeights}";
        if (weights <= 1 << 18)
        {
            var model = ModelFamilies.Create(m);
            if (model.LatentDim != m.LatentDim || !model.InputShape.SequenceEqual(m.InputShape)) return "the model built has other shapes";
            long parameters = model.ParameterCount();
            if (parameters < weights || parameters > 3 * weights + 64) return $"the model has {parameters} parameters; the size check counted {weights} weights";
        }
        else
        {
            LargeNotBuilt++;
        }
        return null;
    }

    private int LargeNotBuilt { get; set; }

    [Fact]
    public void Fuzz_MutatedConfigJson_LoadsConsistently_OrFailsNamingFileAndField()
    {
        var campaign = new FuzzCampaign<RunConfig>
        {
            Loader = "RunFolder.ReadConfig",
            Seed = Seed,
            Prepare = input => File.WriteAllBytes(_file, input.Bytes),
            Load = _ => RunFolder.ReadConfig(_file),
            Source = _ => _file,
            IsTypedError = e => e is FileFormatException,
            Check = Consistent,
            CheckMessage = (_, e) => FieldNames.Any(f => e.Problem.Contains(f, StringComparison.Ordinal)) ? null : "names no field",
            // The text is read whole and parsed into a JsonNode tree, then deserialized: a few dozen times its size.
            AllocationBound = input => (512 << 10) + 128L * input.Bytes.Length,
            Budget = TimeSpan.FromSeconds(40),
        };
        var result = campaign.Run(Inputs(Seed));
        _output.WriteLine($"  {LargeNotBuilt} loaded configs have more than 2^18 weights (at most {ModelConfig.MaxWeights}) and were not built");
        result.AssertClean(_output, InputCount);
        Assert.True(result.Loaded > 200, "too few mutations keep a loadable config: the checks on loaded configs test little");
    }

    [Theory]
    [InlineData("config-duplicate-key.json", "Duplicate property 'input_shape'")]
    [InlineData("config-legacy-duplicate-key.json", "Duplicate property 'beta'")]
    [InlineData("config-invalid-utf8.json", "not UTF-8 text (an invalid byte sequence at byte 439)")]
    [InlineData("config-lone-surrogate-value.json", "data: the string is not valid text")]
    [InlineData("config-lone-surrogate-key.json", "a key is not valid text")]
    [InlineData("config-hidden-2147483647.json", "network.hidden [2147483647], network.channels [2, 4], latent_dim 2: the model would have")]
    [InlineData("config-channels-2147483647.json", "network.hidden [8], network.channels [2147483647, 8], latent_dim 2: the model would have")]
    [InlineData("config-channels-10000.json", "network.hidden [8], network.channels [10000, 8], latent_dim 2: the model would have 901")]
    [InlineData("config-input-shape-overflow.json", "input_shape [2147483647, 28, 28]: more than 16777216 values per example")]
    [InlineData("config-conv-32-layers.json", "network.channels [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]: 32 stride-2 layers")]
    [InlineData("config-data-empty.json", "data: missing")]
    [InlineData("config-epochs-completed-negative.json", "epochs_completed -1: expected an integer ≥ 0")]
    public void Fixture_FoundByFuzzing_IsRefused_NamingFileAndField(string name, string problem)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", name);
        // Once untimed: the serializer's one-time metadata for every registered family (it grows with the families)
        // is not what the bound is about; reading this input again must stay under it.
        Assert.Throws<FileFormatException>(() => RunFolder.ReadConfig(path));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FileFormatException>(() => RunFolder.ReadConfig(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "reading the config allocated more than 1 MiB");
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Problem);
    }
}
