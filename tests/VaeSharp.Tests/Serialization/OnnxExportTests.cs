using Microsoft.ML.OnnxRuntime;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Serialization;
using VaeSharp.Training;
using Xunit.Abstractions;
using OrtRunOptions = Microsoft.ML.OnnxRuntime.RunOptions;

namespace VaeSharp.Tests.Serialization;

// The ONNX files are checked by their consumer: ONNX Runtime loads each exported model and its outputs are compared with
// VaeSharp's own (Encode(batch).Mean / LogVar, DecodeMean(z)) on 1,000 examples. Tolerance: max |difference| ≤ 1e-5
// (float32 sums in another order; the figures are printed).
public sealed class OnnxExportTests(ITestOutputHelper output) : IDisposable
{
    private const float Tolerance = 1e-5f;
    private const int Examples = 1000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vaesharp-onnx-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Mlp_OnMnist_MatchesVaeSharp()
    {
        var (train, test) = DatasetCatalog.Load("mnist");
        var model = Trained(new Vae(new VaeConfig()), train.Take(5000));            // 784-400-20-400-784, Bernoulli
        AssertMatches("mlp 784-400-20 (mnist)", model, test.Take(Examples));
    }

    [Fact]
    public void ConvWithBatchNorm_AfterTraining_MatchesVaeSharp()
    {
        var (train, test) = DatasetCatalog.Load("mnist");
        var network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [8, 16], Hidden = [64], BatchNorm = true };
        var model = Trained(new Vae(new VaeConfig { Network = network, LatentDim = 8 }), train.Take(2000));
        var norms = model.StateDict().Where(e => e.Name.EndsWith(".running_var", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, norms.Count);   // two in the encoder, two in the decoder
        foreach (var (name, runningVar) in norms)
            Assert.True(runningVar.ToArray().Max(v => Math.Abs(v - 1f)) > 1e-2f, $"{name} is still at its initial value: the test would not see the running statistics");
        AssertMatches("conv 8,16 + batch norm (mnist, trained)", model, test.Take(Examples));
    }

    [Fact]
    public void Conditional_OnMnist_MatchesVaeSharp()
    {
        var (train, test) = DatasetCatalog.Load("mnist");
        var model = Trained(new ConditionalVae(new ConditionalVaeConfig { ClassCount = 10, Network = new NetworkConfig { Hidden = [128] }, LatentDim = 4 }), train.Take(5000));
        AssertMatches("cvae mlp 784+10-128-4 (mnist)", model, test.Take(Examples));
    }

    [Fact]
    public void ConditionalConv_WithBatchNormAndGaussianLikelihood_MatchesVaeSharp()
    {
        var data = Synthetic(Examples, classes: 3);
        var network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [4, 8], Hidden = [16], BatchNorm = true, KernelSize = 4 };
        var model = Trained(new ConditionalVae(new ConditionalVaeConfig
        {
            InputShape = [1, 8, 8], ClassCount = 3, LatentDim = 3, Network = network, Likelihood = LikelihoodKind.GaussianLearned,
        }), data);
        AssertMatches("cvae conv 4,8 k4 + batch norm, gaussian-learned (synthetic)", model, data);
    }

    [Theory]
    [InlineData(HiddenActivation.Relu)]
    [InlineData(HiddenActivation.Tanh)]
    [InlineData(HiddenActivation.Sigmoid)]
    [InlineData(HiddenActivation.LeakyRelu)]
    [InlineData(HiddenActivation.Elu)]
    [InlineData(HiddenActivation.Gelu)]
    [InlineData(HiddenActivation.Silu)]
    [InlineData(HiddenActivation.Softplus)]
    public void EveryActivation_InDenseAndConvLayers_MatchesVaeSharp(HiddenActivation activation)
    {
        // The conv body runs each activation as its own layer after a convolution, and in the dense stacks either fused
        // into the Linear (relu, tanh, sigmoid) or as a layer after it (the others).
        var network = new NetworkConfig { Body = NetworkBody.Conv, Channels = [4, 8], Hidden = [16, 12], Activation = activation };
        var model = new Vae(new VaeConfig { InputShape = [1, 8, 8], LatentDim = 3, Network = network, Seed = 11 });
        AssertMatches($"conv 4,8 + dense 16,12, {activation}", model, Synthetic(Examples, classes: 0));
    }

    [Fact]
    public void EveryActivation_IsCoveredAbove() =>
        Assert.Equal(Enum.GetValues<HiddenActivation>().Length, typeof(OnnxExportTests).GetMethod(nameof(EveryActivation_InDenseAndConvLayers_MatchesVaeSharp))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Length);

    [Fact]
    public void EveryRegisteredFamily_Exports_AndMatchesVaeSharp_OrIsRefusedByName()
    {
        var data = Synthetic(Examples, classes: 3);
        var settings = new ModelSettings([1, 8, 8], ClassCount: 3, LatentDim: 2, new NetworkConfig { Hidden = [10] }, LikelihoodKind.Bernoulli, 0.1f, Beta: 1f, Seed: 5);
        int exported = 0;
        foreach (var family in ModelFamilies.All)
        {
            // The hierarchical families take one hidden width per stochastic layer.
            var model = ModelFamilies.Create(family.Configure(typeof(HierarchicalConfig).IsAssignableFrom(family.ConfigType)
                ? settings with { LatentSizes = [2, 1], Network = new NetworkConfig { Hidden = [10, 6] } } : settings));
            Assert.Equal(family.Name, model.Family);
            if (model is IEncoderDecoderModel)
            {
                AssertMatches($"family {family.Name}", model, data);
                exported++;
            }
            else
            {
                // A family wired otherwise (the VQ-VAE's codebook) is refused, naming the model, before anything is written.
                string folder = Path.Combine(_folder, family.Name);
                var e = Assert.Throws<NotSupportedException>(() => OnnxExport.Export(model, folder));
                Assert.Contains(model.Description, e.Message);
                Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), $"family {family.Name}: files written before the refusal");
            }
        }
        Assert.True(exported >= 2, "vae and cvae export");
    }

    [Fact]
    public void ExportRun_WritesNamedInputsAndOutputs_WithADynamicBatch_ARecentOpset_AndTheConfigInTheMetadata()
    {
        var data = Synthetic(200, classes: 3);
        string run = Path.Combine(_folder, "run");
        var (config, options) = new TrainingRequest { Family = "cvae", Hidden = [8], LatentDim = 2, Epochs = 1 }.Resolve(data, "synthetic");
        TrainingRun.Start(run, config, data, data.Take(50), options).RunToEnd();

        var files = OnnxExport.ExportRun(run);
        Assert.Equal(Path.Combine(run, "onnx", "encoder.onnx"), files.EncoderPath);
        string configText = File.ReadAllText(Path.Combine(run, RunFolder.ConfigFile));
        using var encoder = new InferenceSession(files.EncoderPath);
        using var decoder = new InferenceSession(files.DecoderPath);
        Assert.Equal(["x", "label"], encoder.InputNames);
        Assert.Equal(["mu", "logvar"], encoder.OutputNames);
        Assert.Equal(["z", "label"], decoder.InputNames);
        Assert.Equal(["mean"], decoder.OutputNames);
        Assert.Equal([-1, 1, 8, 8], encoder.InputMetadata["x"].Dimensions);
        Assert.Equal("N", encoder.InputMetadata["x"].SymbolicDimensions[0]);
        Assert.Equal(typeof(long), encoder.InputMetadata["label"].ElementType);
        Assert.Equal([-1, 2], encoder.OutputMetadata["logvar"].Dimensions);
        Assert.Equal([-1, 1, 8, 8], decoder.OutputMetadata["mean"].Dimensions);
        foreach (var session in new[] { encoder, decoder })
        {
            Assert.Equal(configText, session.ModelMetadata.CustomMetadataMap[OnnxExport.ConfigKey]);
            Assert.Equal("cvae", session.ModelMetadata.CustomMetadataMap[OnnxExport.FamilyKey]);
            Assert.Equal("VaeSharp", session.ModelMetadata.ProducerName);
        }
        foreach (string file in new[] { files.EncoderPath, files.DecoderPath })
        {
            var proto = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
            Assert.Equal(OnnxExport.Opset, Assert.Single(proto.OpsetImport).Version);
            Assert.True(OnnxExport.Opset >= 17);
            Assert.Contains(proto.Graph.Node, n => n.OpType == "OneHot");
        }

        // Any batch size runs, and the loaded run gives the same numbers.
        var (_, loaded) = RunFolder.Load(run);
        foreach (int n in new[] { 1, 7 })
        {
            var x = Tensor.Uniform(new RandomGenerator((ulong)n), 0f, 1f, n, 1, 8, 8);
            int[] labels = [.. Enumerable.Range(0, n).Select(i => i % 3)];
            var (mu, _) = RunEncoder(encoder, x, labels);
            float[] expected = Inference.Run(loaded, () => loaded.Encode(new Batch(x, labels)).Mean.ToArray());
            Assert.True(MaxAbsDifference(expected, mu) <= Tolerance, $"batch of {n}: mu differs by {MaxAbsDifference(expected, mu):E2}");
        }
    }

    [Fact]
    public void ExportRun_WithOut_WritesThere()
    {
        var data = Synthetic(100, classes: 0);
        string run = Path.Combine(_folder, "run");
        var (config, options) = new TrainingRequest { Hidden = [8], LatentDim = 2, Epochs = 1 }.Resolve(data, "synthetic");
        TrainingRun.Start(run, config, data, data.Take(20), options).RunToEnd();
        string target = Path.Combine(_folder, "elsewhere", "onnx");
        var files = OnnxExport.ExportRun(run, target);
        Assert.True(File.Exists(Path.Combine(target, "encoder.onnx")) && File.Exists(Path.Combine(target, "decoder.onnx")));
        Assert.False(Directory.Exists(Path.Combine(run, "onnx")));
        using var decoder = new InferenceSession(files.DecoderPath);
        Assert.Equal(["z"], decoder.InputNames);
    }

    [Fact]
    public void EngineLayers_WithFusedActivationsAndPlainBatchNorm_MatchTheEngine()
    {
        // Paths the networks do not take today: activations fused into Conv2d, ConvTranspose2d and Linear, batch norm
        // without γ and β, a bias-free layer, and a transposed convolution with output padding 0 and stride 3 ((5 − 1)·3 + 2 = 14).
        var rng = new RandomGenerator(8);
        var norm = new Engine.Nn.BatchNorm2d(3, eps: 1e-3f, affine: false);
        var stack = new Engine.Nn.Sequential(
            new Engine.Nn.Conv2d(2, 3, 3, rng, stride: 1, padding: 1, activation: Engine.Autograd.Activation.Relu),
            norm,
            new Engine.Nn.ConvTranspose2d(3, 2, 2, rng, stride: 3, padding: 0, outputPadding: 0, bias: false, activation: Engine.Autograd.Activation.Tanh),
            new Engine.Nn.Flatten(),
            new Engine.Nn.Linear(2 * 14 * 14, 6, rng, activation: Engine.Autograd.Activation.Sigmoid),
            new Engine.Nn.Unflatten(2, 3));
        var x = Tensor.Normal(new RandomGenerator(9), 0f, 1f, 50, 2, 5, 5);
        stack.Train();
        stack.Forward(x);                       // one training step's statistics into running_mean and running_var
        stack.Eval();
        float[] expected;
        using (Engine.Autograd.GradMode.NoGrad()) expected = stack.Forward(x).ToArray();

        var g = new OnnxGraphBuilder("layers");
        g.Output("y", OnnxLayers.Emit(g, stack, "stack", g.Input("x", Onnx.TensorProto.Types.DataType.Float, 2, 5, 5)), 2, 3);
        var proto = new Onnx.ModelProto { IrVersion = OnnxExport.IrVersion, Graph = g.Graph };
        proto.OpsetImport.Add(new Onnx.OperatorSetIdProto { Domain = "", Version = OnnxExport.Opset });
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(proto));
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [50, 2, 5, 5]);
        using var options = new OrtRunOptions();
        using var results = session.Run(options, ["x"], [input], ["y"]);
        float[] actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        float d = MaxAbsDifference(expected, actual);
        output.WriteLine($"fused conv/conv-transpose/linear, plain batch norm: max |difference| {d:E2}");
        Assert.True(d <= Tolerance, $"differs by {d:E2}");
        Assert.True(norm.RunningMean!.ToArray().Any(v => MathF.Abs(v) > 1e-3f), "batch norm's running mean did not move");
    }

    [Fact]
    public void Export_RefusesAFamilyNotBuiltFromTheSharedParts()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.Export(new UnsharedModel(), _folder));
        Assert.Contains(nameof(UnsharedModel), e.Message);
        Assert.False(Directory.Exists(_folder));
    }

    // Exports `model`, runs both files in ONNX Runtime on `data` (with labels for a conditional model) and on z ~ N(0, I),
    // and asserts that they agree with VaeSharp within the tolerance.
    private void AssertMatches(string what, LatentVariableModel model, IDataset data)
    {
        var files = OnnxExport.Export(model, Path.Combine(_folder, Guid.NewGuid().ToString("N")));
        int n = Math.Min(Examples, data.Count);
        var batch = BatchLoader.Load(data, [.. Enumerable.Range(0, n)], model.IsConditional);
        var z = Tensor.Normal(new RandomGenerator(17), 0f, 1f, n, model.LatentDim);
        var (mu, logVar, mean) = Inference.Run(model, () =>
        {
            var q = (DiagonalGaussian)model.Encode(batch);
            return (q.Mean.ToArray(), q.LogVar.ToArray(), model.DecodeMean(z, batch.Labels).ToArray());
        });

        using var encoder = new InferenceSession(files.EncoderPath);
        using var decoder = new InferenceSession(files.DecoderPath);
        var (ortMu, ortLogVar) = RunEncoder(encoder, batch.X, batch.Labels);
        float[] ortMean = RunDecoder(decoder, z, batch.Labels);

        float dMu = MaxAbsDifference(mu, ortMu), dLogVar = MaxAbsDifference(logVar, ortLogVar), dMean = MaxAbsDifference(mean, ortMean);
        output.WriteLine($"{what}: {n} examples, max |VaeSharp − ONNX Runtime|: mu {dMu:E2}, logvar {dLogVar:E2}, mean {dMean:E2} " +
            $"(values up to |mu| {mu.Max(MathF.Abs):F2}, |logvar| {logVar.Max(MathF.Abs):F2})");
        Assert.True(dMu <= Tolerance && dLogVar <= Tolerance && dMean <= Tolerance,
            $"{what}: mu differs by {dMu:E2}, logvar by {dLogVar:E2}, mean by {dMean:E2} (tolerance {Tolerance:E0})");
    }

    private static (float[] Mu, float[] LogVar) RunEncoder(InferenceSession encoder, Tensor x, int[]? labels)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [.. x.Shape.ToArray().Select(d => (long)d)]);
        var inputs = new Dictionary<string, OrtValue> { ["x"] = input };
        using var label = labels is null ? null : LabelValue(labels);
        if (label is not null) inputs["label"] = label;
        using var options = new OrtRunOptions();
        using var results = encoder.Run(options, inputs, ["mu", "logvar"]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<float>().ToArray());
    }

    private static float[] RunDecoder(InferenceSession decoder, Tensor z, int[]? labels)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(z.ToArray(), [z.Shape[0], z.Shape[1]]);
        var inputs = new Dictionary<string, OrtValue> { ["z"] = input };
        using var label = labels is null ? null : LabelValue(labels);
        if (label is not null) inputs["label"] = label;
        using var options = new OrtRunOptions();
        using var results = decoder.Run(options, inputs, ["mean"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static OrtValue LabelValue(int[] labels) => OrtValue.CreateTensorValueFromMemory(labels.Select(l => (long)l).ToArray(), [labels.Length]);

    private static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            float d = MathF.Abs(a[i] - b[i]);
            if (!(d <= max)) max = d;   // NaN propagates
        }
        return max;
    }

    private static LatentVariableModel Trained(LatentVariableModel model, IDataset train)
    {
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 1, BatchSize = 100 });
        trainer.TrainEpoch(1, train, null);
        return model;
    }

    // 8×8 blobs whose place depends on the label (or on the index when there are no classes), with noise.
    private static ByteImageDataset Synthetic(int n, int classes)
    {
        var rng = new RandomGenerator(4);
        var pixels = new byte[n * 64];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = classes > 0 ? i % classes : 0;
            int cx = 2 + (classes > 0 ? labels[i] * 2 : i % 4), cy = 2 + i % 5;
            for (int p = 0; p < 64; p++)
            {
                int dx = p % 8 - cx, dy = p / 8 - cy;
                double v = 230 * Math.Exp(-(dx * dx + dy * dy) / 4.0) + 25 * rng.NextDouble();
                pixels[i * 64 + p] = (byte)Math.Clamp(v, 0, 255);
            }
        }
        return classes > 0 ? new ByteImageDataset("synthetic", pixels, n, [1, 8, 8], labels, classes) : new ByteImageDataset("synthetic", pixels, n, [1, 8, 8]);
    }

    // A family outside the shared-parts wiring (a single linear layer as "decoder", no encoder).
    private sealed class UnsharedModel() : LatentVariableModel(TestData.SmallVae())
    {
        public override Likelihood Likelihood { get; } = new BernoulliLikelihood();
        public override Prior Prior => StandardNormal.Instance;
        public override string Description => "unshared test model";
        public override IReadOnlyList<string> LossTermNames => ["reconstruction"];
        public override LatentDistribution Encode(Batch batch) => throw new NotImplementedException();
        public override Tensor Decode(Tensor z, int[]? labels = null) => throw new NotImplementedException();
        public override ModelLoss Loss(Batch batch, LossContext context) => throw new NotImplementedException();
    }
}
