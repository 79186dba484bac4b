using Spectre.Console;

namespace VaeSharp.Cli;

// Where the CLI writes: plain text to the given writers; Spectre progress bars only when standard
// output is an interactive terminal (never in tests, pipes or --json mode).
internal sealed class CliConsole(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;

    public bool Interactive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public void Line(string text = "") => Out.WriteLine(text);

    public void Error(string text) => stderr.WriteLine(text);
}
