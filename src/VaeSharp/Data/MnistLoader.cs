namespace VaeSharp.Data;

// Loads MNIST or Fashion-MNIST from a folder holding the four standard idx files
//   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
// each plain or gzipped (the same name + ".gz"; the plain file wins if both exist).
// Checks: images are N×28×28, labels are N with the same N as their images, every label 0..9.
// A missing file is a DatasetUnavailableException listing the four files and the folder; a bad
// file is a DataFormatException naming it. Fetching lives in DataCache, not here.

/// <summary>Loads MNIST-format data sets (MNIST, Fashion-MNIST) from the four standard idx files in a folder.</summary>
public static class MnistLoader
{
    /// <summary>Side length of MNIST images.</summary>
    public const int ImageSide = 28;

    /// <summary>Number of classes; labels are 0 to ClassCount − 1.</summary>
    public const int ClassCount = 10;

    /// <summary>The training images file name (without the optional <c>.gz</c>).</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte";

    /// <summary>The training labels file name (without the optional <c>.gz</c>).</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";

    /// <summary>The test images file name (without the optional <c>.gz</c>).</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte";

    /// <summary>The test labels file name (without the optional <c>.gz</c>).</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>The four file names a folder must hold, each optionally with <c>.gz</c>.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    /// <summary>Loads the data set in <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder holding the four idx files.</param>
    /// <param name="name">The data set's name, used in messages and <see cref="MnistData.Name"/>; default: the folder's name.</param>
    /// <returns>The train and test splits.</returns>
    /// <exception cref="DatasetUnavailableException">One or more of the four files is missing; the message lists what to put where.</exception>
    /// <exception cref="DataFormatException">A file is malformed or not MNIST-shaped; the message names the file.</exception>
    public static MnistData Load(string folder, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string fullFolder = Path.GetFullPath(folder);
        string dataset = name ?? Path.GetFileName(fullFolder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

        string[] missing = FileNames.Where(f => FindFile(fullFolder, f) is null).ToArray();
        if (missing.Length > 0)
            throw new DatasetUnavailableException(dataset, fullFolder,
                $"{dataset}: missing {string.Join(", ", missing)} in '{fullFolder}'.\n{WhatToProvide(fullFolder)}");

        MnistSplit train = LoadSplit(FindFile(fullFolder, TrainImagesFile)!, FindFile(fullFolder, TrainLabelsFile)!);
        MnistSplit test = LoadSplit(FindFile(fullFolder, TestImagesFile)!, FindFile(fullFolder, TestLabelsFile)!);
        return new MnistData(dataset, fullFolder, train, test);
    }

    /// <summary>Whether <paramref name="folder"/> holds all four files (plain or gzipped); their content is not checked.</summary>
    /// <param name="folder">The folder to look in.</param>
    public static bool HasAllFiles(string folder) => FileNames.All(f => FindFile(folder, f) is not null);

    // The path of `baseName` or `baseName.gz` in the folder, or null.
    internal static string? FindFile(string folder, string baseName)
    {
        string plain = Path.Combine(folder, baseName);
        if (File.Exists(plain)) return plain;
        string gzipped = plain + ".gz";
        return File.Exists(gzipped) ? gzipped : null;
    }

    // The instruction every "files missing" message ends with.
    internal static string WhatToProvide(string folder) =>
        $"Put these four files in '{folder}' (each may also be gzipped, named with .gz added):\n"
        + string.Concat(FileNames.Select(f => $"  {f}\n"))
        + "They are the standard MNIST-format idx files (the same four names for MNIST and Fashion-MNIST).";

    private static MnistSplit LoadSplit(string imagesPath, string labelsPath)
    {
        IdxFile images = IdxFile.Read(imagesPath, expectedRank: 3, contents: "images");
        if (images.Dimensions[1] != ImageSide || images.Dimensions[2] != ImageSide)
            throw new DataFormatException(imagesPath,
                $"images are {string.Join("×", images.Dimensions)}, expected N×{ImageSide}×{ImageSide}");

        IdxFile labels = IdxFile.Read(labelsPath, expectedRank: 1, contents: "labels");
        int count = images.Dimensions[0];
        if (labels.Dimensions[0] != count)
            throw new DataFormatException(labelsPath,
                $"label count {labels.Dimensions[0]}, expected {count} (the number of images in {Path.GetFileName(imagesPath)})");

        int bad = Array.FindIndex(labels.Data, l => l >= ClassCount);
        if (bad >= 0)
            throw new DataFormatException(labelsPath, $"label {bad} is {labels.Data[bad]}, expected 0 to {ClassCount - 1}");

        return new MnistSplit(count, ImageSide, ImageSide, images.Data, labels.Data);
    }
}
