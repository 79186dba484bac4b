// Decode throughput of one run's model, VaeSharp's own DecodeMean against ONNX Runtime on the exported decoder.onnx,
// on the same threads and the same z ~ N(0, I) batches (docs/deploy.md). A file-based app:
//   dotnet run bench/onnx/DecodeThroughput.cs -- RUN [--threads 2] [--batch 1,128] [--seconds 3]
// It exports RUN to a temporary folder, checks that both agree (max |difference|), then for each batch size warms each
// side up for one interval (time-based: tiered compilation) and counts examples decoded in the next.
#:package Microsoft.ML.OnnxRuntime@1.31.1
#:project ../../src/VaeSharp/VaeSharp.csproj
#:property PublishAot=false

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeSharp.Engine;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Serialization;

if (args.Length < 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: dotnet run bench/onnx/DecodeThroughput.cs -- RUN [--threads N] [--batch 1,128] [--seconds S]");
    return 2;
}
string runFolder = args[0];
int threads = Option("--threads", 2);
double seconds = Option("--seconds", 3.0);
int[] batches = [.. (OptionText("--batch") ?? "1,128").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

EngineSettings.Threads = threads;
var (config, model) = RunFolder.Load(runFolder);
if (model.IsConditional) throw new NotSupportedException("this measurement decodes unconditional models only");
string folder = Path.Combine(Path.GetTempPath(), "vaesharp-decode-" + Guid.NewGuid().ToString("N"));
var files = OnnxExport.ExportRun(runFolder, folder);
using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
using var decoder = new InferenceSession(files.DecoderPath, sessionOptions);
using var runOptions = new RunOptions();

Console.WriteLine($"{runFolder}: {model.Description}, {model.Config.Network.Body.ToString().ToLowerInvariant()} body, latent {model.LatentDim}, " +
    $"{model.ParameterCount():N0} parameters; {threads} threads (VaeSharp kernels, ORT intra-op); {Environment.ProcessorCount} logical CPUs; {seconds} s per measurement");
Console.WriteLine($"{"batch",6} {"VaeSharp ex/s",14} {"ORT ex/s",12} {"ORT/VaeSharp",13} {"max |diff|",11}");
foreach (int batch in batches)
{
    var z = Tensor.Normal(new RandomGenerator(1), 0f, 1f, batch, model.LatentDim);
    float[] zData = z.ToArray();
    using var zValue = OrtValue.CreateTensorValueFromMemory(zData, [batch, model.LatentDim]);
    float[] ours = Inference.Run(model, () => VaeSharpDecode());
    float[] theirs = OrtDecode();
    float diff = ours.Zip(theirs, (a, b) => MathF.Abs(a - b)).Max();

    double vaeSharp = Throughput(() => VaeSharpDecode(), batch);
    double ort = Throughput(() => OrtDecode(), batch);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch,6} {vaeSharp,14:N0} {ort,12:N0} {ort / vaeSharp,12:F2}x {diff,11:E1}"));

    float[] VaeSharpDecode() => Inference.Run(model, () =>
    {
        using (TensorScope.Begin()) return model.DecodeMean(z).ToArray();
    });

    float[] OrtDecode()
    {
        using var outputs = decoder.Run(runOptions, ["z"], [zValue], ["mean"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
Directory.Delete(folder, recursive: true);
return 0;

// Examples per second over `seconds` after a warm-up of the same length.
double Throughput(Func<float[]> decode, int batch)
{
    for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < seconds;) decode();
    long examples = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        decode();
        examples += batch;
    }
    return examples / clock.Elapsed.TotalSeconds;
}

string? OptionText(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

T Option<T>(string name, T fallback) where T : IParsable<T> =>
    OptionText(name) is { } text ? T.Parse(text, CultureInfo.InvariantCulture) : fallback;
