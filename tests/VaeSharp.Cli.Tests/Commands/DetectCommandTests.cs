using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

/// <summary>A small MLP VAE trained on MNIST zeros only (--normal-classes 0), once for the tests of this class.</summary>
public sealed class NormalZeroRunFixture
{
    public NormalZeroRunFixture()
    {
        Path = System.IO.Path.Combine(CliRunner.TempDir(), "zeros");
        Result = CliRunner.Run("train", "--data", "mnist", "--normal-classes", "0", "--epochs", "20", "--train-limit", "3000", "--test-limit", "500",
            "--hidden", "64", "--latent-dim", "4", "--threads", "2", "--out", Path);
    }

    public string Path { get; }

    public (int Code, string Out, string Err) Result { get; }
}

// vae train --normal-classes and vae detect on the trained run; vae detect --protocol one-class on a small budget.
public sealed class DetectCommandTests(NormalZeroRunFixture run) : IClassFixture<NormalZeroRunFixture>
{
    private string Run => run.Path;

    private static string Out(string name) => Path.Combine(CliRunner.TempDir(), name);

    [Fact]
    public void TrainNormalClasses_TrainsOnThoseClassesOnly_AndRecordsThem()
    {
        Assert.True(run.Result.Code == 0, run.Result.Err);
        // The first 3000 MNIST training images hold 285 zeros; the first 500 test images 42.
        Assert.Contains("285 train / 42 test examples", run.Result.Out);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Run, "config.json")));
        Assert.Equal([0], config.RootElement.GetProperty("normal_classes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Detect_ScoresTheTestSet_SortedByScore_WithAurocAgainstTheRunsNormalClass()
    {
        string csv = Out("scores.csv"), top = Out("top.png"), hist = Out("hist.png"), roc = Out("roc.png"), maps = Out("maps.csv");
        var (code, output, err) = CliRunner.Run("detect", Run, "--limit", "400", "--k", "8", "--csv", csv, "--top-png", top, "--error-maps", maps,
            "--histogram", hist, "--roc", roc, "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(400, root.GetProperty("examples").GetInt32());
        Assert.Equal("neg-elbo", root.GetProperty("score").GetString());
        // Zeros are normal: a model of zeros ranks the other digits above them.
        foreach (var name in new[] { "neg-elbo", "nll", "reconstruction" })
            Assert.True(root.GetProperty("auroc").GetProperty(name).GetDouble() > 0.8, $"{name}: {root.GetProperty("auroc")}");
        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(400, rows.Length);
        var scores = rows.Select(r => r.GetProperty("score").GetDouble()).ToArray();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(Enumerable.Range(0, 400), rows.Select(r => r.GetProperty("index").GetInt32()).Order());

        var lines = File.ReadAllLines(csv);
        Assert.Equal("rank,index,label,score,neg_elbo,nll,reconstruction,flagged", lines[0]);
        Assert.Equal(401, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(rows[0].GetProperty("index").GetInt32().ToString(CultureInfo.InvariantCulture), first[1]);
        Assert.Equal(scores[0], double.Parse(first[3], CultureInfo.InvariantCulture));

        // The error maps of the 16 most anomalous: one column per pixel.
        var mapLines = File.ReadAllLines(maps);
        Assert.Equal(17, mapLines.Length);
        Assert.Equal(2 + 784, mapLines[1].Split(',').Length);
        Assert.Equal(first[1], mapLines[1].Split(',')[1]);
        Assert.All(mapLines[1].Split(',').Skip(2), v => Assert.InRange(double.Parse(v, CultureInfo.InvariantCulture), 0, 1));

        // Three rows of 16 digits: the examples, their reconstructions, their error maps.
        var grid = ImageCodec.Read(top);
        Assert.Equal((16 * 28 + 17 * 2, 3 * 28 + 4 * 2), (grid.Width, grid.Height));
        Assert.True(ImageCodec.Read(hist).Width > 0 && ImageCodec.Read(roc).Width > 0);
    }

    [Fact]
    public void DetectFit_StoresTheThreshold_AndLaterCallsFlagAboveIt()
    {
        string copy = Out("fitted");
        foreach (var f in new[] { "config.json", "model.safetensors" }) { Directory.CreateDirectory(copy); File.Copy(Path.Combine(Run, f), Path.Combine(copy, f)); }
        var (code, output, err) = CliRunner.Run("detect", copy, "--fit", "--percentile", "90", "--score", "reconstruction", "--limit", "300", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        var threshold = AnomalyThreshold.Load(copy)!;
        Assert.Equal(AnomalyScoreKind.Reconstruction, threshold.Score);
        Assert.Equal(285, threshold.FittedOn);   // the run's training zeros
        Assert.Equal(90, threshold.Percentile);

        // A later call without --score uses the stored threshold's score and flags exactly the rows above it.
        (code, output, err) = CliRunner.Run("detect", copy, "--limit", "300", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("reconstruction", doc.RootElement.GetProperty("score").GetString());
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.All(rows, r => Assert.Equal(r.GetProperty("score").GetDouble() > threshold.Value, r.GetProperty("flagged").GetBoolean()));
        Assert.Equal(rows.Count(r => r.GetProperty("flagged").GetBoolean()), doc.RootElement.GetProperty("flagged").GetInt32());
        Assert.InRange(doc.RootElement.GetProperty("flagged").GetInt32(), 150, 300);   // most of the non-zeros
    }

    [Fact]
    public void Detect_RefusesBadUsage_WithExitCode2()
    {
        var (code, _, err) = CliRunner.Run("detect");
        Assert.Equal(2, code);
        Assert.Contains("Name a run folder", err);
        (code, _, err) = CliRunner.Run("detect", Run, "--k", "0");
        Assert.Equal(2, code);
        Assert.Contains("--k 0", err);
        (code, _, err) = CliRunner.Run("detect", Run, "--roc", Out("r.png"), "--normal-classes", "0,0");
        Assert.Equal(2, code);
        Assert.Contains("named twice", err);
        (code, _, err) = CliRunner.Run("train", "--normal-classes", "12", "--epochs", "1", "--train-limit", "100", "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains("--normal-classes: Class 12", err);
        (code, _, err) = CliRunner.Run("detect", "--protocol", "one-class");
        Assert.Equal(2, code);
        Assert.Contains("--data", err);
    }

    [Fact]
    public void OneClassProtocol_PrintsAnAurocPerClassAndTheMean_WithThePcaBaseline()
    {
        var (code, output, err) = CliRunner.Run("detect", "--protocol", "one-class", "--data", "mnist", "--classes", "1", "--epochs", "1",
            "--hidden", "32", "--latent-dim", "4", "--limit", "300", "--pca-rank", "5", "--seeds", "2", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var row = doc.RootElement.GetProperty("rows")[0];
        Assert.Equal(1, row.GetProperty("class").GetInt32());
        Assert.Equal(6742, row.GetProperty("train_examples").GetInt32());   // MNIST's training ones
        Assert.Equal(2, row.GetProperty("auroc").GetProperty("neg-elbo").GetArrayLength());
        Assert.True(row.GetProperty("auroc_mean").GetProperty("neg-elbo").GetDouble() > 0.9, row.ToString());
        Assert.True(row.GetProperty("pca_auroc").GetDouble() > 0.9, row.ToString());
        Assert.Equal(row.GetProperty("auroc_mean").GetProperty("reconstruction").GetDouble(), doc.RootElement.GetProperty("mean").GetProperty("reconstruction").GetDouble());
    }

    [Fact]
    public void DetectOnATable_TrainedOnItsNormalRows_BeatsChance_AndReportsThePcaBaselineBesideIt()
    {
        // Two kinds of rows: "ok" rows on a line y = 2x (+ small noise) with a category that follows x, "bad" rows off it.
        string csv = Out("parts.csv");
        var rows = new List<string> { "width,length,grade,kind" };
        for (int r = 0; r < 400; r++)
        {
            double x = (r * 37 % 100) / 10.0, noise = ((r * 53 % 17) - 8) / 40.0;
            bool bad = r % 5 == 0;
            double y = bad ? 2 * x + 3 + noise * 4 : 2 * x + noise;
            string grade = x < 5 ? "low" : "high";
            if (bad && r % 10 == 0) grade = x < 5 ? "high" : "low";
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{x:R},{y:R},{grade},{(bad ? "bad" : "ok")}"));
        }
        File.WriteAllText(csv, string.Join('\n', rows) + "\n");
        string tableRun = Out("parts-run");
        var train = CliRunner.Run("train", "--data", csv, "--label-column", "kind", "--normal-classes", "1", "--epochs", "200", "--hidden", "32",
            "--latent-dim", "2", "--batch-size", "32", "--threads", "1", "--out", tableRun);
        Assert.True(train.Code == 0, train.Err);
        var (code, output, err) = CliRunner.Run("detect", tableRun, "--pca-rank", "1", "--json", "--threads", "1");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var auroc = doc.RootElement.GetProperty("auroc");
        Assert.Equal([1], doc.RootElement.GetProperty("normal_classes").EnumerateArray().Select(e => e.GetInt32()));   // "ok" sorts after "bad"
        Assert.True(auroc.GetProperty("neg-elbo").GetDouble() > 0.8, auroc.ToString());
        Assert.InRange(auroc.GetProperty("pca").GetDouble(), 0, 1);
        Assert.Equal(1, doc.RootElement.GetProperty("pca_rank").GetInt32());
        // Without ground truth the baseline is refused, naming the option.
        var (badCode, _, badErr) = CliRunner.Run("detect", tableRun, "--pca-rank", "1", "--normal-classes", "0,1");
        Assert.Equal(2, badCode);
        Assert.Contains("--normal-classes", badErr);
    }
}
