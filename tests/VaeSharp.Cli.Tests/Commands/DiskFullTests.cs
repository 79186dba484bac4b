using System.Diagnostics;
using System.Security.Cryptography;

namespace VaeSharp.Cli.Tests;

// A run folder on a small tmpfs the test mounts (root only; skipped visibly where mounting is not allowed): running out
// of space fails with exit 1 and a clear message, leaves the last checkpoint whole, and once there is room the run
// resumes to the same weights as a run that never ran out.
public class DiskFullTests
{
    private static readonly string[] Run4Epochs = ["train", "--train-limit", "2000", "--test-limit", "100", "--epochs", "4", "--hidden", "16", "--threads", "2"];

    private static int Sh(string command, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [SkippableFact]
    public void DiskFull_FailsWithExit1_KeepsTheLastCheckpoint_AndResumesOnceThereIsRoom()
    {
        string mountPoint = CliRunner.TempDir();
        Skip.IfNot(OperatingSystem.IsLinux() && Sh("mount", $"-t tmpfs -o size=700k tmpfs {mountPoint}") == 0,
            "mounting a small tmpfs needs root on Linux; the disk-full path is not exercised here");
        try
        {
            string run = Path.Combine(mountPoint, "run");
            var (code, _, err) = CliRunner.Run([.. Run4Epochs, "--out", run]);
            Assert.Equal(1, code);
            Assert.Contains("No space left on device", err);
            Assert.Contains($"vae train --resume {run}", err);
            Assert.True(File.Exists(Path.Combine(run, "checkpoint", "state.json")), "the last complete checkpoint is gone");
            Assert.False(Directory.EnumerateFiles(run, "*.tmp", SearchOption.TopDirectoryOnly).Any(), "a temporary file was left beside the run's files");

            // Read-only (root ignores permission bits, so the file system itself is made read-only): a clear error, exit 1 or 2.
            Assert.Equal(0, Sh("mount", $"-o remount,ro {mountPoint}"));
            var readOnly = CliRunner.Run("train", "--resume", run);
            Assert.NotEqual(0, readOnly.Code);
            Assert.Contains("Read-only file system", readOnly.Err);
            Assert.True(File.Exists(Path.Combine(run, "checkpoint", "state.json")));

            Assert.Equal(0, Sh("mount", $"-o remount,rw,size=8m {mountPoint}"));
            var resumed = CliRunner.Run("train", "--resume", run);
            Assert.True(resumed.Code == 0, resumed.Err);

            string straight = Path.Combine(CliRunner.TempDir(), "straight");
            Assert.Equal(0, CliRunner.Run([.. Run4Epochs, "--out", straight]).Code);
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(straight, "model.safetensors"))),
                SHA256.HashData(File.ReadAllBytes(Path.Combine(run, "model.safetensors"))));
        }
        finally
        {
            Sh("umount", mountPoint);
        }
    }
}
