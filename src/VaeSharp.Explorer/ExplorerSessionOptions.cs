namespace VaeSharp.Explorer;

/// <summary>How <see cref="ExplorerSession.Open"/> prepares a run.</summary>
public sealed record ExplorerSessionOptions
{
    /// <summary>The most examples the map may hold.</summary>
    public const int MaxMapPoints = 20_000;

    /// <summary>Folder with the data set's files instead of the cache (as <c>--data-dir</c> of the other verbs).</summary>
    public string? DataDir { get; init; }

    /// <summary>Place the first N test examples on the map; null for the run's test set as it was trained
    /// (its <c>test_limit</c>, else all of it), at most <see cref="MaxMapPoints"/>.</summary>
    public int? MapLimit { get; init; }

    /// <summary>Read and write the map cache in the run folder (<see cref="LatentMap.CacheFile"/>).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Examples in the t-SNE view (the first N of the map, at most <see cref="Applications.TSne.MaxPoints"/>); 0 for no t-SNE view.</summary>
    public int TsnePoints { get; init; } = TsneLayout.DefaultPoints;

    /// <summary>Samplers beside the prior (which is always first), e.g. a mixture fitted to the posterior means.</summary>
    public IReadOnlyList<ILatentSampler> Samplers { get; init; } = [];

    /// <summary>Requests that may wait for the model while one runs (more are answered 503).</summary>
    public int MaxWaiting { get; init; } = 64;

    /// <summary>Told about things that do not stop the explorer (a cache that cannot be written).</summary>
    public Action<string>? Warn { get; init; }
}
