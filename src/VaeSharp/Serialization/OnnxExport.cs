using Google.Protobuf;
using Onnx;
using VaeSharp.Distributions;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Nn;
using VaeSharp.Models;
using VaeSharp.Networks;
using static VaeSharp.Serialization.OnnxGraphBuilder;

namespace VaeSharp.Serialization;

/// <summary>
/// Exports a trained model as two ONNX models (opset <see cref="Opset"/>), each with a dynamic batch dimension N:
/// <code>
///   encoder.onnx   x (N, input shape) float32 [, label (N) int64]  →  mu (N, D), logvar (N, D)     q(z | x [, y])
///   decoder.onnx   z (N, D) float32 [, label (N) int64]            →  mean (N, input shape)       E[x | z [, y]]
/// </code>
/// <c>mean</c> is σ(logits) for a Bernoulli likelihood and the decoder's output for a Gaussian, as
/// <see cref="LatentVariableModel.DecodeMean"/>. Conditional models take <c>label</c> as class indices and make them one-hot
/// inside the graph (ONNX OneHot: an index outside −C..C−1 gives a zero row, a negative one counts from the end; VaeSharp
/// refuses both, so check labels before scoring). Batch norm is exported in its inference form (running statistics).
/// Each file's metadata_props carry <see cref="FamilyKey"/> and, when known, the run's config.json text under
/// <see cref="ConfigKey"/>. The protobuf is written with the ONNX types of the OnnxSharp package.
/// Families wired from the shared network parts (<see cref="IEncoderDecoderModel"/>: vae, cvae) are exported; others
/// are refused with <see cref="NotSupportedException"/>, as is any layer or likelihood without an ONNX form here.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graphs use (20: the first with Gelu).</summary>
    public const int Opset = 20;

    /// <summary>The ONNX IR version written: 9, the one that goes with opset 20 (ONNX 1.15).</summary>
    public const int IrVersion = 9;

    /// <summary>encoder.onnx</summary>
    public const string EncoderFile = "encoder.onnx";

    /// <summary>decoder.onnx</summary>
    public const string DecoderFile = "decoder.onnx";

    /// <summary>The folder inside a run that <see cref="ExportRun"/> writes by default.</summary>
    public const string DefaultFolder = "onnx";

    /// <summary>metadata_props key of the run's config.json text.</summary>
    public const string ConfigKey = "config.json";

    /// <summary>metadata_props key of the model family's registered name (vae, cvae; the model's type name if unregistered).</summary>
    public const string FamilyKey = "family";

    /// <summary>Loads the run at <paramref name="runFolder"/> and writes encoder.onnx and decoder.onnx to <paramref name="outFolder"/>
    /// (default: the run's <c>onnx</c> folder), with the run's config.json text in their metadata.</summary>
    /// <exception cref="FileFormatException">The run folder, its config.json or its model.safetensors is missing or malformed.</exception>
    /// <exception cref="IOException">The output folder cannot be created or written.</exception>
    /// <exception cref="NotSupportedException">The model has a part with no ONNX form here.</exception>
    public static OnnxExportResult ExportRun(string runFolder, string? outFolder = null)
    {
        var (_, model) = RunFolder.Load(runFolder);
        string configJson = File.ReadAllText(Path.Combine(runFolder, RunFolder.ConfigFile));
        return Export(model, outFolder ?? Path.Combine(runFolder, DefaultFolder), configJson);
    }

    /// <summary>Writes <paramref name="model"/> as encoder.onnx and decoder.onnx into <paramref name="outFolder"/> (created if needed).</summary>
    /// <param name="model">The model; its current weights and batch-norm running statistics are exported.</param>
    /// <param name="outFolder">The folder for the two files (replaced if they exist).</param>
    /// <param name="configJson">The run's config.json text for the metadata, or null to leave it out.</param>
    /// <exception cref="IOException">The output folder cannot be created or written.</exception>
    /// <exception cref="NotSupportedException">The family, a layer or the likelihood has no ONNX form here.</exception>
    public static OnnxExportResult Export(LatentVariableModel model, string outFolder, string? configJson = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outFolder);
        var encoder = Encoder(model, configJson);
        var decoder = Decoder(model, configJson);
        try
        {
            Directory.CreateDirectory(outFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the output folder '{outFolder}': {e.Message}", e);
        }
        var result = new OnnxExportResult(Path.Combine(outFolder, EncoderFile), Path.Combine(outFolder, DecoderFile),
            [.. encoder.Graph.Input.Select(i => i.Name)], [.. decoder.Graph.Input.Select(i => i.Name)]);
        AtomicFile.Write(result.EncoderPath, encoder.WriteTo);
        AtomicFile.Write(result.DecoderPath, decoder.WriteTo);
        return result;
    }

    // x [, label] → mu, logvar: [encoder_conv or Flatten] → [Concat one-hot] → encoder → fc_mu, fc_logvar.
    internal static ModelProto Encoder(LatentVariableModel model, string? configJson)
    {
        var parts = PartsOf(model);
        var g = new OnnxGraphBuilder("encoder");
        string x = g.Input("x", TensorProto.Types.DataType.Float, model.InputShape);
        var encoder = parts.Encoder;
        string features = encoder.Conv is { } conv
            ? OnnxLayers.Emit(g, conv, NameIn(encoder, conv), x)
            : g.Node("Flatten", [x], "flatten", attributes: Attribute("axis", 1L));
        if (model.IsConditional) features = g.Node("Concat", [features, OneHotLabel(g, model.ClassCount)], "encoder.concat", attributes: Attribute("axis", 1L));
        string h = OnnxLayers.Emit(g, encoder.Dense, NameIn(encoder, encoder.Dense), features);
        g.Output("mu", OnnxLayers.Emit(g, parts.Head.Mu, NameIn(parts.Head, parts.Head.Mu), h), model.LatentDim);
        g.Output("logvar", OnnxLayers.Emit(g, parts.Head.LogVar, NameIn(parts.Head, parts.Head.LogVar), h), model.LatentDim);
        return Model(g, model, configJson, $"VaeSharp {model.Description}: the encoder q(z | x{(model.IsConditional ? ", y" : "")}) = N(mu, diag exp(logvar))");
    }

    // z [, label] → mean: [Concat one-hot] → decoder → [decoder_conv] → Reshape to the input shape → E[x | z].
    internal static ModelProto Decoder(LatentVariableModel model, string? configJson)
    {
        var parts = PartsOf(model);
        var g = new OnnxGraphBuilder("decoder");
        string z = g.Input("z", TensorProto.Types.DataType.Float, model.LatentDim);
        if (model.IsConditional) z = g.Node("Concat", [z, OneHotLabel(g, model.ClassCount)], "decoder.concat", attributes: Attribute("axis", 1L));
        var decoder = parts.Decoder;
        string y = OnnxLayers.Emit(g, decoder.Dense, NameIn(decoder, decoder.Dense), z);
        if (decoder.Conv is { } conv) y = OnnxLayers.Emit(g, conv, NameIn(decoder, conv), y);
        y = OnnxLayers.Reshape(g, y, "reshape", decoder.OutputShape);
        string mean = model.Likelihood.Kind switch
        {
            LikelihoodKind.Bernoulli => g.Node("Sigmoid", [y], "likelihood.mean", "mean"),   // E[x | z] = σ(logits)
            LikelihoodKind.Gaussian or LikelihoodKind.GaussianLearned => y,                  // E[x | z] = the mean itself
            var kind => throw new NotSupportedException($"ONNX export: the {kind} likelihood's mean has no ONNX form here."),
        };
        g.Output("mean", mean, model.InputShape);
        return Model(g, model, configJson, $"VaeSharp {model.Description}: the decoder's E[x | z{(model.IsConditional ? ", y" : "")}] under p(x | z)");
    }

    // label (N) int64 → one-hot (N, C) float32, as Conditioning.OneHot makes it.
    private static string OneHotLabel(OnnxGraphBuilder g, int classCount)
    {
        string label = g.Input("label", TensorProto.Types.DataType.Int64);
        string depth = g.Int64Initializer("label.depth", classCount);
        string values = g.Initializer("label.values", [0f, 1f], [2]);
        return g.Node("OneHot", [label, depth, values], "label.one_hot", attributes: Attribute("axis", -1L));
    }

    private static IEncoderDecoderModel PartsOf(LatentVariableModel model) => model as IEncoderDecoderModel
        ?? throw new NotSupportedException($"ONNX export: {model.Description} ({model.GetType().Name}) is not built from the shared encoder, Gaussian head and decoder; it has no ONNX form here.");

    // The state-dict name under which the part registers `module` (encoder, encoder_conv, fc_mu, ...).
    private static string NameIn(NetworkPart part, Module module) => part.Modules.First(m => ReferenceEquals(m.Module, module)).Name;

    private static ModelProto Model(OnnxGraphBuilder g, LatentVariableModel model, string? configJson, string description)
    {
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "VaeSharp",
            ProducerVersion = ProducerVersion,
            DocString = description,
            Graph = g.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        string family = ModelFamilies.All.FirstOrDefault(f => f.ConfigType == model.Config.GetType())?.Name ?? model.GetType().Name;
        proto.MetadataProps.Add(new StringStringEntryProto { Key = FamilyKey, Value = family });
        if (configJson is not null) proto.MetadataProps.Add(new StringStringEntryProto { Key = ConfigKey, Value = configJson });
        return proto;
    }

    private static string ProducerVersion { get; } =
        System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(OnnxExport).Assembly)?.InformationalVersion.Split('+')[0] ?? "";
}
