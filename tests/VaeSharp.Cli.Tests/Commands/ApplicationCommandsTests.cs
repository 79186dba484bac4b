using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

/// <summary>A small MLP VAE and a small conditional VAE trained briefly on 3000 MNIST images, once for the tests of this class.</summary>
public sealed class SmallMnistRunsFixture
{
    public SmallMnistRunsFixture()
    {
        Vae = System.IO.Path.Combine(CliRunner.TempDir(), "vae");
        Cvae = System.IO.Path.Combine(CliRunner.TempDir(), "cvae");
        VaeResult = CliRunner.Run("train", "--epochs", "3", "--train-limit", "3000", "--test-limit", "200", "--hidden", "64", "--latent-dim", "8", "--threads", "2", "--out", Vae);
        CvaeResult = CliRunner.Run("train", "--conditional", "--epochs", "1", "--train-limit", "1000", "--test-limit", "100", "--hidden", "32", "--latent-dim", "4", "--threads", "2", "--out", Cvae);
    }

    public string Vae { get; }
    public string Cvae { get; }
    public (int Code, string Out, string Err) VaeResult { get; }
    public (int Code, string Out, string Err) CvaeResult { get; }
}

// vae impute, vae denoise, vae train --train-noise and vae augment end to end.
public sealed class ApplicationCommandsTests(SmallMnistRunsFixture runs) : IClassFixture<SmallMnistRunsFixture>
{
    private static string Out(string name) => Path.Combine(CliRunner.TempDir(), name);

    [Fact]
    public void Impute_ReportsEveryMethodInOneTable_WithItsPicture()
    {
        Assert.True(runs.VaeResult.Code == 0, runs.VaeResult.Err);
        string png = Out("impute.png");
        var (code, output, err) = CliRunner.Run("impute", runs.Vae, "--limit", "60", "--iterations", "3", "--draws", "2", "--knn-pool", "500",
            "--png", png, "--show", "6", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(60 * 14 * 28, doc.RootElement.GetProperty("hidden_values").GetInt32());
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("method").GetString()!, r => r.GetProperty("mae").GetDouble());
        Assert.Equal(["one-pass", "pseudo-gibbs", "metropolis-gibbs", "mean", "knn"], results.Keys);
        // (This model is too small to beat the mean; ImputationTests checks that a trained one does.) Nearest neighbours do.
        Assert.All(results.Values, mae => Assert.InRange(mae, 0.01, 0.5));
        Assert.True(results["knn"] < results["mean"], string.Join(", ", results));
        // Rows: original, masked, then the five methods; six digits each.
        var image = ImageCodec.Read(png);
        Assert.Equal((6 * 28 + 7 * 2, 7 * 28 + 8 * 2), (image.Width, image.Height));

        (code, _, err) = CliRunner.Run("impute", runs.Vae, "--mask", "rect:20,20,10,10", "--limit", "5");
        Assert.Equal(2, code);
        Assert.Contains("leaves the 28×28 image", err);
        (code, _, err) = CliRunner.Run("impute", runs.Vae, "--mask", "random:2");
        Assert.Equal(2, code);
        Assert.Contains("expected random:P", err);
        (code, _, err) = CliRunner.Run("impute", runs.Vae, "--methods", "one-pass,magic");
        Assert.Equal(2, code);
        Assert.Contains("--methods 'magic'", err);
    }

    [Fact]
    public void Denoise_ReportsPsnrBeforeAndAfter_ForEachRun_OnTheSameNoise()
    {
        var (code, output, err) = CliRunner.Run("denoise", runs.Vae, "--compare", runs.Vae, "--noise", "salt-pepper:0.2", "--limit", "50", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(2, r.Length);
        Assert.Equal(r[0].GetProperty("psnr_denoised").GetDouble(), r[1].GetProperty("psnr_denoised").GetDouble());
        // Salt and pepper on 20 % of the values: the model's reconstruction is closer to the clean digit than the noisy one.
        Assert.True(r[0].GetProperty("psnr_denoised").GetDouble() > r[0].GetProperty("psnr_noisy").GetDouble(), r[0].ToString());
        (code, _, err) = CliRunner.Run("denoise", runs.Vae, "--noise", "gaussian:-1");
        Assert.Equal(2, code);
        Assert.Contains("--noise 'gaussian:-1'", err);
    }

    [Fact]
    public void TrainNoise_IsRecordedInTheConfig_AndBadNoiseIsRefused()
    {
        string run = Out("dvae");
        var (code, _, err) = CliRunner.Run("train", "--train-noise", "mask:0.3", "--epochs", "1", "--train-limit", "300", "--test-limit", "50", "--hidden", "16", "--out", run, "--threads", "2");
        Assert.True(code == 0, err);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal("mask:0.3", config.RootElement.GetProperty("training").GetProperty("train_noise").GetString());
        (code, _, err) = CliRunner.Run("train", "--train-noise", "blur:2", "--epochs", "1", "--train-limit", "100", "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains("--train-noise 'blur:2'", err);
    }

    [Fact]
    public void Augment_WritesIdxFilesThatTheMnistLoaderReadsBack_WithTheirLabels()
    {
        Assert.True(runs.CvaeResult.Code == 0, runs.CvaeResult.Err);
        string folder = Out("aug-idx");
        var (code, output, err) = CliRunner.Run("augment", runs.Cvae, "--count", "7", "--out", folder, "--threads", "2");
        Assert.True(code == 0, err);
        Assert.Contains("Wrote 70 mnist examples", output);
        // The MNIST loader wants four files: use the generated set as both splits.
        File.Copy(Path.Combine(folder, "train-images-idx3-ubyte"), Path.Combine(folder, "t10k-images-idx3-ubyte"));
        File.Copy(Path.Combine(folder, "train-labels-idx1-ubyte"), Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        var (train, _) = DatasetCatalog.Load("mnist", folder);
        Assert.Equal(70, train.Count);
        Assert.Equal([1, 28, 28], train.ExampleShape);
        Assert.Equal(Enumerable.Range(0, 70).Select(i => i / 7), Enumerable.Range(0, 70).Select(train.Label));
        (code, _, err) = CliRunner.Run("augment", runs.Cvae, "--count", "7", "--out", folder);
        Assert.Equal(2, code);
        Assert.Contains("not empty", err);
    }

    [Fact]
    public void Augment_WritesAnImageFolder_OneSubfolderPerClass()
    {
        string folder = Out("aug-png");
        var (code, _, err) = CliRunner.Run("augment", runs.Vae, "--count", "3", "--format", "png", "--out", folder, "--threads", "2");
        Assert.True(code == 0, err);
        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), classes);
        foreach (var dir in Directory.GetDirectories(folder))
        {
            var files = Directory.GetFiles(dir, "*.png");
            Assert.Equal(3, files.Length);
            var image = ImageCodec.Read(files[0]);
            Assert.Equal((28, 28, 1), (image.Width, image.Height, image.Channels));
        }
    }

    [Fact]
    public void AugmentExperiment_ReportsBothAccuraciesPerSeed()
    {
        var (code, output, err) = CliRunner.Run("augment", runs.Vae, "--experiment", "--count", "20", "--real-per-class", "10", "--seeds", "2", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var seeds = doc.RootElement.GetProperty("experiment").GetProperty("seeds").EnumerateArray().ToArray();
        Assert.Equal(2, seeds.Length);
        foreach (var s in seeds)
        {
            Assert.InRange(s.GetProperty("real").GetDouble(), 0.4, 1.0);      // 10 digits per class: far above chance
            Assert.InRange(s.GetProperty("augmented").GetDouble(), 0.1, 1.0);
        }
        Assert.NotEqual(seeds[0].GetProperty("real").GetDouble(), seeds[1].GetProperty("real").GetDouble());
    }

    [Fact]
    public void Impute_OnATable_HidesCells_BeatsTheMean_AndFillsItsEmptyCellsIntoACsv()
    {
        // Rows on y = 2x with a category that follows x; every 9th row lacks its y, every 13th its category.
        string csv = Out("rows.csv");
        var lines = new List<string> { "x,y,size" };
        for (int r = 0; r < 300; r++)
        {
            double x = (r * 37 % 100) / 10.0, y = 2 * x + ((r * 53 % 17) - 8) / 40.0;
            string size = r % 13 == 0 ? "" : x < 3.3 ? "small" : x < 6.6 ? "medium" : "large";
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{x:R},{(r % 9 == 0 ? "" : y.ToString("R", System.Globalization.CultureInfo.InvariantCulture))},{size}"));
        }
        File.WriteAllText(csv, string.Join('\n', lines) + "\n");
        string run = Out("rows-run");
        var train = CliRunner.Run("train", "--data", csv, "--epochs", "150", "--hidden", "32", "--latent-dim", "2", "--batch-size", "32", "--threads", "1", "--out", run);
        Assert.True(train.Code == 0, train.Err);

        var (code, output, err) = CliRunner.Run("impute", run, "--mask", "random:0.3", "--json", "--threads", "1");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var rmse = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("method").GetString()!, r => r.GetProperty("rmse").GetDouble());
        Assert.Equal(["one-pass", "pseudo-gibbs", "metropolis-gibbs", "mean", "knn"], rmse.Keys);
        Assert.True(rmse["one-pass"] < rmse["mean"], string.Join(", ", rmse));
        Assert.True(doc.RootElement.GetProperty("empty_values").GetInt32() > 0);

        string filled = Out("filled.csv");
        (code, output, err) = CliRunner.Run("impute", run, "--mask", "missing", "--methods", "one-pass", "--csv", filled, "--threads", "1");
        Assert.True(code == 0, err);
        Assert.Contains("(not scored)", output);
        var rows = File.ReadAllLines(filled);
        Assert.Equal("x,y,size", rows[0]);
        Assert.Equal(60, rows.Length - 1);   // the 20 % test split
        Assert.All(rows.Skip(1), row => Assert.DoesNotContain(row.Split(','), cell => cell.Length == 0));
        Assert.All(rows.Skip(1), row => Assert.Contains(row.Split(',')[2], new[] { "small", "medium", "large" }));

        var refused = CliRunner.Run("impute", run, "--mask", "bottom-half");
        Assert.Equal(2, refused.Code);
        Assert.Contains("random:P", refused.Err);
    }

    [Fact]
    public void Augment_OnATable_WritesLabelledRowsAsCsv_InTheTablesColumns()
    {
        string csv = Out("labelled.csv");
        var lines = new List<string> { "x,y,kind" };
        for (int r = 0; r < 200; r++)
        {
            double x = (r * 37 % 100) / 10.0;
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{x:R},{2 * x + ((r * 53 % 17) - 8) / 40.0:R},{(x < 5 ? "left" : "right")}"));
        }
        File.WriteAllText(csv, string.Join('\n', lines) + "\n");
        string run = Out("labelled-run");
        var train = CliRunner.Run("train", "--data", csv, "--label-column", "kind", "--epochs", "20", "--hidden", "16", "--latent-dim", "2", "--threads", "1", "--out", run);
        Assert.True(train.Code == 0, train.Err);
        string folder = Out("augmented-rows");
        var (code, output, err) = CliRunner.Run("augment", run, "--count", "4", "--out", folder);
        Assert.True(code == 0, err);
        Assert.Contains("as csv", output);
        var rows = File.ReadAllLines(Path.Combine(folder, "augmented.csv"));
        Assert.Equal("kind,x,y", rows[0]);
        Assert.Equal(["left", "left", "left", "left", "right", "right", "right", "right"], rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.All(rows.Skip(1), r => Assert.True(double.TryParse(r.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture, out _), r));
        var refused = CliRunner.Run("augment", run, "--count", "4", "--format", "png", "--out", Out("augmented-png"));
        Assert.Equal(2, refused.Code);
        Assert.Contains("is a table", refused.Err);
    }
}
