using System.Globalization;
using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// The disentanglement verbs on dsprites-small (generated into the cache on first use): training with a disentangling
// objective, eval --disentanglement (JSON keys and the table), traverse (PNG and GIF), embed --csv with the factors.
public class DisentanglementCommandTests
{
    private static readonly Lazy<string> Run = new(() =>
    {
        string run = Path.Combine(CliRunner.TempDir(), "tcvae");
        var (code, output, err) = CliRunner.Run("train", "--data", "dsprites-small", "--objective", "beta-tcvae", "--beta", "3", "--epochs", "2",
            "--train-limit", "600", "--test-limit", "300", "--hidden", "16", "--latent-dim", "3", "--lr", "3e-3", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("with the beta-tcvae objective on dsprites-small", output);
        Assert.Contains("Loss = Reconstruction Loss + 1·MI + 3·TC + 1·Dimension-wise KL", output);
        var epoch = output.Split('\n').First(l => l.StartsWith("Epoch 2/2", StringComparison.Ordinal));
        foreach (string label in new[] { "MI", "TC Loss", "Dimension-wise KL", "KL Loss" }) Assert.Contains("  " + label + " ", epoch);
        Assert.StartsWith("epoch,loss,reconstruction_loss,mi_loss,tc_loss,dwkl_loss,kl_loss", File.ReadLines(Path.Combine(run, "metrics.csv")).First());
        return run;
    });

    [Fact]
    public void DataFetch_GeneratesTheSmallGrid_AndInfoListsIt()
    {
        var (code, output, err) = CliRunner.Run("data", "fetch", "dsprites-small");
        Assert.True(code == 0, err);
        Assert.Contains("dsprites-small", output);
        var info = CliRunner.Run("data", "info", "--json");
        using var doc = JsonDocument.Parse(info.Out);
        var entry = doc.RootElement.GetProperty("datasets").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "dsprites-small");
        Assert.True(entry.GetProperty("present").GetBoolean());
    }

    [Fact]
    public void EvalDisentanglement_NamesEachMetric_AndStatesItsEstimator()
    {
        var (code, output, err) = CliRunner.Run("eval", Run.Value, "--limit", "100", "--disentanglement", "--json", "--pool", "3000",
            "--metric-train", "600", "--metric-eval", "300");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var scores = doc.RootElement.GetProperty("disentanglement");
        Assert.Equal(["beta_vae", "factor_vae", "mig", "dci_disentanglement", "dci_completeness", "dci_informativeness", "sap", "modularity", "explicitness"],
            scores.EnumerateObject().Select(p => p.Name));
        Assert.All(scores.EnumerateObject(), p => Assert.InRange(p.Value.GetDouble(), 0, 1));
        Assert.Equal(3000, doc.RootElement.GetProperty("disentanglement_pool").GetInt32());
        Assert.Contains("20 equal-width bins", doc.RootElement.GetProperty("disentanglement_estimators").GetProperty("mig").GetString());
        // the same seed gives the same numbers; the text form prints the table
        var again = CliRunner.Run("eval", Run.Value, "--limit", "100", "--disentanglement", "--pool", "3000", "--metric-train", "600", "--metric-eval", "300");
        Assert.True(again.Code == 0, again.Err);
        var migLine = again.Out.Split('\n').Single(l => l.TrimStart().StartsWith("mig ", StringComparison.Ordinal));
        double mig = double.Parse(migLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        Assert.Equal(Math.Round(scores.GetProperty("mig").GetDouble(), 4), mig);
        Assert.Contains("gradient-boosted trees", again.Out);
    }

    [Fact]
    public void EvalDisentanglement_OnDataWithoutFactors_IsRefused()
    {
        string run = Path.Combine(CliRunner.TempDir(), "mnist");
        var trained = CliRunner.Run("train", "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--hidden", "8", "--latent-dim", "2", "--out", run);
        Assert.True(trained.Code == 0, trained.Err);
        var (code, _, err) = CliRunner.Run("eval", run, "--disentanglement");
        Assert.Equal(2, code);
        Assert.Contains("mnist has no ground-truth factors", err);
        var bad = CliRunner.Run("eval", Run.Value, "--disentanglement", "--metric-train", "1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("train points 1", bad.Err);
    }

    [Fact]
    public void Traverse_WritesThePictureAndTheGif_OneRowPerDimensionByKl()
    {
        string dir = CliRunner.TempDir();
        string png = Path.Combine(dir, "t.png"), gif = Path.Combine(dir, "t.gif");
        var (code, output, err) = CliRunner.Run("traverse", Run.Value, "--out", png, "--gif", gif, "--steps", "5", "--limit", "300", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        for (int r = 1; r < rows.Count; r++) Assert.True(rows[r - 1].GetProperty("kl").GetDouble() >= rows[r].GetProperty("kl").GetDouble());
        Assert.All(rows, r => Assert.Contains(r.GetProperty("factor").GetString(), new[] { "shape", "scale", "orientation", "pos_x", "pos_y" }));
        Assert.True(new FileInfo(png).Length > 1000);
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(gif), 0, 6));
        var bad = CliRunner.Run("traverse", Run.Value, "--steps", "1", "--out", png);
        Assert.Equal(2, bad.Code);
    }

    [Fact]
    public void EmbedCsv_WritesTheFactorValuesBesideTheMeans()
    {
        string csv = Path.Combine(CliRunner.TempDir(), "z.csv");
        var (code, _, err) = CliRunner.Run("embed", Run.Value, "--csv", csv, "--limit", "20", "--out", Path.Combine(CliRunner.TempDir(), "s.png"));
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("index,label,z0,z1,z2,shape,scale,orientation,pos_x,pos_y", lines[0]);
        Assert.Equal(21, lines.Length);
        var cells = lines[2].Split(',');
        Assert.Equal(10, cells.Length);
        Assert.Contains(cells[5], new[] { "0", "1", "2" });
        Assert.InRange(double.Parse(cells[6], CultureInfo.InvariantCulture), 0.5, 1.0);
    }

    [Fact]
    public void DSpritesConvPreset_TrainsWithCapacityControl()
    {
        // disentanglement_lib's architecture on 64×64 dSprites, with β-VAE's capacity control (Burgess et al. 2018)
        string run = Path.Combine(CliRunner.TempDir(), "conv");
        var (code, output, err) = CliRunner.Run("train", "--data", "dsprites-small", "--preset", "dsprites-conv", "--capacity-gamma", "100",
            "--capacity-max", "25", "--epochs", "1", "--train-limit", "128", "--test-limit", "32", "--out", run, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains("100·|KL Loss − C(t)|", doc.RootElement.GetProperty("objective").GetString());
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        var network = config.RootElement.GetProperty("model").GetProperty("network");
        Assert.Equal([32, 32, 64, 64], network.GetProperty("channels").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(4, network.GetProperty("kernel_size").GetInt32());
        Assert.Equal(10, config.RootElement.GetProperty("model").GetProperty("latent_dim").GetInt32());
    }

    [Fact]
    public void FactorVaeRun_TrainsButRefusesToResume()
    {
        string run = Path.Combine(CliRunner.TempDir(), "factor");
        var (code, output, err) = CliRunner.Run("train", "--data", "dsprites-small", "--objective", "factor-vae", "--factor-gamma", "5", "--epochs", "1",
            "--train-limit", "128", "--test-limit", "64", "--hidden", "8", "--latent-dim", "2", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("Disc Accuracy", output);
        var resume = CliRunner.Run("train", "--resume", run);
        Assert.Equal(2, resume.Code);
        Assert.Contains("discriminator", resume.Err);
        var rollback = CliRunner.Run("train", "--data", "dsprites-small", "--objective", "factor-vae", "--on-nonfinite", "rollback", "--epochs", "1",
            "--train-limit", "64", "--out", Path.Combine(CliRunner.TempDir(), "x"));
        Assert.Equal(2, rollback.Code);
    }
}
