using System.Diagnostics;

namespace VaeSharp.Cli.Tests;

// On a real terminal (tmux; skipped visibly where it is not installed): Ctrl-C during the progress display stops the
// run cleanly and leaves the cursor visible.
public class TerminalTests
{
    private static string Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    private static bool HasTmux()
    {
        try { Tmux("-V"); return true; }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    [SkippableFact]
    public void CtrlC_DuringTheProgressBar_StopsCleanly_AndLeavesTheCursorVisible()
    {
        Skip.IfNot(HasTmux(), "tmux is not installed (.ci/run installs it)");
        _ = Data.DatasetCatalog.Load("mnist");
        string run = Path.Combine(CliRunner.TempDir(), "tty");
        string session = "vae" + Guid.NewGuid().ToString("N")[..8];
        string vae = Path.Combine(AppContext.BaseDirectory, "vae.dll");
        Tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40", $"dotnet {vae} train --train-limit 60000 --epochs 5 --out {run}; echo EXIT=$?; sleep 60");
        try
        {
            var clock = Stopwatch.StartNew();
            while (!Tmux("capture-pane", "-p", "-t", session).Contains("Epoch 1/5") && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(100);
            Thread.Sleep(300);   // its progress bar showing
            Assert.Equal("0", Tmux("display", "-p", "-t", session, "#{cursor_flag}"));   // the progress display hides the cursor
            Tmux("send-keys", "-t", session, "C-c");
            while (!Tmux("capture-pane", "-p", "-t", session).Contains("EXIT=") && clock.Elapsed < TimeSpan.FromSeconds(180)) Thread.Sleep(100);
            string screen = Tmux("capture-pane", "-p", "-t", session);
            Assert.Contains("EXIT=130", screen);
            Assert.Contains("Resume with: vae train --resume", screen);
            Assert.Equal("1", Tmux("display", "-p", "-t", session, "#{cursor_flag}"));
        }
        finally { Tmux("kill-session", "-t", session); }
    }
}
