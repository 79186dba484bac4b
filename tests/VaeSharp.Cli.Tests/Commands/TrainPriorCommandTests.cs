using VaeSharp.Applications;
using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

/// <summary>A small MNIST slice as idx files and two one-epoch runs on it: a tiny VQ-VAE and a tiny VAE.</summary>
public sealed class PriorRunsFixture
{
    public PriorRunsFixture()
    {
        Root = CliRunner.TempDir();
        DataDir = Path.Combine(Root, "data");
        Directory.CreateDirectory(DataDir);
        var (train, test) = DatasetCatalog.Load("mnist");
        Augmentation.WriteIdx(train.Take(600), DataDir, "train");
        Augmentation.WriteIdx(test.Take(200), DataDir, "t10k");
        VqRun = Train("vq", "--family", "vq-vae", "--arch", "conv", "--channels", "4,8", "--latent-dim", "4", "--codebook-size", "16", "--residual-channels", "4");
        VaeRun = Train("vae", "--hidden", "16");
    }

    public string Root { get; }

    public string DataDir { get; }

    public string VqRun { get; }

    public string VaeRun { get; }

    private string Train(string name, params string[] extra)
    {
        string run = Path.Combine(Root, name);
        var r = CliRunner.Run([.. new[] { "train", "--data-dir", DataDir, "--epochs", "1", "--threads", "2", "--out", run }, .. extra]);
        Assert.True(r.Code == 0, r.Err);
        return run;
    }

    /// <summary>A copy of the VQ-VAE run (without a prior), for a test that changes it.</summary>
    public string CopyOfVqRun()
    {
        string copy = Path.Combine(CliRunner.TempDir(), "vq");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(VqRun)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }
}

// vae train-prior, and vae sample / eval on a VQ-VAE run with its prior.
public sealed class TrainPriorCommandTests(PriorRunsFixture fixture) : IClassFixture<PriorRunsFixture>
{
    private static readonly string[] Small = ["--channels", "8", "--layers", "2", "--epochs", "2", "--batch-size", "32"];

    private (int Code, string Out, string Err) Vae(params string[] args) => CliRunner.Run([.. args, "--data-dir", fixture.DataDir, "--threads", "2"]);

    private static JsonElement Json((int Code, string Out, string Err) r)
    {
        Assert.True(r.Code == 0, $"exit {r.Code}: {r.Err}");
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.Clone();
    }

    private static (int Width, int Height) Size(string png)
    {
        var image = ImageCodec.Read(png);
        return (image.Width, image.Height);
    }

    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stdout: {r.Out} stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    [Fact]
    public void TrainPrior_ReportsEachEpoch_SavesThePrior_AndSampleAndEvalUseIt()
    {
        string run = fixture.CopyOfVqRun();
        var r = Vae(["train-prior", run, .. Small]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("Encoded 600 training and 200 test examples of mnist to 7 × 7 grids of 16 codes", r.Out);
        Assert.Contains("conditional on 10 classes", r.Out);
        Assert.Contains("Epoch 1/2: train NLL", r.Out);
        Assert.Matches(@"Epoch 2/2: train NLL [0-9.]+ nats/grid \([0-9.]+ bits/code\)  test NLL [0-9.]+ nats/grid \([0-9.]+ bits/code, [0-9.]+ bits/pixel\)", r.Out);
        string prior = Path.Combine(run, "prior");
        Assert.Equal(["config.json", "metrics.csv", "model.safetensors", "samples.png"], Directory.GetFiles(prior).Select(Path.GetFileName).Order());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(prior, "metrics.csv")).Length);
        Assert.Equal((10 * 30 + 2, 10 * 30 + 2), Size(Path.Combine(prior, "samples.png")));

        // sample: a conditional prior takes --label or --grid-by-label, as a conditional VAE does.
        AssertBadInput(Vae("sample", run), "--label", "--grid-by-label");
        AssertBadInput(Vae("sample", run, "--label", "10"), "--label 10", "0 to 9");
        string grid = Path.Combine(run, "by-label.png");
        r = Vae("sample", run, "--grid-by-label", "--count", "3", "--out", grid);
        Assert.True(r.Code == 0, r.Err);
        Assert.DoesNotContain("uniformly", r.Err);
        Assert.Equal((3 * 30 + 2, 10 * 30 + 2), Size(grid));
        string one = Path.Combine(run, "threes.png");
        Assert.Equal(0, Vae("sample", run, "--label", "3", "--count", "4", "--out", one).Code);
        Assert.True(File.Exists(one));

        // eval: the prior's NLL in nats per image, bits per code position (49) and per pixel (784).
        var e = Json(Vae("eval", run, "--json"));
        double nll = e.GetProperty("prior_nll").GetDouble();
        Assert.True(nll > 0 && double.IsFinite(nll), $"prior_nll {nll}");
        Assert.Equal(nll / (49 * Math.Log(2)), e.GetProperty("prior_bits_per_code").GetDouble(), 9);
        Assert.Equal(nll / (784 * Math.Log(2)), e.GetProperty("prior_bits_per_pixel").GetDouble(), 9);
        Assert.True(e.GetProperty("prior_conditional").GetBoolean());
        Assert.Equal(e.GetProperty("reconstruction_loss").GetDouble() + nll, e.GetProperty("nll_bound").GetDouble(), 6);
        // The test NLL train-prior reported after its last epoch is eval's.
        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(prior, "config.json"))).RootElement;
        Assert.Equal(record.GetProperty("test_nll").GetDouble(), nll, 4);
        var text = Vae("eval", run);
        Assert.Contains("Code prior (given the labels): NLL", text.Out);
        Assert.Contains("bits per code position (49 per image)", text.Out);
    }

    [Fact]
    public void TrainPrior_IsDeterministic_AndUnconditionalOnRequest()
    {
        var a = Json(Vae(["train-prior", fixture.CopyOfVqRun(), "--json", "--seed", "4", .. Small]));
        string run = fixture.CopyOfVqRun();
        var b = Json(Vae(["train-prior", run, "--json", "--seed", "4", .. Small]));
        Assert.Equal(a.GetProperty("test_nll").GetDouble(), b.GetProperty("test_nll").GetDouble());
        Assert.Equal(2, b.GetProperty("epochs").GetArrayLength());
        Assert.True(b.GetProperty("conditional").GetBoolean());

        // Replacing it needs --force; --unconditional drops the labels, and then sample takes none.
        AssertBadInput(Vae(["train-prior", run, .. Small]), "has a prior already", "--force");
        var u = Json(Vae(["train-prior", run, "--json", "--force", "--unconditional", .. Small]));
        Assert.False(u.GetProperty("conditional").GetBoolean());
        Assert.Equal(8 * 30 + 2, Size(u.GetProperty("samples").GetString()!).Width);
        string file = Path.Combine(run, "s.png");
        Assert.Equal(0, Vae("sample", run, "--count", "4", "--out", file).Code);
        AssertBadInput(Vae("sample", run, "--label", "1"), "conditional");
        Assert.False(Json(Vae("eval", run, "--json")).GetProperty("prior_conditional").GetBoolean());
    }

    [Fact]
    public void TrainPrior_UsesTheExamplesTheRunWasTrainedOn()
    {
        string run = Path.Combine(CliRunner.TempDir(), "limited");
        Assert.Equal(0, Vae("train", "--family", "vq-vae", "--arch", "conv", "--channels", "4,8", "--latent-dim", "4", "--codebook-size", "16",
            "--residual-channels", "4", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--out", run).Code);
        var r = Vae(["train-prior", run, .. Small]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("Encoded 300 training and 100 test examples", r.Out);
    }

    [Fact]
    public void TrainPrior_RefusesBadInput()
    {
        AssertBadInput(Vae(["train-prior", fixture.VaeRun, .. Small]), fixture.VaeRun, "VQ-VAE", "vq-vae");
        AssertBadInput(Vae("train-prior", fixture.VqRun, "--epochs", "0"), "--epochs 0");
        AssertBadInput(Vae("train-prior", fixture.VqRun, "--lr", "-1"), "--lr -1");
        AssertBadInput(Vae("train-prior", fixture.VqRun, "--channels", "0"), "--channels 0");
        AssertBadInput(Vae("train-prior", Path.Combine(fixture.Root, "nowhere")), "nowhere", "not found");
        Assert.False(Directory.Exists(Path.Combine(fixture.VqRun, "prior")));
    }

    [Fact]
    public void ABrokenPrior_IsNamed_AndForceReplacesIt()
    {
        string run = fixture.CopyOfVqRun();
        Assert.Equal(0, Vae(["train-prior", run, .. Small]).Code);
        string config = Path.Combine(run, "prior", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"layers\": 2", "\"layers\": 3"));
        // The weights no longer fit the record: the weights file is named, with the missing layer.
        AssertBadInput(Vae("sample", run, "--label", "1"), Path.Combine(run, "prior", "model.safetensors"), "layer2");
        AssertBadInput(Vae("eval", run), "model.safetensors");
        File.WriteAllText(config, "{ not json");
        AssertBadInput(Vae("sample", run, "--label", "1"), config);
        var r = Vae(["train-prior", run, "--force", .. Small]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(0, Vae("sample", run, "--label", "1", "--out", Path.Combine(run, "ok.png")).Code);
    }
}
