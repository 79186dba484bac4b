using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace VaeSharp.Cli.Tests;

// Training that survives: a `vae train` child process killed (SIGKILL) or interrupted (SIGINT) in the middle of an
// epoch, then resumed with `vae train --resume`, ends with the same weights and metrics as a run never interrupted;
// a diverging run stops with a diagnosis instead of training on NaN.
public class ResumeAndDivergenceTests
{
    private static readonly string[] Run3Epochs =
        ["train", "--train-limit", "30000", "--test-limit", "300", "--epochs", "3", "--hidden", "200", "--binarize", "dynamic", "--threads", "2"];

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static Process StartChild(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vae.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    // Waits until the child's checkpoint is inside epoch 2 (a mid-epoch checkpoint after a completed epoch).
    private static void WaitForMidEpochCheckpoint(string run, Process child)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (child.HasExited)
                Assert.Fail($"the child ended (exit {child.ExitCode}) before it could be interrupted: {child.StandardOutput.ReadToEnd()} {child.StandardError.ReadToEnd()}");
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "checkpoint", "state.json")));
                var trainer = doc.RootElement.GetProperty("trainer");
                if (trainer.GetProperty("epochs_completed").GetInt32() >= 1 && trainer.GetProperty("epoch_step").GetInt32() >= 10) return;
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException) { }
            Thread.Sleep(20);
        }
        Assert.Fail("no mid-epoch checkpoint within 120 s");
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private static string[] Losses(string run) => [.. File.ReadLines(Path.Combine(run, "metrics.csv")).Select(l => string.Join(',', l.Split(',')[..7]))];

    private static string Uninterrupted()
    {
        string run = Path.Combine(CliRunner.TempDir(), "straight");
        var (code, _, err) = CliRunner.Run([.. Run3Epochs, "--out", run]);
        Assert.True(code == 0, err);
        return run;
    }

    [Fact]
    public void KilledMidEpoch_ThenResumed_EndsWithTheSameWeightsAndMetrics()
    {
        _ = Data.DatasetCatalog.Load("mnist");   // the child reads the cache; fill it here first
        string straight = Uninterrupted();
        string run = Path.Combine(CliRunner.TempDir(), "killed");
        using var child = StartChild([.. Run3Epochs, "--checkpoint-minutes", "0.001", "--out", run]);
        WaitForMidEpochCheckpoint(run, child);
        var busy = CliRunner.Run([.. Run3Epochs, "--out", run]);   // a second writer while the child trains
        Assert.Equal(2, busy.Code);
        Assert.Contains("in use", busy.Err);
        child.Kill();
        child.WaitForExit();

        var (code, output, err) = CliRunner.Run("train", "--resume", run, "--threads", "1");   // another thread count: same bits
        Assert.True(code == 0, err);
        Assert.StartsWith("Resuming after ", output);
        Assert.Equal(Hash(Path.Combine(straight, "model.safetensors")), Hash(Path.Combine(run, "model.safetensors")));
        Assert.Equal(Losses(straight), Losses(run));
        Assert.Contains("nothing to resume", CliRunner.Run("train", "--resume", run).Out);
    }

    [Fact]
    public void Interrupted_WritesACheckpoint_SaysHowToResume_AndExits130()
    {
        _ = Data.DatasetCatalog.Load("mnist");
        string run = Path.Combine(CliRunner.TempDir(), "interrupted");
        using var child = StartChild([.. Run3Epochs, "--checkpoint-minutes", "0.001", "--out", run]);
        WaitForMidEpochCheckpoint(run, child);
        Assert.Equal(0, kill(child.Id, 2));   // SIGINT
        Assert.True(child.WaitForExit(60_000), "the child did not stop after SIGINT");
        string output = child.StandardOutput.ReadToEnd();
        Assert.Equal(130, child.ExitCode);
        Assert.Contains($"Resume with: vae train --resume {run}", output);
        Assert.False(File.Exists(Path.Combine(run, ".lock")));

        var (code, _, err) = CliRunner.Run("train", "--resume", run);
        Assert.True(code == 0, err);
        string straight = Uninterrupted();
        Assert.Equal(Hash(Path.Combine(straight, "model.safetensors")), Hash(Path.Combine(run, "model.safetensors")));
    }

    [Fact]
    public void Resume_RefusesOptionsThatWouldChangeTheRun_AndRunsWithoutACheckpoint()
    {
        string run = Path.Combine(CliRunner.TempDir(), "short");
        Assert.Equal(0, CliRunner.Run("train", "--train-limit", "300", "--test-limit", "50", "--epochs", "1", "--hidden", "16", "--out", run).Code);
        var changed = CliRunner.Run("train", "--resume", run, "--lr", "0.01", "--epochs", "5");
        Assert.Equal(2, changed.Code);
        Assert.Contains("--lr", changed.Err);
        Assert.Contains("--epochs", changed.Err);
        Assert.Contains("would change it", changed.Err);
        Directory.Delete(Path.Combine(run, "checkpoint"), recursive: true);
        var none = CliRunner.Run("train", "--resume", run);
        Assert.Equal(2, none.Code);
        Assert.Contains("no checkpoint to resume from", none.Err);
    }

    [Fact]
    public void DivergingRun_StopsWithADiagnosis_AndSavesNoNaNModel()
    {
        string run = Path.Combine(CliRunner.TempDir(), "diverge");
        var (code, output, err) = CliRunner.Run("train", "--lr", "10", "--train-limit", "5000", "--test-limit", "100", "--epochs", "2", "--out", run);
        Assert.Equal(1, code);
        Assert.Contains("training diverged at step", err);
        Assert.Contains("--lr 1", err);
        Assert.Contains("--clip-grad", err);
        Assert.DoesNotContain("NaN", output);
        Assert.False(File.Exists(Path.Combine(run, "model.safetensors")), "a diverged first epoch must not leave a model behind");
        Assert.False(File.Exists(Path.Combine(run, ".lock")));
    }
}
