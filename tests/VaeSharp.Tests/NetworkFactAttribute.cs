namespace VaeSharp.Tests;

/// <summary>
/// A fact that reaches the package registries (npm, Debian). Off by default so the unit suite
/// stays offline and deterministic; run with VAESHARP_NETWORK_TESTS=1 (each takes about 5 s here).
/// </summary>
public sealed class NetworkFactAttribute : FactAttribute
{
    public const string Variable = "VAESHARP_NETWORK_TESTS";

    public NetworkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"Reaches a package registry; set {Variable}=1 to run.";
    }
}
