using VaeSharp.Applications;
using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

/// <summary>A small MNIST slice written as idx files (so the feature classifier trains in a second), and three tiny runs
/// on it: an MLP VAE, a conv VAE and a conditional VAE, one epoch each.</summary>
public sealed class GenerationRunsFixture
{
    public GenerationRunsFixture()
    {
        Root = CliRunner.TempDir();
        DataDir = Path.Combine(Root, "data");
        Directory.CreateDirectory(DataDir);
        var (train, test) = DatasetCatalog.Load("mnist");
        Augmentation.WriteIdx(train.Take(1200), DataDir, "train");
        Augmentation.WriteIdx(test.Take(300), DataDir, "t10k");
        ClassifierCache = Path.Combine(Root, "classifiers");
        foreach (var (name, extra) in new[]
        {
            ("mlp", new[] { "--hidden", "64" }),
            ("conv", new[] { "--arch", "conv", "--channels", "4,8", "--hidden", "16" }),
            ("cvae", new[] { "--conditional", "--hidden", "64" }),
        })
        {
            string run = Path.Combine(Root, name);
            var r = CliRunner.Run([.. new[] { "train", "--data-dir", DataDir, "--epochs", "1", "--threads", "2", "--out", run }, .. extra]);
            Assert.True(r.Code == 0, r.Err);
            Runs[name] = run;
        }
    }

    public string Root { get; }

    public string DataDir { get; }

    public string ClassifierCache { get; }

    public Dictionary<string, string> Runs { get; } = [];
}

// vae interpolate, transfer, attribute, sample --sampler and eval --fid on MLP, conv and conditional runs.
public sealed class GenerationVerbsTests(GenerationRunsFixture fixture) : IClassFixture<GenerationRunsFixture>
{
    private string Out(string name) => Path.Combine(CliRunner.TempDir(), name);

    private (int Code, string Out, string Err) Vae(params string[] args) => CliRunner.Run([.. args, "--data-dir", fixture.DataDir, "--threads", "2"]);

    private static JsonElement Json((int Code, string Out, string Err) r)
    {
        Assert.True(r.Code == 0, $"exit {r.Code}: {r.Err}");
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.Clone();
    }

    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    private static int GridSide(int tiles) => tiles * 30 + 2;   // 28-pixel tiles, 2 pixels of padding

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    [InlineData("cvae")]
    public void Interpolate_WritesOneRowPerPair_AndTheZPath(string kind)
    {
        string file = Out("path.png");
        var json = Json(Vae("interpolate", fixture.Runs[kind], "--from", "0,2", "--to", "1,3", "--steps", "6", "--out", file, "--json"));
        Assert.Equal(2, json.GetProperty("pairs").GetInt32());
        Assert.Equal(8, json.GetProperty("columns").GetInt32());   // the two images beside their 6-step path
        var z = json.GetProperty("z");
        Assert.Equal(2, z.GetArrayLength());
        Assert.Equal(6, z[0].GetArrayLength());
        Assert.Equal(20, z[0][0].GetArrayLength());
        var image = ImageCodec.Read(file);
        Assert.Equal((GridSide(8), GridSide(2)), (image.Width, image.Height));
        Assert.Equal(kind == "cvae", json.GetProperty("class_weights").ValueKind == JsonValueKind.Array);
    }

    [Fact]
    public void Interpolate_BetweenPriorDraws_AndImageFiles_AndLabels()
    {
        var prior = Json(Vae("interpolate", fixture.Runs["mlp"], "--prior", "3", "--mode", "lerp", "--out", Out("prior.png"), "--json"));
        Assert.Equal(3, prior.GetProperty("pairs").GetInt32());
        Assert.Equal("lerp", prior.GetProperty("mode").GetString());
        Assert.False(prior.GetProperty("originals_shown").GetBoolean());

        // Two test digits written as PNG files come back as the path's ends.
        var (_, test) = DatasetCatalog.Load("mnist");
        string dir = CliRunner.TempDir();
        var values = new float[2 * 784];
        test.CopyExamples([0, 1], values);
        ImageGrid.SavePng(Path.Combine(dir, "a.png"), values.AsSpan(0, 784), 1, 1, 28, 28, 1, padding: 0);
        ImageGrid.SavePng(Path.Combine(dir, "b.png"), values.AsSpan(784), 1, 1, 28, 28, 1, padding: 0);
        var files = Json(Vae("interpolate", fixture.Runs["conv"], "--from-image", Path.Combine(dir, "a.png"), "--to-image", Path.Combine(dir, "b.png"), "--out", Out("files.png"), "--json"));
        var fromIndex = Json(Vae("interpolate", fixture.Runs["conv"], "--from", "0", "--to", "1", "--out", Out("index.png"), "--json"));
        Assert.Equal(fromIndex.GetProperty("z").GetRawText(), files.GetProperty("z").GetRawText());

        var labels = Json(Vae("interpolate", fixture.Runs["cvae"], "--from", "0", "--label-from", "3", "--label-to", "8", "--steps", "5", "--out", Out("labels.png"), "--json"));
        Assert.Equal("label", labels.GetProperty("mode").GetString());
        var weights = labels.GetProperty("class_weights")[0];
        Assert.Equal(1.0, weights[0][3].GetDouble());
        Assert.Equal(0.5, weights[2][8].GetDouble());
        Assert.Equal(6, labels.GetProperty("columns").GetInt32());   // the start image, then 5 steps
    }

    [Fact]
    public void Interpolate_RefusesWhatDoesNotApply()
    {
        AssertBadInput(Vae("interpolate", fixture.Runs["mlp"], "--label", "3"), "conditional");
        AssertBadInput(Vae("interpolate", fixture.Runs["cvae"], "--prior", "2"), "--label");
        AssertBadInput(Vae("interpolate", fixture.Runs["mlp"], "--steps", "1"), "--steps");
        AssertBadInput(Vae("interpolate", fixture.Runs["mlp"], "--prior", "2", "--from", "1"), "one kind of endpoints");
        AssertBadInput(Vae("interpolate", fixture.Runs["mlp"], "--from", "0,1", "--to", "2"), "--from has 2");
        AssertBadInput(Vae("interpolate", fixture.Runs["mlp"], "--from", "300", "--to", "1"), "0 to 299");
        AssertBadInput(Vae("interpolate", fixture.Runs["mlp"], "--from-image", "/nonexistent.png", "--to-image", "/nonexistent.png"), "nonexistent.png");
    }

    [Fact]
    public void Transfer_WritesImagesTimesLabels_ForAConditionalModel_AndRefusesOthers()
    {
        string file = Out("transfer.png");
        var json = Json(Vae("transfer", fixture.Runs["cvae"], "--images", "0,1,2", "--measure", "30", "--classifier-cache", fixture.ClassifierCache, "--out", file, "--json"));
        Assert.Equal(11, json.GetProperty("columns").GetInt32());
        Assert.InRange(json.GetProperty("success_rate").GetDouble(), 0, 1);
        Assert.Equal(10, json.GetProperty("success_rate_per_label").GetArrayLength());
        Assert.Equal(30, json.GetProperty("measured_on").GetInt32());
        var image = ImageCodec.Read(file);
        Assert.Equal((GridSide(11), GridSide(3)), (image.Width, image.Height));
        var offset = Json(Vae("transfer", fixture.Runs["cvae"], "--images", "0", "--class-offset", "--measure", "0", "--out", Out("offset.png"), "--json"));
        Assert.True(offset.GetProperty("class_offset").GetBoolean());
        Assert.Equal(JsonValueKind.Null, offset.GetProperty("success_rate").ValueKind);
        AssertBadInput(Vae("transfer", fixture.Runs["mlp"]), "conditional model");
        AssertBadInput(Vae("transfer", fixture.Runs["conv"]), "conditional model");
        AssertBadInput(Vae("transfer", fixture.Runs["cvae"], "--image", "x.png"), "--label");
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    public void Attribute_SavesADirection_AppliesIt_AndMeasuresIt(string kind)
    {
        string run = fixture.Runs[kind];
        string file = Out("attr.png");
        var json = Json(Vae("attribute", run, "--positive", "7", "--negative", "1", "--strengths", "0,1,2", "--measure", "50",
            "--classifier-cache", fixture.ClassifierCache, "--out", file, "--json"));
        Assert.Equal("class7-minus-class1", json.GetProperty("direction").GetString());
        Assert.True(File.Exists(Path.Combine(run, "directions", "class7-minus-class1.json")));
        var rates = json.GetProperty("success_rates");
        Assert.Equal(3, rates.GetArrayLength());
        Assert.True(rates[2].GetDouble() >= rates[0].GetDouble(), "more of the direction makes more 7s");
        var image = ImageCodec.Read(file);
        Assert.Equal((GridSide(3), GridSide(8)), (image.Width, image.Height));   // 8 test images of 1s × 3 strengths

        var reused = Json(Vae("attribute", run, "--use", "class7-minus-class1", "--strengths", "0,1,2", "--measure", "50",
            "--classifier-cache", fixture.ClassifierCache, "--out", Out("again.png"), "--json"));
        Assert.False(reused.GetProperty("saved").GetBoolean());
        Assert.Equal(rates.GetRawText(), reused.GetProperty("success_rates").GetRawText());
        var list = Json(Vae("attribute", run, "--list", "--json"));
        Assert.Contains("class7-minus-class1", list.GetProperty("directions").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Attribute_Ink_TakesQuartersWithinEachClass_AndMeasuresTheClassKept()
    {
        string run = fixture.Runs["mlp"];
        var json = Json(Vae("attribute", run, "--ink", "--name", "thick", "--strengths", "0,1", "--measure", "40",
            "--classifier-cache", fixture.ClassifierCache, "--out", Out("thick.png"), "--json"));
        Assert.Contains("within each class", json.GetProperty("definition").GetString());
        Assert.Equal(2, json.GetProperty("class_kept_rates").GetArrayLength());
        using var saved = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "directions", "thick.json")));
        Assert.Equal(10, saved.RootElement.GetProperty("high_thresholds").GetArrayLength());
    }

    [Fact]
    public void Attribute_Ink_AndCsv_OnAConditionalModel_AndRefusals()
    {
        string run = fixture.Runs["cvae"];
        var ink = Json(Vae("attribute", run, "--ink", "--strengths", "0,2", "--measure", "40", "--out", Out("ink.png"), "--json"));
        Assert.Equal("ink", ink.GetProperty("direction").GetString());
        Assert.True(ink.GetProperty("success_rates")[1].GetDouble() >= ink.GetProperty("success_rates")[0].GetDouble());

        string csv = Path.Combine(CliRunner.TempDir(), "attrs.csv");
        File.WriteAllLines(csv, ["index,wide", .. Enumerable.Range(0, 1200).Select(i => $"{i},{(i % 3 == 0 ? "yes" : "no")}")]);
        var fromCsv = Json(Vae("attribute", run, "--csv", csv, "--column", "wide", "--name", "wide", "--out", Out("csv.png"), "--json"));
        Assert.Equal(400, fromCsv.GetProperty("positive_count").GetInt32());
        Assert.Equal(JsonValueKind.Null, fromCsv.GetProperty("success_rates").ValueKind);

        AssertBadInput(Vae("attribute", run, "--positive", "7"), "conditional", "vae transfer");
        AssertBadInput(Vae("attribute", run, "--csv", csv, "--column", "narrow"), "attrs.csv", "no column 'narrow'");
        File.WriteAllLines(csv, ["index,wide", "0,maybe"]);
        AssertBadInput(Vae("attribute", run, "--csv", csv, "--column", "wide"), "line 2", "'maybe'");
        AssertBadInput(Vae("attribute", run, "--use", "smile"), "no direction 'smile'");
        AssertBadInput(Vae("attribute", fixture.Runs["mlp"], "--ink", "--positive", "1"), "Give one attribute");
        AssertBadInput(Vae("attribute", fixture.Runs["mlp"], "--ink", "--name", "../x"), "--name");
    }

    [Theory]
    [InlineData("mlp", "normal")]
    [InlineData("cvae", "gmm")]
    public void Sample_DefaultSampler_IsThePerClassMixtureForConditionalModels_ElseThePrior(string kind, string expected)
    {
        string[] which = kind == "cvae" ? ["--grid-by-label"] : ["--count", "4"];
        var result = Json(Vae([.. new[] { "sample", fixture.Runs[kind], "--out", Out($"default-{kind}.png"), "--json" }, .. which]));
        Assert.Equal(expected, result.GetProperty("sampler").GetString());
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    [InlineData("cvae")]
    public void SampleWithAFittedSampler_FitsOnce_ThenReusesIt(string kind)
    {
        string run = fixture.Runs[kind];
        string[] which = kind == "cvae" ? ["--grid-by-label"] : ["--count", "16"];
        foreach (var sampler in new[] { "gmm", "posterior" })
        {
            string a = Out("a.png"), b = Out("b.png");
            string[] components = sampler == "gmm" ? ["--components", "3"] : [];
            var first = Json(Vae([.. new[] { "sample", run, "--sampler", sampler, "--out", a, "--json" }, .. components, .. which]));
            Assert.True(first.GetProperty("sampler_fitted").GetBoolean());
            var second = Json(Vae([.. new[] { "sample", run, "--sampler", sampler, "--out", b, "--json" }, .. components, .. which]));
            Assert.Equal(sampler, second.GetProperty("sampler").GetString());
            Assert.False(second.GetProperty("sampler_fitted").GetBoolean());
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            Assert.True(File.Exists(second.GetProperty("sampler_file").GetString()));
        }
        AssertBadInput(Vae([.. new[] { "sample", run, "--sampler", "posterior", "--components", "4", "--out", Out("c.png") }, .. which]), "--components");
    }

    [Theory]
    [InlineData("mlp", "normal")]
    [InlineData("conv", "gmm")]
    [InlineData("cvae", "posterior")]
    public void EvalFid_ReportsFidPrecisionRecall_AndTheClassifiersAccuracy(string kind, string sampler)
    {
        var json = Json(Vae("eval", fixture.Runs[kind], "--fid", "--sampler", sampler, "--fid-samples", "300", "--classifier-cache", fixture.ClassifierCache, "--json"));
        Assert.True(json.GetProperty("fid").GetDouble() >= 0);
        Assert.InRange(json.GetProperty("precision").GetDouble(), 0, 1);
        Assert.InRange(json.GetProperty("recall").GetDouble(), 0, 1);
        Assert.InRange(json.GetProperty("classifier_test_accuracy").GetDouble(), 0.5, 1);
        Assert.Equal(sampler, json.GetProperty("sampler").GetString());
        Assert.Equal(kind == "cvae", json.GetProperty("label_accuracy").ValueKind == JsonValueKind.Number);
        AssertBadInput(Vae("eval", fixture.Runs[kind], "--sampler", "gmm"), "--fid");
    }
}
