namespace VaeSharp.Explorer;

/// <summary>The caps on what one request may ask of the explorer's API (also sent to the page in <c>GET /api/info</c>).</summary>
public static class ExplorerLimits
{
    /// <summary>The largest JSON request body, bytes (256 KiB).</summary>
    public const int MaxJsonBytes = 256 * 1024;

    /// <summary>The largest image upload to <c>POST /api/encode</c>, bytes (4 MiB).</summary>
    public const int MaxImageBytes = 4 * 1024 * 1024;

    /// <summary>The largest image upload, pixels (width × height: 4096 × 4096).</summary>
    public const long MaxImagePixels = 4096L * 4096;

    /// <summary>The most codes one request decodes or returns (a grid, a path, a batch of samples).</summary>
    public const int MaxBatch = 100;

    /// <summary>The largest magnitude of a latent value accepted (the prior's mass is within a few units of 0).</summary>
    public const double MaxAbsLatent = 1000;
}
