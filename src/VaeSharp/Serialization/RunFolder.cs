using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeSharp.Engine.IO;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Serialization;

/// <summary>
/// A run is a folder (DESIGN.md): <c>config.json</c>, <c>model.safetensors</c> (PyTorch state_dict
/// names), <c>metrics.csv</c> (one row per epoch) and image grids. Every file is written to a temporary
/// file and renamed, so a crash never leaves half a file. Loading needs only the folder.
/// </summary>
public sealed class RunFolder
{
    /// <summary>config.json</summary>
    public const string ConfigFile = "config.json";
    /// <summary>model.safetensors</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>metrics.csv</summary>
    public const string MetricsFile = "metrics.csv";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<EpochMetrics> _metrics = [];

    private RunFolder(string path) => Path = path;

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Creates (or reuses) the folder and checks it can be written to.</summary>
    /// <exception cref="IOException">The folder cannot be created or written, with the path in the message.</exception>
    public static RunFolder Create(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            string probe = System.IO.Path.Combine(path, $".write-test-{Environment.ProcessId}");
            System.IO.File.WriteAllBytes(probe, []);
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write to output folder '{path}': {e.Message}", e);
        }
        return new RunFolder(path);
    }

    /// <summary>Writes config.json.</summary>
    public void SaveConfig(RunConfig config) =>
        AtomicFile.Write(File(ConfigFile), s => JsonSerializer.Serialize(s, config, Json));

    /// <summary>Writes model.safetensors with the model's state dict.</summary>
    public void SaveModel(Vae model) => ModelIO.Save(model, File(ModelFile));

    /// <summary>Appends an epoch's figures and rewrites metrics.csv.</summary>
    public void AppendMetrics(EpochMetrics m)
    {
        _metrics.Add(m);
        var sb = new StringBuilder("epoch,loss,reconstruction_loss,kl_loss,test_loss,test_reconstruction_loss,test_kl_loss,seconds,examples_per_second\n");
        foreach (var r in _metrics)
            sb.AppendLine(string.Join(',', new[] { r.Epoch, r.Loss, r.Reconstruction, r.Kl, r.TestLoss, r.TestReconstruction, r.TestKl, r.Seconds, r.ExamplesPerSecond }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        AtomicFile.Write(File(MetricsFile), s => s.Write(bytes));
    }

    /// <summary>Writes a grid of images (values in [0, 1], NCHW) as PNG.</summary>
    public void SaveGrid(string fileName, ReadOnlySpan<float> images, int count, int[] exampleShape, int columns) =>
        ImageGrid.SaveExamples(File(fileName), images, count, exampleShape, columns);

    /// <summary>The full path of <paramref name="name"/> in this folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Reads config.json and model.safetensors of the run at <paramref name="path"/>.</summary>
    /// <exception cref="FileFormatException">A file is missing or malformed; the message names it and the problem.</exception>
    public static (RunConfig Config, Vae Model) Load(string path)
    {
        if (!Directory.Exists(path)) throw new FileFormatException(path, "run folder not found");
        var config = ReadConfig(System.IO.Path.Combine(path, ConfigFile));
        var model = new Vae(config.Model);
        ModelIO.Load(model, System.IO.Path.Combine(path, ModelFile));
        return (config, model);
    }

    /// <summary>Reads and validates a config.json.</summary>
    public static RunConfig ReadConfig(string file)
    {
        if (!System.IO.File.Exists(file)) throw new FileFormatException(file, "file not found (is this a run folder written by 'vae train'?)");
        RunConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<RunConfig>(System.IO.File.ReadAllBytes(file), Json);
        }
        catch (JsonException e)
        {
            throw new FileFormatException(file, $"invalid JSON{(e.Path is null ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
        if (config is null) throw new FileFormatException(file, "empty configuration");
        try
        {
            config.Model.Validate();
            config.Training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FileFormatException(file, e.Message, e);
        }
        return config;
    }
}
