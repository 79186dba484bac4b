using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// vae train --optimizer adamax: recorded in config.json (Adam, the default, is not written), named in the header,
// trains to different weights than Adam, resumes with its own state, and a resumed run refuses to change it.
public class OptimizerOptionTests
{
    [Fact]
    public void Adamax_IsRecorded_Resumable_AndNotChangeableOnResume()
    {
        string adamax = Path.Combine(CliRunner.TempDir(), "adamax"), adam = Path.Combine(CliRunner.TempDir(), "adam");
        string[] common = ["--epochs", "1", "--train-limit", "300", "--test-limit", "50", "--hidden", "16", "--latent-dim", "2", "--threads", "1"];
        var (code, output, err) = CliRunner.Run(["train", "--optimizer", "adamax", "--lr", "2e-3", .. common, "--out", adamax]);
        Assert.True(code == 0, err);
        Assert.Contains("batch 128, Adamax,", output);
        var (adamCode, adamOut, adamErr) = CliRunner.Run(["train", "--lr", "2e-3", .. common, "--out", adam]);
        Assert.True(adamCode == 0, adamErr);
        Assert.DoesNotContain("Adamax", adamOut);

        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(adamax, "config.json"))))
            Assert.Equal("adamax", config.RootElement.GetProperty("training").GetProperty("optimizer").GetString());
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(adam, "config.json"))))
            Assert.False(config.RootElement.GetProperty("training").TryGetProperty("optimizer", out _));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(adamax, "model.safetensors")), File.ReadAllBytes(Path.Combine(adam, "model.safetensors")));

        var refused = CliRunner.Run("train", "--resume", adamax, "--optimizer", "adam");
        Assert.Equal(2, refused.Code);
        Assert.Contains("--optimizer", refused.Err);
        var bad = CliRunner.Run("train", "--optimizer", "sgd", "--epochs", "1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("adamax", bad.Err);
    }
}
