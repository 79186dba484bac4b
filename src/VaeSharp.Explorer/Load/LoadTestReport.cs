namespace VaeSharp.Explorer.Load;

/// <summary>What <see cref="ExplorerLoadTest.DecodeAsync"/> measured.</summary>
/// <param name="Requests">Decode requests sent.</param>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="Errors">Requests that did not come back as 200 with a PNG (a failure, a refusal, a timeout).</param>
/// <param name="P50Ms">Median round trip, milliseconds.</param>
/// <param name="P99Ms">99th-percentile round trip, milliseconds.</param>
/// <param name="MaxMs">Slowest round trip, milliseconds.</param>
/// <param name="Seconds">Wall time of the whole run.</param>
/// <param name="FirstError">The first error seen, or null.</param>
public sealed record LoadTestReport(int Requests, int Clients, int Errors, double P50Ms, double P99Ms, double MaxMs, double Seconds, string? FirstError)
{
    /// <summary>Requests answered per second.</summary>
    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;
}
