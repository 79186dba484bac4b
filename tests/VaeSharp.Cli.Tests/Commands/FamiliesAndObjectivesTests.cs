using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// The model family and the objective as the command line shows them: the header names both, the per-epoch line
// labels the terms so that they add up, and runs written by the previous release still evaluate.
public class FamiliesAndObjectivesTests
{
    [Fact]
    public void IwaeRun_SaysWhatTheLossIs_AndReportsTheElboTermsBesideIt()
    {
        string run = Path.Combine(CliRunner.TempDir(), "iwae");
        var (code, output, err) = CliRunner.Run("train", "--objective", "iwae", "--iwae-k", "3", "--epochs", "1", "--train-limit", "500",
            "--test-limit", "100", "--hidden", "32", "--out", run);
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.StartsWith("Training a VAE on mnist", lines[0]);
        Assert.StartsWith("Loss = −L_3, the IWAE bound with k = 3", lines[1]);
        var epoch = lines.Single(l => l.StartsWith("Epoch 1/1"));
        double Figure(string label) => CliRunner.Figure(epoch, label);
        Assert.Equal(Figure("−ELBO"), Figure("Reconstruction Loss") + Figure("KL Loss"), 2);
        Assert.True(Figure("Loss") <= Figure("−ELBO") + 0.01, "−L_k is a tighter bound than the ELBO");
        Assert.StartsWith("epoch,loss,neg_elbo_loss,reconstruction_loss,kl_loss,test_loss", File.ReadLines(Path.Combine(run, "metrics.csv")).First());
    }

    [Fact]
    public void FamilyOption_ChoosesTheFamily_AndConfigJsonRecordsIt()
    {
        string run = Path.Combine(CliRunner.TempDir(), "cvae");
        var (code, output, err) = CliRunner.Run("train", "--family", "cvae", "--beta", "2", "--epochs", "1", "--train-limit", "300", "--test-limit", "50",
            "--hidden", "16", "--latent-dim", "2", "--out", run, "--json");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal("cvae", doc.RootElement.GetProperty("family").GetString());
            Assert.Contains("2·KL Loss", doc.RootElement.GetProperty("objective").GetString());
        }
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            Assert.Equal(2, config.RootElement.GetProperty("format_version").GetInt32());
            Assert.Equal("cvae", config.RootElement.GetProperty("model").GetProperty("family").GetString());
            Assert.Equal(10, config.RootElement.GetProperty("model").GetProperty("class_count").GetInt32());
        }
        var (evalCode, evalOut, evalErr) = CliRunner.Run("eval", run, "--limit", "50");
        Assert.True(evalCode == 0, evalErr);
        Assert.Contains("Reconstruction Loss", evalOut);

        var bad = CliRunner.Run("train", "--family", "no-such-family", "--epochs", "1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("vae", bad.Err);
        var contradiction = CliRunner.Run("train", "--family", "vae", "--conditional", "--epochs", "1", "--train-limit", "10", "--out", Path.Combine(CliRunner.TempDir(), "x"));
        Assert.Equal(2, contradiction.Code);
        Assert.Contains("contradicts family vae", contradiction.Err);
    }

    [Fact]
    public void RunFolderOfThePreviousRelease_Evaluates()
    {
        // tests/VaeSharp.Tests/Fixtures/legacy-v1/mlp: written by commit 37a31f2 (config.json format 1); its eval --limit 100 then gave 550.3765234375.
        string fixture = Path.Combine(AppContext.BaseDirectory, "legacy-v1", "mlp");
        var (code, output, err) = CliRunner.Run("eval", fixture, "--limit", "100", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(550.3765234375, doc.RootElement.GetProperty("loss").GetDouble());
        Assert.Equal("vae", doc.RootElement.GetProperty("family").GetString());
        Assert.Equal(550.3156640625, doc.RootElement.GetProperty("reconstruction_loss").GetDouble());
    }
}
