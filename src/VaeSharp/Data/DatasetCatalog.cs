namespace VaeSharp.Data;

/// <summary>Loads the built-in data sets by name as train and test <see cref="IDataset"/>s.</summary>
public static class DatasetCatalog
{
    /// <summary>The names <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. DataCache.DatasetNames, .. DSprites.Names];

    /// <summary>MNIST's classes: the digits "0" to "9".</summary>
    public static IReadOnlyList<string> MnistClasses { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Fashion-MNIST's classes by label, as Zalando Research names them.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads <paramref name="name"/> (mnist, fashion-mnist) from <paramref name="dataDir"/> if given, else from the cache (fetching on first use).
    /// The data sets carry their class names (<see cref="IDataset.ClassNames"/>). dsprites and dsprites-small are
    /// generated into the cache on first use and carry their ground-truth factors (<see cref="IDataset.Factors"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    /// <exception cref="DatasetUnavailableException">The files are missing and could not be fetched.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static (IDataset Train, IDataset Test) Load(string name, string? dataDir = null, string? cacheRoot = null)
    {
        if (DSprites.IsName(name)) return DSprites.Load(name, cacheRoot);
        var data = new DataCache(cacheRoot).EnsureDataset(name, dataDir);
        var classNames = data.Name == DataCache.FashionMnist ? FashionMnistClasses : MnistClasses;
        return (data.Train.ToDataset(data.Name, classNames), data.Test.ToDataset(data.Name, classNames));
    }
}
