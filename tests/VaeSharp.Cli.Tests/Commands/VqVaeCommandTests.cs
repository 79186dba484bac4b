using System.Globalization;
using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// A tiny VQ-VAE through the verbs: train reports the codebook figures, sample / reconstruct / eval / embed work on it,
// and what does not apply to it (--nll, ONNX export, codebook options on another family) is refused by name.
public class VqVaeCommandTests
{
    [Fact]
    public void TinyVqVaeRun_TrainsAndReportsItsCodebook_ThenSamplesReconstructsEvaluatesAndEmbeds()
    {
        string dir = CliRunner.TempDir(), run = Path.Combine(dir, "vq");
        var (code, output, err) = CliRunner.Run("train", "--family", "vq-vae", "--channels", "8,16", "--kernel-size", "4", "--code-dim", "4",
            "--codebook-size", "32", "--residual-channels", "8", "--dead-code-steps", "2", "--epochs", "1", "--train-limit", "256",
            "--test-limit", "64", "--threads", "1", "--out", run);
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.StartsWith("Training a VQ-VAE (32 codes of 4, 7×7 grid) on mnist", lines[0]);
        Assert.StartsWith("Loss = Reconstruction Loss + Codebook Loss + 0.25·Commitment Loss", lines[1]);
        var epoch = lines.Single(l => l.StartsWith("Epoch 1/1", StringComparison.Ordinal));
        double Figure(string label) => CliRunner.Figure(epoch, label);
        Assert.Equal(Figure("Loss"), Figure("Reconstruction Loss") + Figure("Codebook Loss") + 0.25 * Figure("Commitment Loss"), 2);
        Assert.InRange(Figure("Perplexity"), 1, 32);
        Assert.InRange(Figure("Codes In Use"), 1, 32);
        Assert.True(Figure("Restarts") > 0, epoch);   // 2 steps without an assignment are enough here
        Assert.StartsWith("epoch,loss,reconstruction_loss,commitment_loss,codebook_loss,perplexity,codes_in_use,restarts,test_loss",
            File.ReadLines(Path.Combine(run, "metrics.csv")).First());
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            var model = config.RootElement.GetProperty("model");
            Assert.Equal("vq-vae", model.GetProperty("family").GetString());
            Assert.Equal(32, model.GetProperty("codebook_size").GetInt32());
            Assert.Equal(4, model.GetProperty("latent_dim").GetInt32());
            Assert.Equal("loss", model.GetProperty("codebook_update").GetString());
        }

        var sample = CliRunner.Run("sample", run, "--count", "16", "--out", Path.Combine(dir, "s.png"));
        Assert.True(sample.Code == 0, sample.Err);
        Assert.Contains("uniformly at random", sample.Err);
        Assert.True(File.Exists(Path.Combine(dir, "s.png")));
        var recon = CliRunner.Run("reconstruct", run, "--out", Path.Combine(dir, "r.png"));
        Assert.True(recon.Code == 0, recon.Err);

        var eval = CliRunner.Run("eval", run, "--limit", "64", "--json");
        Assert.True(eval.Code == 0, eval.Err);
        using (var doc = JsonDocument.Parse(eval.Out))
        {
            var root = doc.RootElement;
            Assert.Equal("vq-vae", root.GetProperty("family").GetString());
            Assert.InRange(root.GetProperty("perplexity").GetDouble(), 1, 32);
            Assert.InRange(root.GetProperty("codes_in_use").GetInt32(), 1, 32);
            double pixel = root.GetProperty("mse_per_pixel").GetDouble();
            Assert.Equal(pixel * 784, root.GetProperty("mse_per_image").GetDouble(), 6);
            Assert.True(root.TryGetProperty("codebook_loss", out _));
        }
        var text = CliRunner.Run("eval", run, "--limit", "64");
        Assert.Contains("codes in use", text.Out);

        var embed = CliRunner.Run("embed", run, "--out", Path.Combine(dir, "e.png"), "--limit", "64");
        Assert.True(embed.Code == 0, embed.Err);

        var nll = CliRunner.Run("eval", run, "--nll", "--limit", "8");
        Assert.Equal(2, nll.Code);
        Assert.Contains("point mass", nll.Err);
        var export = CliRunner.Run("export", run, "--out", Path.Combine(dir, "onnx"));
        Assert.Equal(2, export.Code);
        Assert.Contains("VQ-VAE", export.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "onnx")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "onnx")).Any());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void CodebookOptions_AreRefused_WhereTheyDoNotApply()
    {
        string dir = CliRunner.TempDir();
        var other = CliRunner.Run("train", "--codebook-size", "16", "--epochs", "1", "--train-limit", "10", "--out", Path.Combine(dir, "a"));
        Assert.Equal(2, other.Code);
        Assert.Contains("family vq-vae only", other.Err);
        var iwae = CliRunner.Run("train", "--family", "vq-vae", "--objective", "iwae", "--epochs", "1", "--train-limit", "10", "--out", Path.Combine(dir, "b"));
        Assert.Equal(2, iwae.Code);
        Assert.Contains("a vq-vae trains on its own loss", iwae.Err);
        var both = CliRunner.Run("train", "--family", "vq-vae", "--latent-dim", "8", "--code-dim", "4", "--epochs", "1", "--out", Path.Combine(dir, "c"));
        Assert.Equal(2, both.Code);
        Assert.Contains("--code-dim 4", both.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "a")) || Directory.Exists(Path.Combine(dir, "b")) || Directory.Exists(Path.Combine(dir, "c")));
        Directory.Delete(dir, recursive: true);
    }
}
