using System.Diagnostics;
using System.Reflection;

namespace VaeSharp.Cli.Tests;

// SLOW (about 10–60 s): `vae` as a .NET tool, the way README.md installs it. Packs src/VaeSharp.Cli into a temporary
// folder, installs the package from there with `dotnet tool install --tool-path TEMP --add-source TEMP_NUPKG VaeSharp.Cli`
// (with a nuget.config that clears every other source, and a private package cache, so it needs no network and never
// meets a stale cached 0.x package), then runs the installed `vae --version`, a tiny `vae train`, `vae export` and `vae explore --load-test`.
public sealed class DotnetToolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Version_PrintsThePackageVersion()
    {
        // In a child process: in-process, System.CommandLine would report the test host's version.
        var (code, output, err) = Execute(DotnetExecutable(), [typeof(VaeCli).Assembly.Location, "--version"], []);
        Assert.True(code == 0, err);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
        Assert.StartsWith(typeof(VaeCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0], output);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PackedTool_Installs_AndRunsVersionTrainAndExport()
    {
        string temp = CliRunner.TempDir();
        string nupkg = Path.Combine(temp, "nupkg"), tools = Path.Combine(temp, "tools"), run = Path.Combine(temp, "run");
        string dotnet = DotnetExecutable();
        var env = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(temp, "packages"),
            ["DOTNET_ROOT"] = Path.GetDirectoryName(dotnet)!,   // the tool's launcher finds the runtime here
            ["DOTNET_NOLOGO"] = "1",
        };
        string configuration = typeof(DotnetToolTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

        // The CLI is already built in this configuration (this project references it).
        Expect(Execute(dotnet, ["pack", Path.Combine(RepositoryRoot(), "src", "VaeSharp.Cli"), "-c", configuration, "--no-build", "-o", nupkg], env), "dotnet pack");
        Assert.Single(Directory.GetFiles(nupkg, "VaeSharp.Cli.*.nupkg"), f => !f.EndsWith(".snupkg", StringComparison.Ordinal));

        string config = Path.Combine(temp, "nuget.config");
        File.WriteAllText(config, """<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /></packageSources></configuration>""");
        Expect(Execute(dotnet, ["tool", "install", "--tool-path", tools, "--add-source", nupkg, "--configfile", config, "VaeSharp.Cli"], env), "dotnet tool install");
        string vae = Path.Combine(tools, OperatingSystem.IsWindows() ? "vae.exe" : "vae");
        Assert.True(File.Exists(vae), $"the install put no 'vae' command in {tools}");

        var version = Expect(Execute(vae, ["--version"], env), "vae --version");
        string expected = typeof(VaeCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        Assert.StartsWith(expected, version.Out.Trim());

        var train = Expect(Execute(vae, ["train", "--train-limit", "200", "--test-limit", "50", "--epochs", "1", "--hidden", "16", "--threads", "2", "--out", run], env), "vae train");
        Assert.Contains("Done. Test loss", train.Out);
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));

        Expect(Execute(vae, ["export", run], env), "vae export");
        // The explorer from the installed tool: Kestrel from the shared framework, the page from the assembly.
        var explore = Expect(Execute(vae, ["explore", run, "--load-test", "20", "--clients", "2", "--tsne", "0"], env), "vae explore --load-test");
        Assert.Contains("0 errors", explore.Out);
        Assert.True(File.Exists(Path.Combine(run, "onnx", "decoder.onnx")));
        Directory.Delete(temp, recursive: true);
    }

    private static (int Code, string Out, string Err) Expect((int Code, string Out, string Err) r, string what)
    {
        Assert.True(r.Code == 0, $"{what} exited with {r.Code}\nstdout:\n{r.Out}\nstderr:\n{r.Err}");
        return r;
    }

    private static (int Code, string Out, string Err) Execute(string file, string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(file)} {string.Join(' ', args)} ran past {Timeout.TotalMinutes} minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    // The dotnet that runs the tests (the SDK sets DOTNET_HOST_PATH for its children), else the one on PATH.
    private static string DotnetExecutable()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
        }
        throw new InvalidOperationException("No dotnet executable: DOTNET_HOST_PATH is unset and PATH has none.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeSharp.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No VaeSharp.slnx above {AppContext.BaseDirectory}.");
    }
}
