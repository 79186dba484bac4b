using System.ComponentModel;
using System.Diagnostics;

namespace VaeSharp.Data;

// Runs one external program (no shell: the arguments go through as given) in a working folder,
// capturing its output, with a time limit after which it and its children are killed.
// A program that cannot be started (not installed) is reported, not thrown.
internal static class ExternalCommand
{
    public sealed record Result(bool Started, int ExitCode, string Output, string Error, string? StartFailure)
    {
        public bool Succeeded => Started && ExitCode == 0;

        /// <summary>The last lines of the error output (or of the output), for messages.</summary>
        public string Tail()
        {
            string text = string.IsNullOrWhiteSpace(Error) ? Output : Error;
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return string.Join(" | ", lines.TakeLast(5));
        }
    }

    public static Result Run(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new Result(false, -1, "", "", e.Message);
        }

        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(true, -1, output.Result, error.Result + $"\n(killed after {timeout.TotalSeconds:0} s)", null);
        }
        process.WaitForExit(); // let the output readers finish
        return new Result(true, process.ExitCode, output.Result, error.Result, null);
    }
}
