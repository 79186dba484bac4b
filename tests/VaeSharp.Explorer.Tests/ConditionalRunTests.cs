using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using VaeSharp.Data;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Explorer.Load;
using VaeSharp.Imaging;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Explorer.Tests;

// A tiny conditional VAE: every decode and encode needs a class, the page shows a class selector.
public sealed class ConditionalRunFixture : IAsyncLifetime
{
    public string RunPath { get; } = Path.Combine(Path.GetTempPath(), "vaesharp-explorer-" + Guid.NewGuid().ToString("N"), "cvae");

    public ExplorerSession Session { get; private set; } = null!;

    public ExplorerServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (train, test) = DatasetCatalog.Load("mnist");
        var slice = train.Take(500);
        var (config, options) = new TrainingRequest { Conditional = true, Hidden = [32], LatentDim = 4, Epochs = 1, BatchSize = 100 }.Resolve(slice, "mnist");
        using (var run = TrainingRun.Start(RunPath, config with { TrainLimit = 500, TestLimit = 100 }, slice, test.Take(100), options)) run.RunToEnd();
        Session = ExplorerSession.Open(RunPath, new ExplorerSessionOptions { TsnePoints = 0 });
        Server = await ExplorerServer.StartAsync(Session, new ExplorerServerOptions { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        Session.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(RunPath)!, recursive: true); } catch (IOException) { }
    }
}

public sealed class ConditionalRunTests(ConditionalRunFixture run) : IClassFixture<ConditionalRunFixture>
{
    private HttpClient Http() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = run.Server.Url };

    [Fact]
    public async Task Decode_NeedsAClass_AndDecodesWithIt()
    {
        using var http = Http();
        var info = JsonDocument.Parse(await http.GetStringAsync("api/info")).RootElement;
        Assert.True(info.GetProperty("conditional").GetBoolean());
        Assert.Equal(10, info.GetProperty("class_count").GetInt32());
        float[] z = [0.3f, -0.2f, 1f, 0f];
        using var missing = await http.PostAsync("api/decode", new StringContent($"{{\"z\":{JsonSerializer.Serialize(z)}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("needs a class from 0 to 9", await missing.Content.ReadAsStringAsync());

        var oracle = RunFolder.Load(run.RunPath).Model;
        foreach (int label in new[] { 3, 8 })
        {
            using var response = await http.PostAsync("api/decode", new StringContent($"{{\"z\":{JsonSerializer.Serialize(z)},\"label\":{label}}}", Encoding.UTF8, "application/json"));
            var image = ImageCodec.Decode(await response.Content.ReadAsByteArrayAsync());
            var expected = Inference.Run(oracle, () => oracle.DecodeMean(Tensor.FromArray(z, 1, 4), [label]).ToArray());
            Assert.Equal(ImageGrid.Compose(expected, 1, 1, 28, 28, 1, padding: 0).Pixels, image.Pixels);
        }

        var png = await http.GetByteArrayAsync("api/examples/0/image.png");
        using var noLabel = new ByteArrayContent(png);
        noLabel.Headers.ContentType = new("image/png");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("api/encode", noLabel)).StatusCode);
        using var withLabel = new ByteArrayContent(png);
        withLabel.Headers.ContentType = new("image/png");
        using var encoded = await http.PostAsync($"api/encode?label={run.Session.Label(0)}", withLabel);
        var z0 = JsonDocument.Parse(await encoded.Content.ReadAsStringAsync()).RootElement.GetProperty("z").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(run.Session.Mean(0), z0);
    }

    [Fact]
    public async Task BadRequestSuite_ForAConditionalModel_IsRefusedAsExpected()
    {
        var report = await BadRequestSuite.RunAsync(run.Server.Url, 4, 10);
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
        Assert.True(report.ServingAfter);
    }

    [SkippableFact]
    public async Task Page_ShowsAClassSelector_ThatChangesTheDecodedImage()
    {
        Skip.If(BrowserTests.Chromium() is null, "no Chromium found (apt-get install chromium); .ci/run installs it");
        var (playwright, browser) = await BrowserTests.Launch();
        try
        {
            var page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
            await page.GotoAsync(run.Server.Url.ToString());
            await page.WaitForFunctionAsync("() => window.explorer && window.explorer.ready && window.explorer.decodes >= 1 && !window.explorer.busy");
            Assert.True(await page.IsVisibleAsync("#label"));
            Assert.Equal(10, await page.Locator("#label option").CountAsync());
            string before = await page.EvaluateAsync<string>("() => document.getElementById('recon').src");
            int decodes = await page.EvaluateAsync<int>("() => window.explorer.decodes");
            await page.SelectOptionAsync("#label", "7");
            await page.WaitForFunctionAsync($"() => window.explorer.decodes > {decodes} && !window.explorer.busy");
            Assert.NotEqual(before, await page.EvaluateAsync<string>("() => document.getElementById('recon').src"));
            Assert.Empty(errors);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task APerClassSampler_DrawsTheAskedClassesCodes_AndNeedsAClass()
    {
        var (config, model) = Serialization.RunFolder.Load(run.RunPath);
        var (sampler, _, _) = Applications.LatentSamplers.Open(run.RunPath, model, Applications.SamplerKind.Gmm, () => DatasetCatalog.Load(config).Train, components: 2, config.TrainLimit);
        Assert.True(sampler.IsClassConditional);
        using var session = ExplorerSession.Open(run.RunPath, new ExplorerSessionOptions { Samplers = [new FittedSampler(sampler)], TsnePoints = 0 });
        var server = await ExplorerServer.StartAsync(session, new ExplorerServerOptions { Port = 0 });
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.Url };
            StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("api/sample", Body("{\"count\":4,\"seed\":3,\"sampler\":\"gmm\",\"label\":7}"));
            var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            float[] served = [.. result.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetSingle()))];
            Assert.Equal(sampler.Sample(RngStreams.Create(3, RngStream.Sampling), 4, [7, 7, 7, 7]), served);
            using var missing = await http.PostAsync("api/sample", Body("{\"count\":4,\"sampler\":\"gmm\"}"));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("needs a class from 0 to 9", await missing.Content.ReadAsStringAsync());
            using var traversal = await http.PostAsync("api/sample", Body("{\"count\":4,\"sampler\":\"gmm\",\"label\":\"../../etc/passwd\"}"));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, traversal.StatusCode);
            using var outOfRange = await http.PostAsync("api/sample", Body("{\"count\":4,\"sampler\":\"gmm\",\"label\":10}"));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, outOfRange.StatusCode);
            // The prior takes the page's class and ignores it.
            using var prior = await http.PostAsync("api/sample", Body("{\"count\":2,\"label\":3}"));
            Assert.Equal(System.Net.HttpStatusCode.OK, prior.StatusCode);
        }
        finally
        {
            await server.StopAsync();
        }
    }
}
