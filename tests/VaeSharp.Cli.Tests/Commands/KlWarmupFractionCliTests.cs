using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// vae train --kl-warmup-fraction F: resolved to round(F · epochs · steps per epoch) steps in config.json; --kl-warmup-steps
// wins over it; a fraction outside (0, 1] is refused with exit code 2 before a folder is written.
public class KlWarmupFractionCliTests
{
    private static int WarmupSteps(string run)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        return config.RootElement.GetProperty("training").GetProperty("objective").GetProperty("kl_warmup_steps").GetInt32();
    }

    [Fact]
    public void Fraction_BecomesThatPartOfTheRunsSteps()
    {
        string[] common = ["--epochs", "2", "--train-limit", "300", "--test-limit", "50", "--hidden", "16", "--latent-dim", "2", "--batch-size", "50",
            "--kl-schedule", "linear", "--threads", "1"];
        string run = Path.Combine(CliRunner.TempDir(), "fraction");
        var (code, output, err) = CliRunner.Run(["train", .. common, "--kl-warmup-fraction", "0.25", "--out", run]);
        Assert.True(code == 0, err);
        Assert.Equal(3, WarmupSteps(run));   // 0.25 · 2 epochs · 6 steps
        Assert.Contains("over 3 steps", output);

        string both = Path.Combine(CliRunner.TempDir(), "both");
        var explicitSteps = CliRunner.Run(["train", .. common, "--kl-warmup-fraction", "0.25", "--kl-warmup-steps", "5", "--out", both]);
        Assert.True(explicitSteps.Code == 0, explicitSteps.Err);
        Assert.Equal(5, WarmupSteps(both));

        string never = Path.Combine(CliRunner.TempDir(), "never");
        var bad = CliRunner.Run(["train", .. common, "--kl-warmup-fraction", "1.5", "--out", never]);
        Assert.Equal(2, bad.Code);
        Assert.Contains("kl_warmup_fraction 1.5", bad.Err);
        Assert.False(Directory.Exists(never));
    }
}
