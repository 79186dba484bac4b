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
            if (BrowserTests.Chromium() is not null) await ColourByScoreInChromium(server.Url, session.Threshold!.Value, served);
        }
        finally
        {
            await server.StopAsync();
        }
        // Without a threshold there are no scores.
        var plain = await run.Http.GetFromJsonAsync<JsonElement>("api/points?map=pca");
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("scores").ValueKind);
    }

    // The page shows the colour choice, and colouring by score paints the points above the threshold red, with no console error.
    private static async Task ColourByScoreInChromium(Uri url, double threshold, double[] scores)
    {
        var (playwright, browser) = await BrowserTests.Launch();
        try
        {
            var page = await browser.NewPageAsync();
            var problems = new List<string>();
            page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add(m.Text); };
            page.PageError += (_, e) => problems.Add(e);
            await page.GotoAsync(new Uri(url, "?map=pca").ToString());
            await page.WaitForFunctionAsync("() => window.explorer && window.explorer.ready");
            Assert.True(await page.IsVisibleAsync("#colour-by"));
            // Pixels of one colour on the map, read through a copy of the canvas.
            string count = """
                ([r, g, b]) => {
                  const c = document.getElementById('map'), t = document.createElement('canvas');
                  t.width = c.width; t.height = c.height;
                  const g2 = t.getContext('2d', { willReadFrequently: true });
                  g2.drawImage(c, 0, 0);
                  const d = g2.getImageData(0, 0, t.width, t.height).data;
                  let n = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++;
                  return n;
                }
                """;
            int[] green = [44, 160, 44], red = [214, 39, 40];   // label 2's colour; the flagged points' colour
            Assert.True(await page.EvaluateAsync<int>(count, green) > 0, "no point of label 2 drawn by label");
            await page.SelectOptionAsync("#colour-by", "score");
            await page.WaitForTimeoutAsync(200);
            int flagged = scores.Count(v => v > threshold);
            Assert.True(flagged > 0, "the threshold flags no test example");
            Assert.Equal(0, await page.EvaluateAsync<int>(count, green));   // every point recoloured by its score
            Assert.True(await page.EvaluateAsync<int>(count, red) > 0, $"no red point with {flagged} flagged");
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
