using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// vae bench --profile: the CPU named, the step split into GEMM shapes, ops and phases, limits beside them.
public class BenchCommandTests
{
    [Fact]
    public void Profile_Json_NamesTheCpu_AndSplitsTheStep()
    {
        var (code, output, err) = CliRunner.Run("bench", "--profile", "--hidden", "32", "--latent-dim", "4", "--batch-size", "16", "--steps", "2", "--warmup", "0.1", "--threads", "1", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("cpu").GetString()));
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.InRange(root.GetProperty("gemm_share").GetDouble(), 0.0, 1.0);
        Assert.True(root.GetProperty("peak_gflops").GetDouble() > 0);
        var entries = root.GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("kind").GetString() == "gemm" && e.GetProperty("name").GetString() == "16×32×784 A·Bᵀ");
        Assert.Contains(entries, e => e.GetProperty("group").GetString() == "optimizer (Adam)");
        Assert.Contains(entries, e => e.GetProperty("group").GetString() == "batching");
    }

    [Fact]
    public void Profile_Text_PrintsGroupsAndOps_AndBadWarmupIsRefused()
    {
        var (code, output, err) = CliRunner.Run("bench", "--profile", "--hidden", "32", "--steps", "2", "--warmup", "0", "--threads", "1");
        Assert.True(code == 0, err);
        Assert.StartsWith("CPU: ", output);
        Assert.Contains("By group", output);
        Assert.Contains("GFLOP/s", output);
        Assert.Contains("B allocated per step", output);
        var bad = CliRunner.Run("bench", "--warmup", "-1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--warmup", bad.Err);
    }
}
