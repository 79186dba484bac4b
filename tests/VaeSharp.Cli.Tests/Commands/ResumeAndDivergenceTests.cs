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
        // Through env --default-signal: a test run started in the background by a non-interactive shell ignores SIGINT,
        // and a child inherits that; the child here must see Ctrl-C as a terminal user's process does.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vae.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    // Waits until the child's checkpoint is inside epoch 2 (a mid-epoch checkpoint after a completed epoch), or with
    // epochsCompleted 0, inside epoch 1.
    private static void WaitForMidEpochCheckpoint(string run, Process child, int epochsCompleted = 1)
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
                if (trainer.GetProperty("epochs_completed").GetInt32() >= epochsCompleted && trainer.GetProperty("epoch_step").GetInt32() >= 10) return;
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
        // A second writer while the child trains (early in its first epoch, so the child is sure to be still running).
        WaitForMidEpochCheckpoint(run, child, epochsCompleted: 0);
        var busy = CliRunner.Run([.. Run3Epochs, "--out", run, "--overwrite"]);
        Assert.True(busy.Code == 2, $"exit {busy.Code} (child running: {!child.HasExited}): {busy.Err}");
        Assert.Contains("in use", busy.Err);
        WaitForMidEpochCheckpoint(run, child);
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
        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode} after SIGINT: {output} {child.StandardError.ReadToEnd()}");
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

        var (jsonCode, jsonOut, _) = CliRunner.Run("train", "--lr", "10", "--train-limit", "5000", "--test-limit", "100", "--epochs", "2",
            "--out", Path.Combine(CliRunner.TempDir(), "diverge-json"), "--json");
        Assert.Equal(1, jsonCode);
        using var doc = JsonDocument.Parse(jsonOut);   // one document also when the run fails
        Assert.Contains("diverged", doc.RootElement.GetProperty("error").GetString());
        Assert.False(doc.RootElement.GetProperty("interrupted").GetBoolean());
    }
}

// What a new user hit (issue 15): each case a clear outcome.
public class NewUserCasesTests
{
    private static string TinyRun()
    {
        string run = Path.Combine(CliRunner.TempDir(), "tiny");
        var (code, _, err) = CliRunner.Run("train", "--train-limit", "300", "--test-limit", "50", "--epochs", "2", "--hidden", "16", "--out", run);
        Assert.True(code == 0, err);
        return run;
    }

    [Fact]
    public void ExistingRunFolder_IsRefused_UnlessOverwrite_WhichClearsTheOldFiles()
    {
        string run = TinyRun();
        var again = CliRunner.Run("train", "--train-limit", "300", "--test-limit", "50", "--epochs", "1", "--hidden", "16", "--out", run);
        Assert.Equal(2, again.Code);
        Assert.Contains("--overwrite", again.Err);
        Assert.True(File.Exists(Path.Combine(run, "sample_2.png")), "a refused run must leave the old one as it was");
        var (code, _, err) = CliRunner.Run("train", "--train-limit", "300", "--test-limit", "50", "--epochs", "1", "--hidden", "16", "--out", run, "--overwrite");
        Assert.True(code == 0, err);
        Assert.False(File.Exists(Path.Combine(run, "sample_2.png")), "the old run's epoch-2 grid must not stay beside the new run");
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);
    }

    [Fact]
    public void BadData_LeavesNoRunFolderBehind()
    {
        string dir = CliRunner.TempDir();
        string run = Path.Combine(dir, "never");
        var r = CliRunner.Run("train", "--data-dir", Path.Combine(dir, "no-such-folder"), "--epochs", "1", "--out", run);
        Assert.Equal(2, r.Code);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void UnwritableOutputs_AreRefusedBeforeAnyWork_AndLinksOrFifosAreNotReplaced()
    {
        string run = TinyRun();
        string blocker = Path.Combine(CliRunner.TempDir(), "a-file");
        File.WriteAllText(blocker, "x");
        var eval = CliRunner.Run("eval", run, "--nll", "--k", "5000", "--out", Path.Combine(blocker, "eval.json"));
        Assert.Equal(2, eval.Code);   // refused at once, not after minutes of importance sampling
        Assert.Contains("a-file", eval.Err);
        string scatter = Path.Combine(run, "scatter.png");
        var embed = CliRunner.Run("embed", run, "--out", scatter, "--csv", Path.Combine(blocker, "z.csv"));
        Assert.Equal(2, embed.Code);
        Assert.False(File.Exists(scatter), "embed wrote its PNG before finding the CSV folder unwritable");

        string target = Path.Combine(run, "kept.txt");
        File.WriteAllText(target, "keep me");
        string link = Path.Combine(run, "link.png");
        File.CreateSymbolicLink(link, target);
        var linked = CliRunner.Run("sample", run, "--count", "4", "--out", link);
        Assert.Equal(2, linked.Code);
        Assert.Contains("symbolic link", linked.Err);
        Assert.Equal("keep me", File.ReadAllText(target));
        string fifo = Path.Combine(run, "fifo.png");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        var piped = CliRunner.Run("sample", run, "--count", "4", "--out", fifo);
        Assert.Equal(2, piped.Code);
        Assert.Contains("FIFO", piped.Err);
    }

    [Fact]
    public void Messages_SayWhatIsExpected_InWords()
    {
        var epochs = CliRunner.Run("train", "--epochs", "abc");
        Assert.Equal(2, epochs.Code);
        Assert.Contains("--epochs 'abc': expected a whole number", epochs.Err);
        Assert.DoesNotContain("System.", epochs.Err);
        Assert.Contains("--seed '-1': expected a whole number ≥ 0", CliRunner.Run("train", "--seed", "-1").Err);
        Assert.Contains("--hidden '400,,200'", CliRunner.Run("train", "--hidden", "400,,200", "--epochs", "1").Err);
        string run = TinyRun();
        var huge = CliRunner.Run("sample", run, "--count", "100000000");
        Assert.Equal(2, huge.Code);
        Assert.Contains("--count 100000000: expected 1 to 10,000", huge.Err);
    }

    [Fact]
    public void JsonOutput_UsesOneSchema_AcrossVerbs_AndNullForMissingFigures()
    {
        string run = Path.Combine(CliRunner.TempDir(), "json");
        var (code, output, err) = CliRunner.Run("train", "--train-limit", "300", "--test-limit", "50", "--epochs", "1", "--hidden", "16", "--out", run, "--json");
        Assert.True(code == 0, err);
        using var train = System.Text.Json.JsonDocument.Parse(output);
        var epoch = train.RootElement.GetProperty("epochs")[0];
        foreach (var key in new[] { "epoch", "loss", "reconstruction_loss", "kl_loss", "test_loss", "test_reconstruction_loss", "test_kl_loss", "seconds", "examples_per_second", "learning_rate" })
            Assert.True(epoch.TryGetProperty(key, out _), $"train --json lacks '{key}'");
        using var eval = System.Text.Json.JsonDocument.Parse(CliRunner.Run("eval", run, "--json").Out);
        foreach (var key in new[] { "loss", "reconstruction_loss", "kl_loss" }) Assert.True(eval.RootElement.TryGetProperty(key, out _), $"eval --json lacks '{key}'");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, eval.RootElement.GetProperty("nll").ValueKind);
    }
}
