using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace VaeSharp.Explorer.Load;

// A bounded load test of a running explorer, for the tests and for the figures in docs/explorer.md: `requests`
// POST /api/decode calls with codes z ~ N(0, I) (stream ExplorerLoad of the seed, so every run sends the same codes)
// from `clients` concurrent clients, each timed from sending to the last byte of the PNG. It talks to loopback
// addresses only and stops at its time limit.

/// <summary>Sends decode requests to an explorer on this machine and reports errors and latencies.</summary>
public static class ExplorerLoadTest
{
    /// <summary>Runs the load test against <paramref name="server"/> (a loopback address).</summary>
    /// <param name="server">The explorer's address (http://127.0.0.1:PORT/ or localhost).</param>
    /// <param name="latentDim">The model's latent dimension.</param>
    /// <param name="label">The class to send to a conditional model, else null.</param>
    /// <param name="requests">How many requests, 1 to 1,000,000.</param>
    /// <param name="clients">How many concurrent clients, 1 to 256.</param>
    /// <param name="seed">Seed of the codes sent.</param>
    /// <param name="timeLimit">Stop sending after this long (default 10 minutes); unsent requests count as errors.</param>
    /// <exception cref="ArgumentException">The address is not on this machine, or a count is out of range.</exception>
    public static async Task<LoadTestReport> DecodeAsync(Uri server, int latentDim, int? label, int requests, int clients, ulong seed = 1, TimeSpan? timeLimit = null)
    {
        RequireLoopback(server);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        if (requests is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(requests), requests, "Send 1 to 1,000,000 requests.");
        if (clients is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(clients), clients, "Use 1 to 256 clients.");
        var limit = timeLimit ?? TimeSpan.FromMinutes(10);

        var rng = RngStreams.Create(seed, RngStream.ExplorerLoad);
        var bodies = new byte[requests][];
        var z = new float[latentDim];
        for (int i = 0; i < requests; i++)
        {
            rng.FillNormal(z);
            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(label is int c ? new { z, label = c } : (object)new { z });
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new double[requests];
        int next = -1, errors = 0;
        string? firstError = null;
        var total = Stopwatch.StartNew();
        async Task Client()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                if (total.Elapsed > limit) { Fail($"time limit of {limit.TotalSeconds:0} s reached"); latencies[i] = double.NaN; continue; }
                var watch = Stopwatch.StartNew();
                try
                {
                    using var content = new ByteArrayContent(bodies[i]);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync("api/decode", content).ConfigureAwait(false);
                    var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    watch.Stop();
                    latencies[i] = watch.Elapsed.TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "image/png" || !IsPng(bytes))
                        Fail($"request {i}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(200, bytes.Length)))}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    latencies[i] = double.NaN;
                    Fail($"request {i}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        void Fail(string message)
        {
            Interlocked.Increment(ref errors);
            Interlocked.CompareExchange(ref firstError, message, null);
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client))).ConfigureAwait(false);
        total.Stop();
        var timed = latencies.Where(double.IsFinite).Order().ToArray();
        return new LoadTestReport(requests, clients, errors, Percentile(timed, 0.50), Percentile(timed, 0.99), timed.Length > 0 ? timed[^1] : double.NaN,
            total.Elapsed.TotalSeconds, firstError);
    }

    /// <summary>The nearest-rank percentile (<paramref name="q"/> in (0, 1]) of sorted values; NaN for none.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Throws unless <paramref name="server"/> is an http address on this machine (127.0.0.0/8, [::1] or localhost).</summary>
    public static void RequireLoopback(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        bool local = server.Scheme == Uri.UriSchemeHttp && (server.IsLoopback || (IPAddress.TryParse(server.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
        if (!local) throw new ArgumentException($"{server}: the load test sends only to this machine (http://127.0.0.1:PORT/ or localhost).", nameof(server));
    }

    internal static bool IsPng(byte[] bytes) => bytes.Length > 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G';
}
