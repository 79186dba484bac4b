using VaeSharp.Explorer.Load;

namespace VaeSharp.Explorer.Tests;

// The bounded load test at a small count (the figures in docs/explorer.md come from `vae explore RUN --load-test 2000`).
[Collection("explorer run")]
public sealed class LoadTests(ExplorerRunFixture run)
{
    [Fact]
    public async Task TwoHundredDecodes_FromSixteenClients_HaveNoErrors()
    {
        var report = await ExplorerLoadTest.DecodeAsync(run.Server.Url, ExplorerRunFixture.LatentDim, null, requests: 200, clients: 16, timeLimit: TimeSpan.FromSeconds(60));
        Assert.True(report.Errors == 0, report.FirstError);
        Assert.Equal(200, report.Requests);
        Assert.True(report.P50Ms > 0 && report.P50Ms <= report.P99Ms && report.P99Ms <= report.MaxMs, $"{report}");
    }

    [Fact]
    public void Percentile_IsNearestRank()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];
        Assert.Equal(50, ExplorerLoadTest.Percentile(sorted, 0.5));
        Assert.Equal(99, ExplorerLoadTest.Percentile(sorted, 0.99));
        Assert.Equal(100, ExplorerLoadTest.Percentile(sorted, 1));
        Assert.Equal(7, ExplorerLoadTest.Percentile([7], 0.99));
        Assert.True(double.IsNaN(ExplorerLoadTest.Percentile([], 0.5)));
    }

    [Theory]
    [InlineData("http://10.1.2.3:8050/")]
    [InlineData("http://example.com/")]
    [InlineData("https://127.0.0.1:8050/")]
    public async Task LoadTest_SendsNothingBeyondThisMachine(string address)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ExplorerLoadTest.DecodeAsync(new Uri(address), 8, null, 10, 2));
        await Assert.ThrowsAsync<ArgumentException>(() => BadRequestSuite.RunAsync(new Uri(address), 8, 0));
    }
}
