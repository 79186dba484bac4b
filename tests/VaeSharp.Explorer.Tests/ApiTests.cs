using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer.Tests;

// The API against independent oracles: a second copy of the run's model loaded from its folder, the library's
// LatentEmbedding, Generation and LatentPath, and the test set itself.
[Collection("explorer run")]
public sealed class ApiTests(ExplorerRunFixture run)
{
    private readonly LatentVariableModel _oracle = RunFolder.Load(run.RunPath).Model;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Code(float[] z) => JsonSerializer.Serialize(z);

    private Image8 OracleDecode(float[] codes, int count, int columns) =>
        ImageGrid.Compose(Inference.Run(_oracle, () => _oracle.DecodeMean(Tensor.FromArray(codes, count, _oracle.LatentDim)).ToArray()),
            count, 1, 28, 28, columns, padding: 0);

    private async Task<JsonElement> GetJson(string path)
    {
        using var response = await run.Http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<Image8> PostPng(string path, string json)
    {
        using var response = await run.Http.PostAsync(path, Json(json));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return ImageCodec.Decode(bytes);
    }

    [Fact]
    public async Task Info_DescribesTheRun_WithDimensionsByDecreasingKl()
    {
        var info = await GetJson("api/info");
        Assert.Equal("vae", info.GetProperty("family").GetString());
        Assert.Equal(ExplorerRunFixture.LatentDim, info.GetProperty("latent_dim").GetInt32());
        Assert.Equal(ExplorerRunFixture.TestExamples, info.GetProperty("examples").GetInt32());
        Assert.False(info.GetProperty("conditional").GetBoolean());
        Assert.Equal(10, info.GetProperty("class_names").GetArrayLength());
        var stats = LatentStatistics.Compute(_oracle, run.Test);
        var dims = info.GetProperty("dimensions").EnumerateArray().ToArray();
        Assert.Equal(ExplorerRunFixture.LatentDim, dims.Length);
        for (int k = 0; k < dims.Length; k++)
        {
            int u = dims[k].GetProperty("index").GetInt32();
            Assert.Equal(stats.KlPerDimension[u], dims[k].GetProperty("kl").GetDouble(), 1e-12);
            Assert.Equal(stats.Activity[u] > 0.01, dims[k].GetProperty("active").GetBoolean());
            if (k > 0) Assert.True(dims[k].GetProperty("kl").GetDouble() <= dims[k - 1].GetProperty("kl").GetDouble());
        }
        Assert.Equal("prior", info.GetProperty("samplers")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Points_AreThePosteriorMeans_InTwoDimsOrOnThePrincipalComponents()
    {
        var embedding = LatentEmbedding.Compute(_oracle, run.Test);
        var dims = await GetJson("api/points?map=dims&x=2&y=5");
        Assert.Equal(ExplorerRunFixture.TestExamples, dims.GetProperty("count").GetInt32());
        var xs = dims.GetProperty("x").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var ys = dims.GetProperty("y").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(embedding.Column(2), xs);
        Assert.Equal(embedding.Column(5), ys);
        Assert.Equal(embedding.Labels, dims.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray());

        var pca = PrincipalComponents.Compute(embedding.Means);
        var map = await GetJson("api/points?map=pca");
        var px = map.GetProperty("x").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var py = map.GetProperty("y").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var row = new float[ExplorerRunFixture.LatentDim];
        for (int i = 0; i < px.Length; i++)
        {
            for (int u = 0; u < row.Length; u++) row[u] = embedding.Means[i, u];
            var p = pca.Project(row);
            Assert.Equal((float)p[0], px[i]);
            Assert.Equal((float)p[1], py[i]);
        }
        Assert.StartsWith("PC1 (", map.GetProperty("x_label").GetString());
    }

    [Fact]
    public async Task Example_GivesItsMeanAndImage()
    {
        var embedding = LatentEmbedding.Compute(_oracle, run.Test, limit: 20);
        var example = await GetJson("api/examples/17");
        Assert.Equal(run.Test.Label(17), example.GetProperty("label").GetInt32());
        Assert.Equal(embedding.Means.Cast<float>().Skip(17 * 8).Take(8).ToArray(), example.GetProperty("z").EnumerateArray().Select(e => e.GetSingle()).ToArray());
        var image = ImageCodec.Decode(await run.Http.GetByteArrayAsync("api/examples/17/image.png"));
        var x = new float[784];
        run.Test.CopyExamples([17], x);
        Assert.Equal(ImageGrid.Compose(x, 1, 1, 28, 28, 1, padding: 0).Pixels, image.Pixels);
    }

    [Fact]
    public async Task Decode_IsTheModelsMean_PixelForPixel()
    {
        float[] z = [0.5f, -1f, 0.25f, 2f, 0f, -0.75f, 1.5f, 0.1f];
        var image = await PostPng("api/decode", $"{{\"z\":{Code(z)}}}");
        Assert.Equal((28, 28, 1), (image.Width, image.Height, image.Channels));
        Assert.Equal(OracleDecode(z, 1, 1).Pixels, image.Pixels);
    }

    [Fact]
    public async Task DecodeGrid_TilesTheCodes_InRows()
    {
        var codes = new float[6 * 8];
        new Engine.Random.RandomGenerator(3).FillNormal(codes);
        var rows = Enumerable.Range(0, 6).Select(i => codes.AsSpan(i * 8, 8).ToArray()).ToArray();
        var image = await PostPng("api/decode-grid", $"{{\"z\":{JsonSerializer.Serialize(rows)},\"columns\":3}}");
        Assert.Equal((84, 56), (image.Width, image.Height));
        Assert.Equal(OracleDecode(codes, 6, 3).Pixels, image.Pixels);
    }

    [Fact]
    public async Task Sample_DrawsWhatVaeSampleDraws_ForTheSameSeed()
    {
        var sample = await run.Http.PostAsync("api/sample", Json("{\"count\":9,\"seed\":5}"));
        var result = JsonDocument.Parse(await sample.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("prior", result.GetProperty("sampler").GetString());
        var codes = result.GetProperty("z").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        Assert.Equal(9, codes.Length);
        var image = await PostPng("api/decode-grid", $"{{\"z\":{JsonSerializer.Serialize(codes)},\"columns\":9}}");
        var expected = ImageGrid.Compose(Generation.Sample(_oracle, 9, seed: 5), 9, 1, 28, 28, 9, padding: 0);
        Assert.Equal(expected.Pixels, image.Pixels);
    }

    [Theory]
    [InlineData("lerp")]
    [InlineData("slerp")]
    public async Task Path_IsLatentPathBetween(string mode)
    {
        float[] a = [1, 0, 0, 0, 0.5f, 0, 0, 0], b = [0, 1, 0, 0, 0, 0, 0.5f, 0];
        var response = await run.Http.PostAsync("api/path", Json($"{{\"a\":{Code(a)},\"b\":{Code(b)},\"steps\":5,\"mode\":\"{mode}\"}}"));
        var path = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var got = path.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetSingle())).ToArray();
        Assert.Equal(LatentPath.Between(a, b, 5, mode == "slerp" ? InterpolationMode.Slerp : InterpolationMode.Lerp), got);
    }

    [Fact]
    public async Task Encode_OfATestImage_GivesItsPosteriorMean_AlsoScaledUpTenTimes()
    {
        var x = new float[784];
        run.Test.CopyExamples([42], x);
        var image = ImageGrid.Compose(x, 1, 1, 28, 28, 1, padding: 0);
        var expected = run.Session.Mean(42);
        Assert.Equal(expected, await Encode(ImageCodec.EncodePng(image)));

        // Each pixel as a 10 × 10 block, as RGBA: area averaging and the gray path give the same input back.
        var big = new Image8(280, 280, 4);
        for (int y = 0; y < 280; y++)
            for (int xx = 0; xx < 280; xx++)
            {
                byte v = image.Pixels[(y / 10) * 28 + xx / 10];
                int at = (y * 280 + xx) * 4;
                big.Pixels[at] = big.Pixels[at + 1] = big.Pixels[at + 2] = v;
                big.Pixels[at + 3] = 255;
            }
        var fromBig = await Encode(ImageCodec.EncodePng(big));
        for (int u = 0; u < 8; u++) Assert.Equal(expected[u], fromBig[u], 1e-4f);
    }

    private async Task<float[]> Encode(byte[] png)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        using var response = await run.Http.PostAsync("api/encode", content);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var result = JsonDocument.Parse(body).RootElement;
        Assert.Equal(2, result.GetProperty("pca").GetArrayLength());
        return result.GetProperty("z").EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }

    [Fact]
    public async Task Page_IsServedFromTheAssembly_WithSafeHeaders()
    {
        using var page = await run.Http.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("VaeSharp explorer", await page.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        foreach (var asset in new[] { "app.js", "app.css" })
            Assert.True((await run.Http.GetAsync(asset)).IsSuccessStatusCode, asset);
    }

    [Fact]
    public async Task Errors_AreJson_NamingTheField()
    {
        using var response = await run.Http.PostAsync("api/decode", Json("{\"z\":[1,2,3]}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("z: 3 values; expected 8 (the model's latent dimension)", error.GetProperty("error").GetString());
        using var nan = await run.Http.PostAsync("api/decode", Json("{\"z\":[1,2,3,4,5,6,7,1e999]}"));
        Assert.Contains("z[7]", (await nan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}
