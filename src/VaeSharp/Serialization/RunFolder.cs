using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Nn;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Serialization;

/// <summary>
/// A run is a folder (DESIGN.md): <c>config.json</c>, <c>model.safetensors</c> (PyTorch state_dict
/// names), <c>metrics.csv</c> (one row per epoch), <c>loss.png</c> (its curves) and image grids. Every file is written to a temporary
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
    /// <summary>loss.png</summary>
    public const string LossChartFile = "loss.png";

    private readonly List<EpochReport> _metrics = [];

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
        AtomicFile.Write(File(ConfigFile), s => JsonSerializer.Serialize(s, config, ConfigJson.Options));

    /// <summary>Writes model.safetensors with the model's state dict.</summary>
    public void SaveModel(Module model) => ModelIO.Save(model, File(ModelFile));

    /// <summary>Appends an epoch's figures and rewrites metrics.csv: epoch, loss, one <c>{term}_loss</c> column per training term,
    /// one column per statistic of the family (<see cref="IEpochStatistics"/>, named as it is),
    /// test_loss and <c>test_{term}_loss</c> per test term, seconds, examples_per_second.</summary>
    public void AppendMetrics(EpochReport m)
    {
        _metrics.Add(m);
        var first = _metrics[0];
        var testNames = first.Test?.Terms.Select(t => t.Name).ToArray() ?? [];
        var header = new List<string> { "epoch", "loss" };
        header.AddRange(first.Terms.Select(t => LossTermLabels.Column(t.Name)));
        header.AddRange(first.Statistics.Select(s => s.Name));
        header.Add("test_loss");
        header.AddRange(testNames.Select(n => "test_" + LossTermLabels.Column(n)));
        header.AddRange(["seconds", "examples_per_second"]);
        var sb = new StringBuilder(string.Join(',', header)).Append('\n');
        foreach (var r in _metrics)
        {
            var row = new List<double> { r.Epoch, r.Loss };
            row.AddRange(r.Terms.Select(t => t.Value));
            row.AddRange(r.Statistics.Select(s => s.Value));
            row.Add(r.TestLoss);
            row.AddRange(testNames.Select(n => r.Test is null ? double.NaN : r.Test[n]));
            row.AddRange([r.Seconds, r.ExamplesPerSecond]);
            sb.AppendLine(string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        AtomicFile.Write(File(MetricsFile), s => s.Write(bytes));
    }

    /// <summary>Removes a previous run's files (config, model, metrics, loss chart, image grids, checkpoints, code prior), so a new run
    /// leaves none of them behind; other files stay.</summary>
    public void ClearRun()
    {
        string[] patterns = [ConfigFile, ModelFile, MetricsFile, LossChartFile, "reconstruction_*.png", "sample_*.png", "latent_grid.png", "latent_scatter.png", "explorer_*.json", ".*.tmp"];
        foreach (var pattern in patterns)
            foreach (var file in Directory.EnumerateFiles(Path, pattern)) System.IO.File.Delete(file);
        foreach (var dir in Directory.EnumerateDirectories(Path, Training.Checkpoint.FolderName + "*")) Directory.Delete(dir, recursive: true);
        if (Directory.Exists(PriorFolder.PathOf(Path))) Directory.Delete(PriorFolder.PathOf(Path), recursive: true);   // a prior of the codes of the model being replaced
        _metrics.Clear();
    }

    /// <summary>Takes back the epochs a resumed run had already reported, so metrics.csv goes on from them.</summary>
    public void RestoreMetrics(IEnumerable<EpochReport> epochs)
    {
        _metrics.Clear();
        _metrics.AddRange(epochs);
    }

    /// <summary>Writes loss.png: the loss curves of <paramref name="epochs"/> (<see cref="Charts.Loss"/>).</summary>
    /// <param name="epochs">The epochs so far, at least one.</param>
    /// <param name="title">The chart's title, or null.</param>
    public void SaveLossChart(IReadOnlyList<EpochReport> epochs, string? title = null)
    {
        using var chart = Charts.Loss(epochs, title);
        chart.SavePng(File(LossChartFile));
    }

    /// <summary>Writes a grid of images (values in [0, 1], NCHW) as PNG.</summary>
    public void SaveGrid(string fileName, ReadOnlySpan<float> images, int count, int[] exampleShape, int columns) =>
        ImageGrid.SaveExamples(File(fileName), images, count, exampleShape, columns);

    /// <summary>The full path of <paramref name="name"/> in this folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Reads config.json and model.safetensors of the run at <paramref name="path"/>; a VQ-VAE run's code prior
    /// (<c>RUN/prior/</c>, <see cref="PriorFolder"/>) too, attached as its <see cref="VqVae.CodePrior"/>, unless <paramref name="loadPrior"/> is false.</summary>
    /// <exception cref="FileFormatException">A file is missing or malformed; the message names it and the problem.</exception>
    public static (RunConfig Config, LatentVariableModel Model) Load(string path, bool loadPrior = true)
    {
        if (!Directory.Exists(path)) throw new FileFormatException(path, "run folder not found");
        var config = ReadConfig(System.IO.Path.Combine(path, ConfigFile));
        var model = ModelFamilies.Create(config.Model);
        string modelFile = System.IO.Path.Combine(path, ModelFile);
        ModelIO.Load(model, modelFile);   // refuses non-finite weights, naming the tensor
        if (loadPrior && model is VqVae vq && PriorFolder.Exists(path))
            vq.CodePrior = PriorFolder.LoadFor(path, vq.CodebookSize, vq.GridHeight, vq.GridWidth).Prior;
        return (config, model);
    }

    /// <summary>Reads and validates a config.json of format 1 or 2 (format 1 is upgraded in memory; the file is not changed).</summary>
    /// <exception cref="FileFormatException">Missing, malformed, of an unknown format or family, or with a value out of range.</exception>
    public static RunConfig ReadConfig(string file)
    {
        if (!System.IO.File.Exists(file)) throw new FileFormatException(file, "file not found (is this a run folder written by 'vae train'?)");
        var root = LegacyConfig.Parse(System.IO.File.ReadAllBytes(file), file);
        int version = 1;
        if (root["format_version"] is JsonNode versionNode && !(versionNode is JsonValue v && v.TryGetValue(out version)))
            throw new FileFormatException(file, $"format_version {versionNode.ToJsonString()}: expected an integer (1 or {RunConfig.CurrentFormatVersion}).");
        if (version == 1) root = LegacyConfig.Upgrade(root, file);
        else if (version != RunConfig.CurrentFormatVersion)
            throw new FileFormatException(file, $"format_version {version}: this VaeSharp reads formats 1 and {RunConfig.CurrentFormatVersion}; a newer VaeSharp wrote it.");
        foreach (var part in new[] { "model", "training" })
            if (root[part] is not JsonObject)
                throw new FileFormatException(file, $"{part}: missing or not an object (a run's config.json has 'model' and 'training' parts).");
        var model = (JsonObject)root["model"]!;
        if (model["family"] is not JsonValue f || !f.TryGetValue(out string? family))
            throw new FileFormatException(file, $"model.family: missing; expected one of {string.Join(", ", ModelFamilies.Names)}.");
        if (!ModelFamilies.Names.Contains(family))
            throw new FileFormatException(file, $"model.family '{family}': expected one of {string.Join(", ", ModelFamilies.Names)}.");
        RunConfig? config;
        try
        {
            config = root.Deserialize<RunConfig>(ConfigJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            string at = e is JsonException { Path: string path } ? $" at {path.TrimStart('$', '.')}" : "";
            throw new FileFormatException(file, $"invalid configuration{at}: {e.Message}", e);
        }
        if (config is null) throw new FileFormatException(file, "empty configuration");
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FileFormatException(file, e.Message, e);
        }
        return config;
    }
}
