namespace VaeSharp.Cli;

internal static class Program
{
    private static int Main(string[] args) => VaeCli.Run(args, Console.Out, Console.Error);
}
