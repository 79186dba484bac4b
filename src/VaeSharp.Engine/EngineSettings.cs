namespace VaeSharp.Engine;

/// <summary>
/// Process-wide engine settings. One thread setting is used by every kernel (DESIGN.md, "Threads").
/// </summary>
public static class EngineSettings
{
    private static int _threads = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Number of threads the kernels may use (default: the number of cores). Results do not depend on it.</summary>
    public static int Threads
    {
        get => _threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
            _threads = value;
        }
    }
}
