using System.Diagnostics;
using System.Text.Json;

namespace VaeSharp.Cli.Tests;

/// <summary>A tiny MNIST VAE (hidden 16, latent 20, 1 epoch on 300 digits, 100 test digits), trained once for the explore tests.</summary>
public sealed class TinyRunFixture
{
    public TinyRunFixture()
    {
        Path = System.IO.Path.Combine(CliRunner.TempDir(), "tiny");
        Result = CliRunner.Run("train", "--train-limit", "300", "--test-limit", "100", "--epochs", "1", "--hidden", "16", "--threads", "2", "--out", Path);
    }

    public string Path { get; }

    public (int Code, string Out, string Err) Result { get; }
}

// vae explore: its options' checks, serving from a child process until SIGTERM, and the --load-test measurement.
public sealed class ExploreCommandTests(TinyRunFixture run) : IClassFixture<TinyRunFixture>
{
    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    [Fact]
    public void BadOptions_AreRefusedWithExitCode2_NamingTheOption()
    {
        Assert.True(run.Result.Code == 0, run.Result.Err);
        AssertBadInput(CliRunner.Run("explore", Path.Combine(CliRunner.TempDir(), "missing")), "run folder not found");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--port", "70000"), "--port 70000", "0 to 65535");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--host", "my-laptop"), "--host 'my-laptop'", "IP address");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--limit", "0"), "--limit 0");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--load-test", "10", "--clients", "0"), "--clients 0");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--port", "abc"), "--port 'abc': expected a whole number");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--tsne", "1"), "--tsne 1");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--samplers", "normal"), "--samplers", "always offered");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--samplers", "mixture"), "--samplers");
        AssertBadInput(CliRunner.Run("explore", run.Path, "--samplers", "gmm", "--components", "0"), "--components 0");
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            AssertBadInput(CliRunner.Run("explore", run.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tsne", "0"),
                $"cannot listen on 127.0.0.1:{port}", "--port 0 for any free one");
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public void LoadTest_MeasuresDecodesAndTheBadRequestSuite_WithNoErrors()
    {
        var (code, output, err) = CliRunner.Run("explore", run.Path, "--load-test", "64", "--clients", "8", "--threads", "1", "--json");
        Assert.True(code == 0, $"{output}\n{err}");
        using var doc = JsonDocument.Parse(output);
        var decode = doc.RootElement.GetProperty("decode");
        Assert.Equal(64, decode.GetProperty("requests").GetInt32());
        Assert.Equal(0, decode.GetProperty("errors").GetInt32());
        Assert.True(decode.GetProperty("p99_ms").GetDouble() >= decode.GetProperty("p50_ms").GetDouble());
        var bad = doc.RootElement.GetProperty("bad_requests");
        Assert.Equal(bad.GetProperty("sent").GetInt32(), bad.GetProperty("as_expected").GetInt32());
        Assert.True(bad.GetProperty("serving_after").GetBoolean());
    }

    [Fact]
    public void Samplers_AreFittedOnce_ThenOfferedByDefault()
    {
        string copy = Path.Combine(CliRunner.TempDir(), "explore-samplers");
        foreach (var file in Directory.GetFiles(run.Path)) { Directory.CreateDirectory(copy); File.Copy(file, Path.Combine(copy, Path.GetFileName(file))); }
        var first = CliRunner.Run("explore", copy, "--samplers", "gmm", "--components", "2", "--tsne", "0", "--load-test", "1", "--clients", "1");
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("Fitted the sampler", first.Err);
        Assert.True(File.Exists(Path.Combine(copy, "samplers", "gmm-2.safetensors")));
        // Next time it is read, not fitted again.
        var second = CliRunner.Run("explore", copy, "--components", "2", "--tsne", "0", "--load-test", "1", "--clients", "1");
        Assert.True(second.Code == 0, second.Err);
        Assert.DoesNotContain("Fitted the sampler", second.Err);
    }

    [SkippableFact]
    public void Explore_ServesThePage_UntilSigterm_ThenExits0()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGTERM is a Unix signal");
        string vae = Path.Combine(AppContext.BaseDirectory, "vae.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { vae, "explore", run.Path, "--port", "0", "--json", "--threads", "1" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var line = process.StandardOutput.ReadLineAsync();
            Assert.True(line.Wait(TimeSpan.FromSeconds(60)), "vae explore printed nothing in 60 s");
            if (line.Result is null) Assert.Fail($"vae explore exited: {process.StandardError.ReadToEnd()}");
            string url = JsonDocument.Parse(line.Result!).RootElement.GetProperty("url").GetString()!;
            Assert.StartsWith("http://127.0.0.1:", url);
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(url) };
            Assert.Contains("VaeSharp explorer", http.GetStringAsync("/").Result);
            using var info = JsonDocument.Parse(http.GetStringAsync("api/info").Result);
            Assert.Equal(100, info.RootElement.GetProperty("examples").GetInt32());
            Assert.True(File.Exists(Path.Combine(run.Path, "explorer_cache.json")), "the map was not cached in the run folder");

            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) term.WaitForExit();
            Assert.True(process.WaitForExit(30_000), "vae explore did not stop on SIGTERM");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
