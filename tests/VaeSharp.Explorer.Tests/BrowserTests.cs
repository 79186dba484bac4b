using System.Text.Json;
using Microsoft.Playwright;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer.Tests;

// The page in a real browser: Playwright for .NET driving the system's Chromium (Debian's `chromium` package; .ci/run
// installs it). Playwright cannot fetch a browser here and is never asked to: the browser is launched by its path.
// Without Chromium the tests are skipped, visibly. The walk: load the page with no console errors, count the map's
// points, click one and see its reconstruction, drag a slider and see the decoded pixels change, draw a stroke and
// see it encoded and placed, sample, interpolate. TakeReadmeScreenshot does the same walk on a real run
// (VAESHARP_EXPLORER_RUN=runs/mnist-vae) and writes docs/images/explorer.png.
[Collection("explorer run")]
public sealed class BrowserTests(ExplorerRunFixture run)
{
    internal static string? Chromium() =>
        new[] { Environment.GetEnvironmentVariable("VAESHARP_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    internal static async Task<(IPlaywright, IBrowser)> Launch()
    {
        string chromium = Chromium()!;
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    [SkippableFact]
    public async Task Page_MapSelectionSlidersAndDrawing_WorkInChromium()
    {
        Skip.If(Chromium() is null, "no Chromium found (apt-get install chromium, or set VAESHARP_CHROMIUM); .ci/run installs it");
        var (playwright, browser) = await Launch();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var walk = await Walk(page, run.Server.Url, ExplorerRunFixture.TestExamples);

            // The reconstruction on the page is the model's decoding of the clicked example's posterior mean.
            var oracle = RunFolder.Load(run.RunPath).Model;
            var expected = Inference.Run(oracle, () => oracle.DecodeMean(Tensor.FromArray(run.Session.Mean(walk.Clicked), 1, 8)).ToArray());
            var picture = ImageGrid.Compose(expected, 1, 1, 28, 28, 1, padding: 0).Pixels.Select(b => (int)b).ToArray();
            Assert.Equal(picture.Length, walk.ClickedRecon.Length);
            Assert.True(picture.Zip(walk.ClickedRecon, (a, b) => Math.Abs(a - b)).Max() <= 1, "the shown reconstruction is not the model's");

            // Without ?map=, the page opens on the t-SNE view once it is computed.
            await run.Session.Tsne!.Completion;
            await page.GotoAsync(run.Server.Url.ToString());
            await page.WaitForFunctionAsync("() => window.explorer && window.explorer.ready");
            Assert.Equal("tsne", await page.EvaluateAsync<string>("() => window.explorer.points.map"));
            Assert.Equal("tsne", await page.InputValueAsync("#map-kind"));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [SkippableFact]
    public async Task TakeReadmeScreenshot_OfARealRun()
    {
        string? runPath = Environment.GetEnvironmentVariable("VAESHARP_EXPLORER_RUN");
        Skip.If(runPath is null, "set VAESHARP_EXPLORER_RUN to a trained run (runs/mnist-vae) to take docs/images/explorer.png");
        Skip.If(Chromium() is null, "no Chromium found");
        var session = ExplorerSession.Open(runPath);
        await using var server = await ExplorerServer.StartAsync(session, new ExplorerServerOptions { Port = 0 });
        var (playwright, browser) = await Launch();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 1100 } });
            await Walk(page, server.Url, session.ExampleCount);
            // The t-SNE view (computed in the background, or read from the run's cache), with a point hovered.
            await page.SelectOptionAsync("#map-kind", "tsne");
            await page.WaitForFunctionAsync("() => window.explorer.points.map === 'tsne'", null, new PageWaitForFunctionOptions { Timeout = 600_000, PollingInterval = 500 });
            var at = await page.EvaluateAsync<JsonElement>("() => window.explorer.screenPositionOf(12)");
            await page.Mouse.MoveAsync((float)at.GetProperty("x").GetDouble(), (float)at.GetProperty("y").GetDouble());
            await page.WaitForFunctionAsync("() => !document.getElementById('tooltip').hidden && document.getElementById('tooltip-image').complete");
            string file = Environment.GetEnvironmentVariable("VAESHARP_EXPLORER_SCREENSHOT") ?? Path.Combine(RepositoryRoot(), "docs", "images", "explorer.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
            Assert.True(new FileInfo(file).Length > 10_000);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
            await server.StopAsync();
        }
    }

    internal sealed record WalkResult(int Clicked, int[] ClickedRecon);

    // The walk every browser test makes; asserts as it goes and returns what the caller checks against oracles.
    internal static async Task<WalkResult> Walk(IPage page, Uri url, int expectedPoints)
    {
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => problems.Add($"page error: {e}");
        page.RequestFailed += (_, r) => problems.Add($"request failed: {r.Url} {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) problems.Add($"HTTP {r.Status}: {r.Url}"); };

        await page.GotoAsync(new Uri(url, "?map=pca").ToString());
        await WaitFor(page, problems, "() => window.explorer && window.explorer.ready && window.explorer.decodes >= 1");
        Assert.Equal("pca", await page.EvaluateAsync<string>("() => window.explorer.points.map"));
        Assert.Equal(expectedPoints, await page.EvaluateAsync<int>("() => window.explorer.pointCount"));
        Assert.Equal(expectedPoints, await page.EvaluateAsync<int>("() => window.explorer.points.x.length"));

        // One slider per latent dimension, in the order of decreasing KL that /api/info gives, inactive ones marked.
        var sliderDims = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('#sliders input')].map(i => Number(i.dataset.dim))");
        var infoDims = await page.EvaluateAsync<int[]>("() => window.explorer.info.dimensions.map(d => d.index)");
        Assert.Equal(infoDims, sliderDims);
        Assert.Equal(await page.EvaluateAsync<int>("() => window.explorer.info.dimensions.filter(d => !d.active).length"),
            await page.EvaluateAsync<int>("() => document.querySelectorAll('#sliders .name.inactive').length"));

        // The wheel zooms about the cursor (the point moves away from it); Fit puts the view back.
        int target = Math.Min(7, expectedPoints - 1);
        var home = await page.EvaluateAsync<JsonElement>($"() => window.explorer.screenPositionOf({target})");
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(map.X + map.Width / 3, map.Y + map.Height / 3);
        await page.Mouse.WheelAsync(0, -400);
        await WaitFor(page, problems, $"() => Math.abs(window.explorer.screenPositionOf({target}).x - {home.GetProperty("x").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)}) > 5");
        await page.ClickAsync("#reset-view");
        var back = await page.EvaluateAsync<JsonElement>($"() => window.explorer.screenPositionOf({target})");
        Assert.Equal(home.GetProperty("x").GetDouble(), back.GetProperty("x").GetDouble(), 1e-6);

        // Hover then click a point: the tooltip shows its image, the selection its reconstruction.
        var at = await page.EvaluateAsync<JsonElement>($"() => window.explorer.screenPositionOf({target})");
        double px = at.GetProperty("x").GetDouble(), py = at.GetProperty("y").GetDouble();
        await page.Mouse.MoveAsync((float)px, (float)py);
        await WaitFor(page, problems, "() => !document.getElementById('tooltip').hidden");
        int before = await page.EvaluateAsync<int>("() => window.explorer.decodes");
        await page.Mouse.ClickAsync((float)px, (float)py);
        await WaitFor(page, problems, $"() => window.explorer.selected !== null && window.explorer.decodes > {before} && !window.explorer.busy");
        int clicked = await page.EvaluateAsync<int>("() => window.explorer.selected");
        var clickedAt = await page.EvaluateAsync<JsonElement>($"() => window.explorer.screenPositionOf({clicked})");
        Assert.True(Math.Abs(clickedAt.GetProperty("x").GetDouble() - px) < 8.5 && Math.Abs(clickedAt.GetProperty("y").GetDouble() - py) < 8.5, "the selected point is not under the click");
        await WaitFor(page, problems, "() => document.getElementById('original').complete && document.getElementById('original').naturalWidth > 0");
        var recon = await Pixels(page, "recon");
        Assert.Equal(784, recon.Length);
        Assert.True(recon.Max() > 100, "the reconstruction is blank");

        // Drag the first (largest-KL) slider: the decoded picture follows while dragging.
        var slider = page.Locator("#sliders input").First;
        var box = (await slider.BoundingBoxAsync())!;
        before = await page.EvaluateAsync<int>("() => window.explorer.decodes");
        float cy = box.Y + box.Height / 2;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, cy);
        await page.Mouse.DownAsync();
        for (int step = 1; step <= 6; step++) await page.Mouse.MoveAsync(box.X + box.Width * (0.5f + 0.08f * step), cy);
        await page.Mouse.UpAsync();
        await WaitFor(page, problems, $"() => window.explorer.decodes > {before} && !window.explorer.busy");
        var moved = await Pixels(page, "recon");
        double change = recon.Zip(moved, (a, b) => Math.Abs(a - b)).Sum() / 784.0;
        Assert.True(change > 2, $"moving the slider changed the decoded pixels by only {change:0.00} on average");
        Assert.True(await page.EvaluateAsync<double>("() => Math.abs(Number(document.querySelector('#sliders input').value))") > 1, "the slider did not move");

        // Interpolate from the clicked example (A) to another (B).
        await page.ClickAsync("#set-a");
        int other = Math.Min(expectedPoints - 1, 200);
        var otherAt = await page.EvaluateAsync<JsonElement>($"() => window.explorer.screenPositionOf({other})");
        await page.Mouse.ClickAsync((float)otherAt.GetProperty("x").GetDouble(), (float)otherAt.GetProperty("y").GetDouble());
        await WaitFor(page, problems, $"() => window.explorer.selected !== {clicked} && window.explorer.selected !== null");
        await page.ClickAsync("#set-b");
        await page.ClickAsync("#interpolate");
        await WaitFor(page, problems, "() => document.getElementById('path-strip').naturalWidth === 280");

        // Traverse and sample.
        await page.ClickAsync("#traverse");
        await WaitFor(page, problems, "() => document.getElementById('traverse-strip').naturalWidth === 11 * 28");
        await page.ClickAsync("#sample");
        await WaitFor(page, problems, "() => document.getElementById('samples').naturalWidth === 4 * 28");

        // Open an image file (the drop target's path): a test digit, written as a PNG, encodes to its own mean.
        string digit = Path.Combine(Path.GetTempPath(), $"vaesharp-digit-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(digit, await (await page.APIRequest.GetAsync(new Uri(url, $"api/examples/{target}/image.png").ToString())).BodyAsync());
        await page.SetInputFilesAsync("#file", digit);
        await WaitFor(page, problems, "() => window.explorer.encodes === 1 && !window.explorer.busy");
        File.Delete(digit);
        var example = await page.EvaluateAsync<JsonElement>($"async () => (await fetch('/api/examples/{target}')).json()");
        var opened = await page.EvaluateAsync<JsonElement>("() => window.explorer.drawn");
        Assert.Equal(example.GetProperty("z").EnumerateArray().Select(e => e.GetSingle()), opened.GetProperty("z").EnumerateArray().Select(e => e.GetSingle()));
        Assert.Equal(target, opened.GetProperty("nearest").GetInt32());


        // Clear the pad, then draw a stroke (a "7"): it is encoded, reconstructed and placed on the map.
        await page.ClickAsync("#clear");
        Assert.True(await page.EvaluateAsync<bool>("() => window.explorer.drawn === null"));
        await page.Locator("#draw").ScrollIntoViewIfNeededAsync();
        var pad = (await page.Locator("#draw").BoundingBoxAsync())!;
        (float X, float Y) P(float fx, float fy) => (pad.X + pad.Width * fx, pad.Y + pad.Height * fy);
        var (sx, sy) = P(0.25f, 0.25f);
        await page.Mouse.MoveAsync(sx, sy);
        await page.Mouse.DownAsync();
        foreach (var (fx, fy) in new[] { (0.45f, 0.25f), (0.7f, 0.25f), (0.6f, 0.45f), (0.5f, 0.65f), (0.42f, 0.8f) })
        {
            var (mx, my) = P(fx, fy);
            await page.Mouse.MoveAsync(mx, my, new MouseMoveOptions { Steps = 4 });
        }
        await page.Mouse.UpAsync();
        await WaitFor(page, problems, "() => window.explorer.encodes === 2 && window.explorer.drawn !== null && document.getElementById('drawn-recon').naturalWidth === 28 && !window.explorer.busy");
        var drawn = await page.EvaluateAsync<JsonElement>("() => window.explorer.drawn");
        Assert.All(drawn.GetProperty("z").EnumerateArray(), v => Assert.True(double.IsFinite(v.GetDouble())));
        Assert.Equal(2, drawn.GetProperty("pca").GetArrayLength());
        Assert.True((await Pixels(page, "drawn-recon")).Max() > 100, "the drawing's reconstruction is blank");

        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.explorer.errors"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return new WalkResult(clicked, recon);
    }

    // Waits for a condition on the page; on a timeout, says what the page's status line and the listeners saw.
    private static async Task WaitFor(IPage page, List<string> problems, string condition)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            string status = await page.EvaluateAsync<string>("() => document.getElementById('status').textContent");
            string state = await page.EvaluateAsync<string>("() => JSON.stringify({ decodes: window.explorer.decodes, encodes: window.explorer.encodes, busy: window.explorer.busy, selected: window.explorer.selected, errors: window.explorer.errors })");
            Assert.Fail($"timed out waiting for {condition}; status '{status}', state {state}; {string.Join("; ", problems)}");
        }
    }

    // The gray values of an <img> on the page, read back through a canvas at its natural size.
    private static async Task<int[]> Pixels(IPage page, string id) =>
        await page.EvaluateAsync<int[]>($$"""
            () => {
              const img = document.getElementById('{{id}}');
              const c = document.createElement('canvas');
              c.width = img.naturalWidth; c.height = img.naturalHeight;
              const g = c.getContext('2d');
              g.drawImage(img, 0, 0);
              const d = g.getImageData(0, 0, c.width, c.height).data;
              const out = [];
              for (let i = 0; i < d.length; i += 4) out.push(d[i]);
              return out;
            }
            """);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VaeSharp.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("VaeSharp.slnx not found above the test's folder");
    }
}
