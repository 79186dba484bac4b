using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// iwae-2layer and ladder-vae from the command line: train reports the KL of each layer, eval the active units of each
// layer and the importance-sampled NLL under the full hierarchical posterior, sample draws from the top-down prior.
public class HierarchicalFamiliesCliTests
{
    [Theory]
    [InlineData("iwae-2layer", "100,50", "32,16")]
    [InlineData("ladder-vae", "16,8,4", "64,32,16")]
    public void TrainEvalSample_OfAHierarchicalFamily(string family, string sizes, string hidden)
    {
        string dir = CliRunner.TempDir(), run = Path.Combine(dir, family);
        var (code, output, err) = CliRunner.Run("train", "--family", family, "--latent-sizes", sizes, "--hidden", hidden, "--epochs", "1",
            "--train-limit", "300", "--test-limit", "60", "--batch-size", "50", "--kl-schedule", "linear", "--out", run);
        Assert.True(code == 0, err);
        int layers = sizes.Split(',').Length;
        var epoch = output.Split('\n').Single(l => l.StartsWith("Epoch 1/1"));
        for (int i = 1; i <= layers; i++) Assert.Contains($"KL {i} Loss", epoch);
        Assert.StartsWith("epoch,loss,reconstruction_loss,kl_loss,kl_1_loss", File.ReadLines(Path.Combine(run, "metrics.csv")).First());

        var (evalCode, evalOut, evalErr) = CliRunner.Run("eval", run, "--limit", "40", "--nll", "--k", "20", "--json");
        Assert.True(evalCode == 0, evalErr);
        using (var doc = JsonDocument.Parse(evalOut))
        {
            var root = doc.RootElement;
            Assert.Equal(family, root.GetProperty("family").GetString());
            Assert.Equal(sizes, string.Join(',', root.GetProperty("latent_sizes").EnumerateArray().Select(e => e.GetInt32())));
            var perLayer = root.GetProperty("active_units_per_layer").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(layers, perLayer.Length);
            Assert.Equal(root.GetProperty("active_units").GetInt32(), perLayer.Sum());
            double kl = root.GetProperty("kl_loss").GetDouble();
            Assert.Equal(kl, Enumerable.Range(1, layers).Sum(i => root.GetProperty($"kl_{i}_loss").GetDouble()), 3);
            Assert.True(root.GetProperty("nll").GetDouble() <= root.GetProperty("elbo_k").GetDouble());
        }
        var text = CliRunner.Run("eval", run, "--limit", "40");
        Assert.Contains("; per layer z1 ", text.Out);

        string png = Path.Combine(dir, "samples.png");
        var sample = CliRunner.Run("sample", run, "--count", "16", "--out", png);
        Assert.True(sample.Code == 0, sample.Err);
        Assert.True(new FileInfo(png).Length > 100);
    }

    [Fact]
    public void TwoLayerModel_TrainsWithTheIwaeObjective_AndItsElboTermsAddUp()
    {
        string run = Path.Combine(CliRunner.TempDir(), "iwae2");
        var (code, output, err) = CliRunner.Run("train", "--preset", "iwae-mnist-2layer", "--objective", "iwae", "--iwae-k", "3", "--hidden", "32,16",
            "--epochs", "1", "--train-limit", "300", "--test-limit", "50", "--batch-size", "50", "--out", run);
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.StartsWith("Training a 2-layer VAE (Burda et al. 2016; z 100-50) on mnist", lines[0]);
        Assert.StartsWith("Loss = −L_3, the IWAE bound with k = 3", lines[1]);
        var epoch = lines.Single(l => l.StartsWith("Epoch 1/1"));
        double Figure(string label) => CliRunner.Figure(epoch, label);
        Assert.Equal(Figure("−ELBO"), Figure("Reconstruction Loss") + Figure("KL Loss"), 2);
        Assert.True(Figure("Loss") <= Figure("−ELBO") + 0.01, "−L_k is a tighter bound than the ELBO");
    }

    [Fact]
    public void LatentSizes_WithoutOneWidthPerLayer_IsRefusedByName()
    {
        var (code, _, err) = CliRunner.Run("train", "--family", "ladder-vae", "--latent-sizes", "8,4,2", "--hidden", "32,16", "--epochs", "1",
            "--train-limit", "50", "--out", Path.Combine(CliRunner.TempDir(), "x"));
        Assert.Equal(2, code);
        Assert.Contains("network.hidden [32, 16]: expected one width per stochastic layer", err);
    }
}
