using System.Globalization;
using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// vae compare: the figures of two real runs read back from their metrics.csv (last and lowest test loss, epochs, training
// minutes, settings) as text and JSON, the chart written; and bad input refused with exit code 2, naming what is wrong,
// before any chart is written.
public class CompareCommandTests
{
    private static string TrainTiny(string name, string lr)
    {
        string run = Path.Combine(CliRunner.TempDir(), name);
        var (code, _, err) = CliRunner.Run("train", "--epochs", "3", "--train-limit", "300", "--test-limit", "60", "--hidden", "16", "--latent-dim", "2",
            "--lr", lr, "--batch-size", "50", "--threads", "1", "--out", run);
        Assert.True(code == 0, err);
        return run;
    }

    private static double[] Column(string run, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        int c = Array.IndexOf(lines[0].Split(','), name);
        return [.. lines.Skip(1).Select(l => double.Parse(l.Split(',')[c], CultureInfo.InvariantCulture))];
    }

    [Fact]
    public void Compare_ReportsEachRunsCurve_AsTextJsonAndAChart()
    {
        string slow = TrainTiny("slow", "1e-4"), fast = TrainTiny("fast", "3e-3");
        string png = Path.Combine(CliRunner.TempDir(), "curves.png");
        var (code, output, err) = CliRunner.Run("compare", slow, fast, "--json", "--out", png, "--names", "lr 1e-4,lr 3e-3");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var runs = doc.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(["lr 1e-4", "lr 3e-3"], runs.Select(r => r.GetProperty("name").GetString()));
        foreach (var (run, json) in new[] { slow, fast }.Zip(runs))
        {
            var test = Column(run, "test_loss");
            Assert.Equal(3, json.GetProperty("epochs").GetInt32());
            Assert.Equal(test[^1], json.GetProperty("last").GetDouble());
            Assert.Equal(test.Min(), json.GetProperty("best").GetDouble());
            Assert.Equal(Array.IndexOf(test, test.Min()) + 1, json.GetProperty("best_epoch").GetInt32());
            Assert.Equal(Column(run, "seconds").Sum() / 60, json.GetProperty("minutes").GetDouble(), 9);
            Assert.Contains("batch 50, adam lr 0.00", json.GetProperty("settings").GetString());
            Assert.EndsWith(", test set: first 60", json.GetProperty("settings").GetString());   // --test-limit 60: its test_loss is over those
        }
        // The faster learning rate gets lower in three epochs of 300 examples, and the table says so.
        Assert.True(runs[1].GetProperty("best").GetDouble() < runs[0].GetProperty("best").GetDouble());
        var image = VaeSharp.Imaging.ImageCodec.Read(png);
        Assert.Equal((960, 600), (image.Width, image.Height));

        var text = CliRunner.Run("compare", slow, fast, "--metric", "kl_loss", "--x", "epoch");
        Assert.True(text.Code == 0, text.Err);
        var lines = text.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("last kl_loss", lines[0]);
        Assert.StartsWith("slow", lines[1]);
        Assert.Contains(Column(slow, "kl_loss")[^1].ToString("F4", CultureInfo.InvariantCulture), lines[1]);
        Assert.StartsWith("fast", lines[2]);
    }

    [Fact]
    public void Compare_RefusesMissingRunsColumnsAndNames_WritingNothing()
    {
        string run = TrainTiny("one", "1e-3");
        string png = Path.Combine(CliRunner.TempDir(), "never.png");
        string nowhere = Path.Combine(CliRunner.TempDir(), "nowhere");
        var missing = CliRunner.Run("compare", run, nowhere, "--out", png);
        Assert.Equal(2, missing.Code);
        Assert.Contains(nowhere, missing.Err);
        var column = CliRunner.Run("compare", run, "--metric", "nll", "--out", png);
        Assert.Equal(2, column.Code);
        Assert.Contains("no column 'nll' for --metric; expected one of epoch, loss,", column.Err);
        var names = CliRunner.Run("compare", run, run, "--names", "a", "--out", png);
        Assert.Equal(2, names.Code);
        Assert.Contains("--names has 1 names for 2 runs", names.Err);
        File.WriteAllText(Path.Combine(run, "metrics.csv"), "epoch,loss,test_loss,seconds\n1,2,x,3\n");
        var cell = CliRunner.Run("compare", run, "--out", png);
        Assert.Equal(2, cell.Code);
        Assert.Contains("column 'test_loss': 'x' is not a number", cell.Err);
        Assert.False(File.Exists(png));
    }
}
