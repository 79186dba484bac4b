using System.CommandLine;
using VaeSharp.Cli.Commands;
using VaeSharp.Data;
using VaeSharp.Engine.IO;

namespace VaeSharp.Cli;

// The `vae` command line: parses, calls the library, presents. Exit codes: 0 ok, 1 runtime error,
// 2 bad usage or bad input (a message naming the file, field or option and what was expected).
internal static class VaeCli
{
    public const int Ok = 0, RuntimeError = 1, BadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var console = new CliConsole(stdout, stderr);
        var root = new RootCommand("VaeSharp: variational autoencoders for .NET — train, sample, reconstruct and evaluate.");
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(SampleCommand.Create(console));
        root.Subcommands.Add(ReconstructCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(LatentGridCommand.Create(console));
        root.Subcommands.Add(EmbedCommand.Create(console));
        root.Subcommands.Add(InterpolateCommand.Create(console));
        root.Subcommands.Add(AttributeCommand.Create(console));
        root.Subcommands.Add(TransferCommand.Create(console));
        root.Subcommands.Add(TraverseCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(ExploreCommand.Create(console));
        root.Subcommands.Add(DataCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(DetectCommand.Create(console));
        root.Subcommands.Add(ImputeCommand.Create(console));
        root.Subcommands.Add(DenoiseCommand.Create(console));
        root.Subcommands.Add(AugmentCommand.Create(console));
        root.Subcommands.Add(TrainPriorCommand.Create(console));
        root.Subcommands.Add(CompareCommand.Create(console));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"error: {Plain(e.Message)}");
            stderr.WriteLine("Run 'vae --help' (or 'vae <command> --help') for usage.");
            return BadInput;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return parse.Invoke(config);
    }

    // System.CommandLine names .NET types in its messages ("Cannot parse argument 'abc' for option '--epochs' as expected
    // type 'System.Int32'."); say it as the other messages do: "--epochs 'abc': expected a whole number."
    private static string Plain(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(?:System\.Nullable`1\[)?System\.([A-Za-z0-9]+)\]?'\.?$");
        if (!m.Success) return message;
        string expected = m.Groups[3].Value switch
        {
            "Int32" or "Int64" => "a whole number",
            "UInt64" or "UInt32" => "a whole number ≥ 0",
            "Single" or "Double" => "a number",
            "Boolean" => "true or false",
            _ => "a value of another kind",
        };
        return $"{m.Groups[2].Value} '{m.Groups[1].Value}': expected {expected}.";
    }

    /// <summary>Runs a command body, turning exceptions into a message and an exit code.</summary>
    public static int Guard(CliConsole console, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsBadInput(e))
        {
            console.Error($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e)
        {
            console.Error($"error: {e.GetType().Name}: {e.Message}");
            return RuntimeError;
        }
    }

    private static bool IsBadInput(Exception e) => e is UsageException or ArgumentException or FileFormatException
        or InvalidDataException or DatasetUnavailableException or FileNotFoundException or DirectoryNotFoundException
        or UnauthorizedAccessException or IOException;
}

/// <summary>Bad command-line usage found after parsing (a value out of range, a missing file).</summary>
internal sealed class UsageException(string message) : Exception(message);
