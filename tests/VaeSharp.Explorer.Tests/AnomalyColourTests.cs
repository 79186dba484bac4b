using System.Net.Http.Json;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer.Tests;

// A run with a fitted anomaly threshold (vae detect --fit): the map offers its points' anomaly scores, the same scores
// vae detect computes, and /api/info names the score and the threshold.
[Collection("explorer run")]
public sealed class AnomalyColourTests(ExplorerRunFixture run)
{
    [Fact]
    public async Task ARunWithAThreshold_ServesEachPointsScore_AsVaeDetectComputesIt()
    {
        string copy = Path.Combine(Path.GetDirectoryName(run.RunPath)!, "with-threshold");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(run.RunPath)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)), overwrite: true);
        var (config, model) = RunFolder.Load(copy);
        var (train, test) = DatasetCatalog.Load(config);
        var fitScores = AnomalyScoring.Score(model, train.Take(200)).Of(AnomalyScoreKind.Reconstruction);
        AnomalyThreshold.Fit(fitScores, 90, AnomalyScoreKind.Reconstruction, data: config.Data).Save(copy);

        using var session = ExplorerSession.Open(copy, new ExplorerSessionOptions { TsnePoints = 0 });
        var expected = AnomalyScoring.Score(model, test.Take(session.ExampleCount)).Of(AnomalyScoreKind.Reconstruction);
        Assert.Equal(expected, session.AnomalyScores);
        var server = await ExplorerServer.StartAsync(session, new ExplorerServerOptions { Port = 0 });
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.Url };
            var info = await http.GetFromJsonAsync<JsonElement>("api/info");
            var anomaly = info.GetProperty("anomaly");
            Assert.Equal("reconstruction", anomaly.GetProperty("score").GetString());
            Assert.Equal(90, anomaly.GetProperty("percentile").GetDouble());
            var points = await http.GetFromJsonAsync<JsonElement>("api/points?map=pca");
            var served = points.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(expected, served);
        }
        finally
        {
            await server.StopAsync();
        }
        // Without a threshold there are no scores.
        var plain = await run.Http.GetFromJsonAsync<JsonElement>("api/points?map=pca");
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("scores").ValueKind);
    }
}
