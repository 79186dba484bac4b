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

    /// <summary>The number after "  {label} " in a per-epoch line ("Epoch 1/1  Loss 123.4  KL Loss 5.6 ..."); fails the test when the label is missing.</summary>
    public static double Figure(string epochLine, string label)
    {
        int at = epochLine.IndexOf("  " + label + " ", StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{label}' missing from: {epochLine}");
        return double.Parse(epochLine[(at + label.Length + 3)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
