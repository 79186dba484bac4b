namespace VaeSharp.Cli.Tests;

/// <summary>Runs the `vae` command in-process and captures its output and exit code.</summary>
internal static class CliRunner
{
    private static readonly object Gate = new(); // EngineSettings.Threads is process-wide

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        lock (Gate)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = VaeCli.Run(args, stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "vaesharp-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
