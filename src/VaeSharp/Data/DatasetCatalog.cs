namespace VaeSharp.Data;

/// <summary>Loads the built-in data sets by name as train and test <see cref="IDataset"/>s.</summary>
public static class DatasetCatalog
{
    /// <summary>The names <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> Names => DataCache.DatasetNames;

    /// <summary>Loads <paramref name="name"/> (mnist, fashion-mnist) from <paramref name="dataDir"/> if given, else from the cache (fetching on first use).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    /// <exception cref="DatasetUnavailableException">The files are missing and could not be fetched.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static (ByteImageDataset Train, ByteImageDataset Test) Load(string name, string? dataDir = null, string? cacheRoot = null)
    {
        var data = new DataCache(cacheRoot).EnsureDataset(name, dataDir);
        return (data.Train.ToDataset(data.Name), data.Test.ToDataset(data.Name));
    }
}
