using System.Text;
using System.Text.Json;

namespace VaeSharp.Explorer.Tests;

// The gate's policy (one model call at a time, a bounded number waiting, 503 beyond) and that concurrent clients
// get exactly the answers they would get alone.
[Collection("explorer run")]
public sealed class ConcurrencyTests(ExplorerRunFixture run)
{
    [Fact]
    public async Task SixteenConcurrentClients_GetTheSameBytesAsSequentialRequests()
    {
        var rng = new Engine.Random.RandomGenerator(11);
        var bodies = Enumerable.Range(0, 64).Select(_ =>
        {
            var z = new float[ExplorerRunFixture.LatentDim];
            rng.FillNormal(z);
            return $"{{\"z\":{JsonSerializer.Serialize(z)}}}";
        }).ToArray();
        async Task<byte[]> Decode(string body)
        {
            using var response = await run.Http.PostAsync("api/decode", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return await response.Content.ReadAsByteArrayAsync();
        }
        var sequential = new List<byte[]>();
        foreach (var b in bodies) sequential.Add(await Decode(b));
        Assert.True(sequential.Distinct(new BytesComparer()).Count() > 60, "different codes should decode to different images");

        var concurrent = new byte[bodies.Length][];
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length) concurrent[i] = await Decode(bodies[i]);
        })));
        for (int i = 0; i < bodies.Length; i++) Assert.Equal(sequential[i], concurrent[i]);
    }

    [Fact]
    public async Task Gate_RunsOneCallAtATime()
    {
        var gate = new InferenceGate(maxWaiting: 100);
        int inside = 0, most = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => gate.RunAsync(() =>
        {
            int now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            Thread.Sleep(1);
            Interlocked.Decrement(ref inside);
            return 0;
        }))));
        Assert.Equal(1, most);
        Assert.Equal(32, gate.Completed);
    }

    [Fact]
    public async Task Gate_RefusesCallersBeyondItsQueue_AndAfterItsLongestWait()
    {
        var gate = new InferenceGate(maxWaiting: 2, maxWait: TimeSpan.FromSeconds(1));
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var holder = Task.Run(() => gate.RunAsync(() => { entered.Set(); release.Wait(); return 1; }));
        entered.Wait();
        var waiters = new[] { Task.Run(() => gate.RunAsync(() => 2)), Task.Run(() => gate.RunAsync(() => 3)) };
        while (gate.Pending < 3) await Task.Delay(5);
        var refused = await Assert.ThrowsAsync<ServerBusyException>(() => gate.RunAsync(() => 4));
        Assert.Contains("2 requests are already waiting", refused.Message);
        // The two waiters time out while the holder keeps the gate.
        foreach (var w in waiters) Assert.Contains("no turn within", (await Assert.ThrowsAsync<ServerBusyException>(() => w)).Message);
        release.Set();
        Assert.Equal(1, await holder);
        Assert.Equal(5, await gate.RunAsync(() => 5));   // and it serves again
        Assert.Equal(3, gate.Refused);
    }

    [Fact]
    public async Task ABusyModel_IsAnswered503WithRetryAfter_AndServesAgainWhenFree()
    {
        using var session = ExplorerSession.Open(run.RunPath, new ExplorerSessionOptions { MaxWaiting = 0, TsnePoints = 0 });
        await using var server = await ExplorerServer.StartAsync(session, new ExplorerServerOptions { Port = 0 });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.Url };
        string body = $"{{\"z\":{JsonSerializer.Serialize(new float[ExplorerRunFixture.LatentDim])}}}";
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var holder = Task.Run(() => session.Gate.RunAsync(() => { entered.Set(); release.Wait(); return 0; }));
        entered.Wait();
        using (var busy = await http.PostAsync("api/decode", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
            Assert.Contains("the model is busy", JsonDocument.Parse(await busy.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        release.Set();
        await holder;
        using var free = await http.PostAsync("api/decode", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(free.IsSuccessStatusCode);
        await server.StopAsync();
    }

    [Fact]
    public async Task BadAndGoodRequestsInterleaved_GoodOnesAllSucceed()
    {
        string good = $"{{\"z\":{JsonSerializer.Serialize(new float[ExplorerRunFixture.LatentDim])}}}";
        var results = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => Task.Run(async () =>
        {
            using var response = await run.Http.PostAsync("api/decode", new StringContent(i % 2 == 0 ? good : "{\"z\":[NaN]}", Encoding.UTF8, "application/json"));
            return (i, (int)response.StatusCode);
        })));
        Assert.All(results, r => Assert.Equal(r.i % 2 == 0 ? 200 : 400, r.Item2));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? a, byte[]? b) => a.AsSpan().SequenceEqual(b);
        public int GetHashCode(byte[] a) => a.Length ^ (a.Length > 100 ? a[100] : 0);
    }
}
