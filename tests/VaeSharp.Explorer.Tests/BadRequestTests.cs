using VaeSharp.Explorer.Load;

namespace VaeSharp.Explorer.Tests;

// The bad-request suite (Load/BadRequestSuite.cs: wrong lengths, NaN, oversized bodies, ../ in every string field
// and the path, wrong content types, another Host) against the tiny run's server: every case its 4xx with a JSON
// error and no internals, no 5xx, and the server still serving.
[Collection("explorer run")]
public sealed class BadRequestTests(ExplorerRunFixture run)
{
    [Fact]
    public async Task EveryBadRequest_IsRefusedWithItsStatusAndAJsonError_AndTheServerKeepsServing()
    {
        var report = await BadRequestSuite.RunAsync(run.Server.Url, ExplorerRunFixture.LatentDim, classCount: 0, rounds: 2);
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
        Assert.Equal(report.Sent, report.AsExpected);
        Assert.Equal(0, report.ServerErrors);
        Assert.True(report.ServingAfter);
        Assert.True(report.Sent >= 2 * 70, $"only {report.Sent} requests");
    }

    [Fact]
    public void Suite_PutsTraversalInEveryStringField()
    {
        var cases = BadRequestSuite.Cases(8, 10);
        foreach (string field in new[] { "\"z\":\"../", "\"label\":\"../", "\"mode\":\"../", "\"sampler\":\"../", "\"seed\":\"../", "\"columns\":\"../", "\"file\":\"../" })
            Assert.Contains(cases, c => c.Body is not null && System.Text.Encoding.UTF8.GetString(c.Body).Contains(field, StringComparison.Ordinal));
        foreach (string query in new[] { "label=..%2F", "invert=..%2F", "map=..%2F", "x=..%2F", "path=..%2F", "file=..%2F" })
            Assert.Contains(cases, c => c.Path.Contains(query, StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Raw && c.Path.Contains("/../", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Name.Contains("label = class count"));
    }

    [Fact]
    public void Check_CatchesAWrongStatus_ANonJsonBody_AndAStackTrace()
    {
        var c = new BadRequestCase("x", "GET", "/", null, null, 400);
        Assert.Null(BadRequestSuite.Check(c, 400, "application/json", "{\"error\":\"z: missing\"}"));
        Assert.Contains("expected 400, got 500", BadRequestSuite.Check(c, 500, "application/json", "{\"error\":\"x\"}"));
        Assert.Contains("not JSON", BadRequestSuite.Check(c, 400, "application/json", "oops"));
        Assert.Contains("Content-Type text/html", BadRequestSuite.Check(c, 400, "text/html", "{\"error\":\"x\"}"));
        Assert.Contains("internals", BadRequestSuite.Check(c, 400, "application/json", "{\"error\":\"NullReferenceException\\n   at Foo()\"}"));
    }
}
