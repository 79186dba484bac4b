using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using VaeSharp.Explorer;
using VaeSharp.Explorer.Load;

namespace VaeSharp.Cli.Commands;

// vae explore RUN: serves the latent-space explorer (src/VaeSharp.Explorer, docs/explorer.md) for one run until
// Ctrl-C. With --load-test N it instead starts the server on a free loopback port, sends N decode requests from
// --clients concurrent clients and the bad-request suite, prints the figures and exits (the docs' measurements).
internal static class ExploreCommand
{
    // The serving verb prints its JSON as one line (then keeps running), so a script reads it with one ReadLine.
    private static readonly JsonSerializerOptions OneLine = new(JsonOut.Options) { WriteIndented = false };

    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8050 };
        var host = new Option<string>("--host") { Description = "Address to listen on; the default 127.0.0.1 is reachable from this machine only.", DefaultValueFactory = _ => "127.0.0.1" };
        var limit = new Option<int?>("--limit") { Description = $"Put the first N test examples on the map (default: the run's test set, at most {ExplorerSessionOptions.MaxMapPoints:N0})." };
        var noCache = new Option<bool>("--no-cache") { Description = $"Encode the examples again instead of reading RUN/{LatentMap.CacheFile} (and do not write it)." };
        var tsne = new Option<int>("--tsne") { Description = $"Lay out the first N examples with t-SNE too (exact, O(N²): at most {VaeSharp.Applications.TSne.MaxPoints:N0}; 0 for none), in the background, cached in RUN/{TsneLayout.CacheFile}.", DefaultValueFactory = _ => TsneLayout.DefaultPoints };
        var loadTest = new Option<int?>("--load-test") { Description = "Measure instead of serving: send N decode requests over loopback, then the bad-request suite, print the latencies and exit." };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients of --load-test.", DefaultValueFactory = _ => 16 };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var samplerNames = new Option<string?>("--samplers")
        {
            Description = "Offer these samplers beside the prior on the page, comma-separated: gmm (a Gaussian mixture fitted by EM to the training codes) " +
                "and/or posterior (the aggregate posterior); fitted on first use and kept in RUN/samplers/ as vae sample --sampler does. " +
                "Default: the ones already fitted for this model.",
        };
        var components = new Option<int>("--components") { Description = "--samplers gmm: number of mixture components K.", DefaultValueFactory = _ => VaeSharp.Applications.LatentSamplers.DefaultComponents };
        var cmd = new Command("explore", "Serve a local web page to walk a run's latent space: the test set's map, reconstructions, sliders, interpolation, samples, drawing.")
        {
            runArg, port, host, limit, tsne, noCache, loadTest, clients, samplerNames, components, dataDir, threads, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int portValue = p.GetValue(port);
            if (portValue is < 0 or > 65535) throw new UsageException($"--port {portValue}: expected 0 to 65535 (0: any free port).");
            string hostText = p.GetValue(host)!;
            IPAddress address = hostText.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
                : IPAddress.TryParse(hostText, out var parsed) ? parsed
                : throw new UsageException($"--host '{hostText}': expected an IP address of this machine, e.g. 127.0.0.1 (the default) or 0.0.0.0 for every interface.");
            if (p.GetValue(limit) is int l && (l < 1 || l > ExplorerSessionOptions.MaxMapPoints))
                throw new UsageException($"--limit {l}: expected 1 to {ExplorerSessionOptions.MaxMapPoints:N0} examples.");
            int? requests = p.GetValue(loadTest);
            if (requests is int n && (n < 1 || n > 1_000_000)) throw new UsageException($"--load-test {n}: expected 1 to 1,000,000 requests.");
            int tsnePoints = p.GetValue(tsne);
            if (tsnePoints is < 0 or 1 || tsnePoints > VaeSharp.Applications.TSne.MaxPoints)
                throw new UsageException($"--tsne {tsnePoints}: expected 0 (no t-SNE view) or 2 to {VaeSharp.Applications.TSne.MaxPoints:N0} examples (exact t-SNE is O(N²)).");
            int clientCount = p.GetValue(clients);
            if (clientCount is < 1 or > 256) throw new UsageException($"--clients {clientCount}: expected 1 to 256.");

            string runPath = p.GetValue(runArg)!;
            int k = p.GetValue(components);
            if (k is < 1 or > VaeSharp.Applications.LatentSamplers.MaxComponents) throw new UsageException($"--components {k}: expected 1 to {VaeSharp.Applications.LatentSamplers.MaxComponents}.");
            var extra = OpenSamplers(console, runPath, p.GetValue(samplerNames), k, p.GetValue(dataDir));
            using var session = ExplorerSession.Open(runPath, new ExplorerSessionOptions
            {
                DataDir = p.GetValue(dataDir), MapLimit = p.GetValue(limit), UseCache = !p.GetValue(noCache), TsnePoints = tsnePoints,
                Warn = message => console.Error($"warning: {message}"), Samplers = extra,
            });
            if (requests is int count) return LoadTest(console, session, count, clientCount, p.GetValue(json));
            return Serve(console, session, address, portValue, p.GetValue(json));
        }));
        return cmd;
    }

    // The samplers asked for (fitted now if needed), or by default those already fitted to this run's model.
    private static List<ILatentSampler> OpenSamplers(CliConsole console, string runPath, string? names, int components, string? dataDir)
    {
        var kinds = new List<VaeSharp.Applications.SamplerKind>();
        if (names is not null)
        {
            foreach (var name in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var kind = VaeSharp.Serialization.ConfigJson.Parse<VaeSharp.Applications.SamplerKind>(name, "--samplers");
                if (kind == VaeSharp.Applications.SamplerKind.Normal) throw new UsageException("--samplers: the prior is always offered; name gmm and/or posterior.");
                if (!kinds.Contains(kind)) kinds.Add(kind);
            }
            if (kinds.Count == 0) throw new UsageException("--samplers: expected gmm and/or posterior, comma-separated.");
        }
        else
        {
            string folder = Path.Combine(runPath, VaeSharp.Applications.LatentSamplers.Folder);
            if (File.Exists(Path.Combine(folder, $"gmm-{components}.safetensors"))) kinds.Add(VaeSharp.Applications.SamplerKind.Gmm);
            if (File.Exists(Path.Combine(folder, "posterior.safetensors"))) kinds.Add(VaeSharp.Applications.SamplerKind.Posterior);
            if (kinds.Count == 0) return [];
        }
        var (config, model) = VaeSharp.Serialization.RunFolder.Load(runPath);
        var samplers = new List<ILatentSampler>();
        foreach (var kind in kinds)
        {
            var (sampler, fitted, file) = VaeSharp.Applications.LatentSamplers.Open(runPath, model, kind,
                () => VaeSharp.Data.DatasetCatalog.Load(config, dataDir).Train, components, config.TrainLimit);
            if (fitted) console.Error($"Fitted the sampler ({sampler.Description}) and saved it to {file}");
            samplers.Add(new FittedSampler(sampler));
        }
        return samplers;
    }

    private static int Serve(CliConsole console, ExplorerSession session, IPAddress address, int port, bool json)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            var server = ExplorerServer.StartAsync(session, new ExplorerServerOptions { Host = address, Port = port, Log = Console.Error }).GetAwaiter().GetResult();
            try
            {
                var map = session.Map;
                if (json)
                    console.Line(JsonSerializer.Serialize(new { url = server.Url.ToString(), run = session.RunPath, examples = session.ExampleCount, latent_dim = map.LatentDim, map_cached = map.FromCache }, OneLine));
                else
                {
                    console.Line($"Exploring {session.RunPath} ({session.Model.Description}, latent {map.LatentDim}, {session.ExampleCount} {session.DataName} test examples on the map{(map.FromCache ? ", from the cache" : "")})");
                    if (session.Tsne is TsneLayout layout)
                    {
                        console.Line(layout.FromCache ? $"t-SNE of the first {layout.Count} examples: from the cache" : $"t-SNE of the first {layout.Count} examples: computing in the background (the map's t-SNE view appears when done)");
                        if (!layout.FromCache)
                            layout.Completion.ContinueWith(_ => console.Line(layout.Failure is string f ? $"t-SNE stopped: {f}" : $"t-SNE view ready ({layout.Seconds:0} s)"), TaskScheduler.Default);
                    }
                    console.Line($"Open {server.Url} in a browser. Ctrl-C stops the server.");
                    if (!IPAddress.IsLoopback(address))
                        console.Error($"warning: listening on {address}, so other machines that reach this one can use the explorer (and read this run's test images and model outputs).");
                }
                stop.Token.WaitHandle.WaitOne();
                server.StopAsync().GetAwaiter().GetResult();
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return VaeCli.Ok;
    }

    private static int LoadTest(CliConsole console, ExplorerSession session, int requests, int clients, bool json)
    {
        session.Tsne?.Completion.Wait();   // measure a server that is not computing its t-SNE view meanwhile
        var server = ExplorerServer.StartAsync(session, new ExplorerServerOptions { Port = 0, Log = Console.Error }).GetAwaiter().GetResult();
        try
        {
            int? label = session.Model.IsConditional ? 0 : null;
            // A short warm-up (JIT, connection pool), not counted.
            ExplorerLoadTest.DecodeAsync(server.Url, session.Model.LatentDim, label, Math.Min(requests, 100), clients, seed: 2).GetAwaiter().GetResult();
            var load = ExplorerLoadTest.DecodeAsync(server.Url, session.Model.LatentDim, label, requests, clients).GetAwaiter().GetResult();
            var bad = BadRequestSuite.RunAsync(server.Url, session.Model.LatentDim, session.Model.ClassCount).GetAwaiter().GetResult();
            if (json)
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    decode = new { load.Requests, load.Clients, load.Errors, p50_ms = load.P50Ms, p99_ms = load.P99Ms, max_ms = load.MaxMs, load.Seconds, requests_per_second = load.RequestsPerSecond, first_error = load.FirstError },
                    bad_requests = new { sent = bad.Sent, as_expected = bad.AsExpected, server_errors = bad.ServerErrors, failures = bad.Failures, serving_after = bad.ServingAfter },
                }, JsonOut.Options));
            }
            else
            {
                console.Line($"Decode: {load.Requests} requests from {load.Clients} client{(load.Clients == 1 ? "" : "s")} in {load.Seconds:0.00} s ({load.RequestsPerSecond:0} per s), {load.Errors} errors; " +
                             $"round trip p50 {load.P50Ms:0.00} ms, p99 {load.P99Ms:0.00} ms, max {load.MaxMs:0.00} ms");
                console.Line($"Bad requests: {bad.Sent} sent, {bad.AsExpected} answered with the expected 4xx and a JSON error, {bad.ServerErrors} server errors; " +
                             $"serving afterwards: {(bad.ServingAfter ? "yes" : "NO")}");
                foreach (var f in bad.Failures) console.Error($"  not as expected: {f}");
                if (load.FirstError is string e) console.Error($"  first decode error: {e}");
            }
            return load.Errors == 0 && bad.Failures.Count == 0 && bad.ServerErrors == 0 && bad.ServingAfter ? VaeCli.Ok : VaeCli.RuntimeError;
        }
        finally
        {
            server.StopAsync().GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
