using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer.Tests;

// The library's fitted samplers (vae sample --sampler gmm|posterior) offered by the page: listed by /api/info and
// drawing, for a seed, exactly the codes the sampler draws from that seed's sampling stream.
[Collection("explorer run")]
public sealed class FittedSamplerTests(ExplorerRunFixture run)
{
    [Theory]
    [InlineData(SamplerKind.Gmm, "gmm")]
    [InlineData(SamplerKind.Posterior, "posterior")]
    public async Task AFittedSampler_IsListed_AndDrawsItsOwnCodes(SamplerKind kind, string name)
    {
        var (config, model) = RunFolder.Load(run.RunPath);
        var (sampler, _, file) = LatentSamplers.Open(run.RunPath, model, kind, () => DatasetCatalog.Load(config).Train, components: 3, config.TrainLimit);
        Assert.True(File.Exists(file));
        using var session = ExplorerSession.Open(run.RunPath, new ExplorerSessionOptions { Samplers = [new FittedSampler(sampler)], TsnePoints = 0 });
        var server = await ExplorerServer.StartAsync(session, new ExplorerServerOptions { Port = 0 });
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.Url };
            var info = await http.GetFromJsonAsync<JsonElement>("api/info");
            Assert.Equal(["prior", name], info.GetProperty("samplers").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray());

            using var response = await http.PostAsync("api/sample", new StringContent($"{{\"count\":5,\"seed\":7,\"sampler\":\"{name}\"}}", Encoding.UTF8, "application/json"));
            var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(name, result.GetProperty("sampler").GetString());
            float[] served = [.. result.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetSingle()))];
            float[] expected = sampler.Sample(RngStreams.Create(7, RngStream.Sampling), 5);
            Assert.Equal(expected, served);
            // And not the prior's draws for the same seed.
            Assert.NotEqual(new VaeSharp.Applications.PriorSampler(model).Sample(RngStreams.Create(7, RngStream.Sampling), 5), served);
        }
        finally
        {
            await server.StopAsync();
        }
    }
}
