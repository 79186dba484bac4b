namespace VaeSharp.Tests;

/// <summary>A fact that runs only on Linux or macOS (it runs /bin/sh stand-ins for external tools).</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Needs /bin/sh to run stand-in scripts.";
    }
}
