using System.Text.Json;

namespace VaeSharp.Cli.Tests;

/// <summary>A tiny conditional run (hidden 16, z = 2) on a slice of MNIST, trained once for the export tests.</summary>
public sealed class TinyCvaeRunFixture
{
    public TinyCvaeRunFixture()
    {
        Path = System.IO.Path.Combine(CliRunner.TempDir(), "cvae");
        Result = CliRunner.Run("train", "--family", "cvae", "--epochs", "1", "--train-limit", "200", "--test-limit", "50", "--hidden", "16",
            "--latent-dim", "2", "--out", Path);
    }

    public string Path { get; }

    public (int Code, string Out, string Err) Result { get; }
}

// vae export RUN --format onnx [--out DIR]: writes the two files where asked and says what their inputs are; bad input exits 2
// naming the file or option. (ONNX Runtime itself checks the files' numbers in VaeSharp.Tests' OnnxExportTests.)
public sealed class ExportCommandTests(TinyCvaeRunFixture run) : IClassFixture<TinyCvaeRunFixture>
{
    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    [Fact]
    public void Export_WritesEncoderAndDecoder_IntoRunOnnx_ByDefault()
    {
        Assert.True(run.Result.Code == 0, run.Result.Err);
        var (code, output, err) = CliRunner.Run("export", run.Path, "--format", "onnx");
        Assert.True(code == 0, err);
        string encoder = Path.Combine(run.Path, "onnx", "encoder.onnx"), decoder = Path.Combine(run.Path, "onnx", "decoder.onnx");
        Assert.Contains($"Wrote {encoder} (x, label → mu, logvar) and {decoder} (z, label → mean), ONNX opset 20", output);
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(decoder));
        Assert.Equal(["z", "label"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal("mean", Assert.Single(model.Graph.Output).Name);
        Assert.Equal(File.ReadAllText(Path.Combine(run.Path, "config.json")), model.MetadataProps.Single(p => p.Key == "config.json").Value);
    }

    [Fact]
    public void Export_WithOutAndJson_WritesThere_AndReportsThePaths()
    {
        Assert.True(run.Result.Code == 0, run.Result.Err);
        string target = Path.Combine(CliRunner.TempDir(), "deploy", "v1");
        var (code, output, err) = CliRunner.Run("export", run.Path, "--out", target, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(Path.Combine(target, "encoder.onnx"), doc.RootElement.GetProperty("encoder").GetString());
        Assert.Equal(20, doc.RootElement.GetProperty("opset").GetInt32());
        Assert.Equal(["x", "label"], doc.RootElement.GetProperty("encoder_inputs").EnumerateArray().Select(e => e.GetString()));
        Assert.True(File.Exists(Path.Combine(target, "encoder.onnx")) && File.Exists(Path.Combine(target, "decoder.onnx")));
    }

    [Fact]
    public void Export_UnknownFormat_ExitsWith2_NamingIt() =>
        AssertBadInput(CliRunner.Run("export", run.Path, "--format", "tflite"), "tflite");

    [Fact]
    public void Export_MissingRunFolder_ExitsWith2_NamingIt()
    {
        string missing = Path.Combine(CliRunner.TempDir(), "no-such-run");
        AssertBadInput(CliRunner.Run("export", missing), missing);
    }

    [Fact]
    public void Export_RunWithoutModel_ExitsWith2_NamingTheFile()
    {
        string folder = CliRunner.TempDir();
        File.Copy(Path.Combine(run.Path, "config.json"), Path.Combine(folder, "config.json"));
        AssertBadInput(CliRunner.Run("export", folder), "model.safetensors");
        Assert.False(Directory.Exists(Path.Combine(folder, "onnx")));
    }

    [Fact]
    public void Export_MalformedConfig_ExitsWith2_NamingTheFile()
    {
        string folder = CliRunner.TempDir();
        File.WriteAllText(Path.Combine(folder, "config.json"), "{ \"format_version\": 2, \"model\": ");
        AssertBadInput(CliRunner.Run("export", folder), "config.json");
    }

    [Fact]
    public void Export_OutUnderAFile_ExitsWith2_NamingThePath()
    {
        Assert.True(run.Result.Code == 0, run.Result.Err);
        string file = Path.Combine(CliRunner.TempDir(), "a-file");
        File.WriteAllText(file, "x");
        AssertBadInput(CliRunner.Run("export", run.Path, "--out", Path.Combine(file, "onnx")), "a-file");
    }
}
