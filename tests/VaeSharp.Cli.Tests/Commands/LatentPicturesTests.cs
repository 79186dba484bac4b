using System.Text.Json;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

/// <summary>A tiny Keras-example model (conv 32/64 → 16 → z = 2), trained once for the tests of this class on a slice of real MNIST.</summary>
public sealed class KerasRunFixture
{
    public KerasRunFixture()
    {
        Path = System.IO.Path.Combine(CliRunner.TempDir(), "keras2d");
        Result = CliRunner.Run("train", "--preset", "keras-2d", "--epochs", "1", "--train-limit", "1000", "--test-limit", "200",
            "--threads", "2", "--out", Path);
        // Read now: a test below rewrites latent_grid.png with the verb's default --out.
        if (Result.Code == 0)
        {
            Grid = ImageCodec.Read(System.IO.Path.Combine(Path, "latent_grid.png"));
            Scatter = ImageCodec.Read(System.IO.Path.Combine(Path, "latent_scatter.png"));
        }
    }

    /// <summary>The latent_grid.png that training wrote.</summary>
    public Image8? Grid { get; }

    /// <summary>The latent_scatter.png that training wrote.</summary>
    public Image8? Scatter { get; }

    public string Path { get; }

    public (int Code, string Out, string Err) Result { get; }
}

// vae latent-grid and vae embed on a trained keras-2d run; train --preset keras-2d writes both pictures itself.
public sealed class LatentPicturesTests(KerasRunFixture run) : IClassFixture<KerasRunFixture>
{
    private string Run => run.Path;

    private string Out(string name) => Path.Combine(CliRunner.TempDir(), name);

    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    [Fact]
    public void TrainKeras2d_WritesTheLatentGridAndScatterPlot()
    {
        Assert.True(run.Result.Code == 0, run.Result.Err);
        Assert.Contains("latent_grid.png and latent_scatter.png", run.Result.Out);
        var grid = run.Grid!;
        Assert.Equal((840, 840, 1), (grid.Width, grid.Height, grid.Channels));
        var scatter = run.Scatter!;
        Assert.Equal((960, 800, 3), (scatter.Width, scatter.Height, scatter.Channels));
        // The 200 test digits include every class, so each digit's tab10 colour is in the picture.
        var colours = new HashSet<(byte, byte, byte)>();
        for (int i = 0; i < scatter.Pixels.Length; i += 3) colours.Add((scatter.Pixels[i], scatter.Pixels[i + 1], scatter.Pixels[i + 2]));
        for (int digit = 0; digit < 10; digit++) Assert.Contains(Charts.ClassColor(digit), colours);
    }

    [Fact]
    public void LatentGrid_WritesAnNByNGridOfDigits()
    {
        string file = Out("grid.png");
        var (code, output, err) = CliRunner.Run("latent-grid", Run, "--n", "5", "--range", "2", "--out", file, "--json");
        Assert.True(code == 0, err);
        var image = ImageCodec.Read(file);
        Assert.Equal((140, 140, 1), (image.Width, image.Height, image.Channels));
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(140, doc.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(5, doc.RootElement.GetProperty("n").GetInt32());

        var (defaultCode, text, defaultErr) = CliRunner.Run("latent-grid", Run, "--n", "3");
        Assert.True(defaultCode == 0, defaultErr);
        Assert.Contains("latent_grid.png", text);
        Assert.Equal(84, ImageCodec.Read(Path.Combine(Run, "latent_grid.png")).Width);
    }

    [Fact]
    public void Embed_WritesTheScatterPlotAndCsv()
    {
        string file = Out("scatter.png"), csv = Out("z.csv");
        var (code, output, err) = CliRunner.Run("embed", Run, "--limit", "150", "--out", file, "--csv", csv, "--json");
        Assert.True(code == 0, err);
        var image = ImageCodec.Read(file);
        Assert.Equal((960, 800, 3), (image.Width, image.Height, image.Channels));
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(150, doc.RootElement.GetProperty("examples").GetInt32());
        var lines = File.ReadAllLines(csv);
        Assert.Equal(151, lines.Length);
        Assert.Equal("index,label,z0,z1", lines[0]);
        Assert.Equal(4, lines[1].Split(',').Length);
    }

    [Theory]
    [InlineData("--n", "1", "--n")]
    [InlineData("--n", "500", "--n")]
    [InlineData("--n", "many", "many")]
    [InlineData("--range", "0", "--range")]
    [InlineData("--range", "-1", "--range")]
    [InlineData("--dims", "0,0", "--dims")]
    [InlineData("--dims", "0,2", "--dims")]
    [InlineData("--dims", "1", "--dims")]
    [InlineData("--label", "3", "--label")]
    [InlineData("--threads", "0", "--threads")]
    public void LatentGrid_BadOptions_ExitWith2(string option, string value, string mention) =>
        AssertBadInput(CliRunner.Run("latent-grid", Run, option, value, "--out", Out("g.png")), mention);

    [Theory]
    [InlineData("--limit", "0", "--limit")]
    [InlineData("--dims", "x,1", "--dims")]
    [InlineData("--dims", "1,5", "--dims")]
    public void Embed_BadOptions_ExitWith2(string option, string value, string mention) =>
        AssertBadInput(CliRunner.Run("embed", Run, option, value, "--out", Out("s.png")), mention);

    [Fact]
    public void MissingRun_ExitsWith2()
    {
        string missing = Path.Combine(CliRunner.TempDir(), "nope");
        AssertBadInput(CliRunner.Run("latent-grid", missing), "nope");
        AssertBadInput(CliRunner.Run("embed", missing), "nope");
    }
}
