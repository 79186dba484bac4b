namespace VaeSharp.Data;

// An MNIST-format data set as loaded by MnistLoader: its name, the folder it came from, and
// its train and test splits.

/// <summary>An MNIST-format data set (MNIST or Fashion-MNIST): train and test splits.</summary>
public sealed class MnistData
{
    internal MnistData(string name, string folder, MnistSplit train, MnistSplit test)
    {
        Name = name;
        Folder = folder;
        Train = train;
        Test = test;
    }

    /// <summary>The data set's name, e.g. <c>mnist</c> or <c>fashion-mnist</c>.</summary>
    public string Name { get; }

    /// <summary>The folder the files were read from.</summary>
    public string Folder { get; }

    /// <summary>The training split (60,000 images for MNIST and Fashion-MNIST).</summary>
    public MnistSplit Train { get; }

    /// <summary>The test split (10,000 images for MNIST and Fashion-MNIST).</summary>
    public MnistSplit Test { get; }
}
