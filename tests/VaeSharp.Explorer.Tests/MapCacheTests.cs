using System.Text.Json;

namespace VaeSharp.Explorer.Tests;

// The map and its t-SNE view are cached in the run folder (atomically) and read back when the model is the same.
[Collection("explorer run")]
public sealed class MapCacheTests(ExplorerRunFixture run)
{
    [Fact]
    public async Task TsneView_IsServedWhenComputed_AndCachedForTheNextSession()
    {
        var tsne = run.Session.Tsne!;
        await tsne.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Null(tsne.Failure);
        using var response = await run.Http.GetAsync("api/points?map=tsne");
        var points = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(points.GetProperty("ready").GetBoolean());
        Assert.Equal(ExplorerRunFixture.TestExamples, points.GetProperty("count").GetInt32());
        Assert.Equal(tsne.Coordinates!.Where((_, k) => k % 2 == 0), points.GetProperty("x").EnumerateArray().Select(e => e.GetSingle()));
        Assert.True(File.Exists(Path.Combine(run.RunPath, TsneLayout.CacheFile)));

        using var again = ExplorerSession.Open(run.RunPath);
        Assert.True(again.Map.FromCache);
        Assert.True(again.Tsne!.FromCache);
        Assert.Equal(tsne.Coordinates, again.Tsne.Coordinates);
        Assert.Equal(run.Session.Map.Means, again.Map.Means);
        Assert.Equal(run.Session.Map.KlPerDimension, again.Map.KlPerDimension);
    }

    [Fact]
    public void Cache_OfAnotherModelOrCorrupt_IsRebuilt_AndNoCacheMeansNoFile()
    {
        string copy = Path.Combine(Path.GetDirectoryName(run.RunPath)!, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var f in new[] { "config.json", "model.safetensors" }) File.Copy(Path.Combine(run.RunPath, f), Path.Combine(copy, f));
        var options = new ExplorerSessionOptions { TsnePoints = 0 };
        using (var plain = ExplorerSession.Open(copy, options with { UseCache = false }))
            Assert.False(File.Exists(Path.Combine(copy, LatentMap.CacheFile)));
        using (var first = ExplorerSession.Open(copy, options)) Assert.False(first.Map.FromCache);
        using (var second = ExplorerSession.Open(copy, options)) Assert.True(second.Map.FromCache);

        File.WriteAllText(Path.Combine(copy, LatentMap.CacheFile), "{\"format\":1,\"key\":");   // truncated
        using (var rebuilt = ExplorerSession.Open(copy, options))
        {
            Assert.False(rebuilt.Map.FromCache);
            Assert.Equal(run.Session.Map.Means, rebuilt.Map.Means);
        }
        // Another model (one weight changed): the cache's key no longer matches.
        var bytes = File.ReadAllBytes(Path.Combine(copy, "model.safetensors"));
        bytes[^4] ^= 1;   // the lowest mantissa bit of the last weight
        File.WriteAllBytes(Path.Combine(copy, "model.safetensors"), bytes);
        using (var changed = ExplorerSession.Open(copy, options)) Assert.False(changed.Map.FromCache);
        Directory.Delete(copy, recursive: true);
    }
}
