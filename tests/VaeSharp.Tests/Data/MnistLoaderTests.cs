using VaeSharp.Data;
using static VaeSharp.Tests.Data.IdxBytes;

namespace VaeSharp.Tests.Data;

public sealed class MnistLoaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_SyntheticSet_GivesImagesAndLabels(bool gzipImages)
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), trainCount: 12, testCount: 5, gzipImages);
        MnistData data = MnistLoader.Load(folder, "mnist");

        Assert.Equal("mnist", data.Name);
        Assert.Equal(Path.GetFullPath(folder), data.Folder);
        Assert.Equal((12, 28, 28, 784), (data.Train.Count, data.Train.Height, data.Train.Width, data.Train.ImageSize));
        Assert.Equal(5, data.Test.Count);
        Assert.Equal(12 * 784, data.Train.Images.Length);
        Assert.All(data.Train.Image(7).ToArray(), p => Assert.Equal(7, p));
        Assert.All(data.Test.Image(3).ToArray(), p => Assert.Equal(103, p));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1], data.Train.Labels);
        Assert.Equal([0, 1, 2, 3, 4], data.Test.Labels);
    }

    [Fact]
    public void Load_DefaultName_IsTheFolderName()
    {
        string folder = WriteSyntheticSet(_temp.Combine("fashion-mnist"), 2, 2);
        Assert.Equal("fashion-mnist", MnistLoader.Load(folder + Path.DirectorySeparatorChar).Name);
    }

    [Fact]
    public void Load_PlainFileWinsOverGzip()
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), 3, 2);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), [1, 2, 3]); // garbage, must be ignored
        Assert.Equal(3, MnistLoader.Load(folder).Train.Count);
    }

    [Fact]
    public void Load_MissingFiles_ListsWhatToPutWhere()
    {
        string folder = WriteSyntheticSet(_temp.Combine("mnist"), 3, 2);
        File.Delete(Path.Combine(folder, "train-labels-idx1-ubyte"));
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte"));

        var e = Assert.Throws<DatasetUnavailableException>(() => MnistLoader.Load(folder, "mnist"));
        string full = Path.GetFullPath(folder);
        Assert.StartsWith($"mnist: missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte in '{full}'.", e.Message);
        Assert.Contains($"Put these four files in '{full}'", e.Message);
        foreach (string name in MnistLoader.FileNames) Assert.Contains($"  {name}\n", e.Message);
        Assert.Equal(full, e.Folder);
        Assert.Equal("mnist", e.DatasetName);
    }

    [Fact]
    public void Load_EmptyOrAbsentFolder_ListsAllFour()
    {
        var e = Assert.Throws<DatasetUnavailableException>(() => MnistLoader.Load(_temp.Combine("nowhere"), "fashion-mnist"));
        Assert.Contains("missing train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
    }

    [Fact]
    public void Load_LabelCountMismatch_NamesBothFiles()
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), 4, 2);
        string labels = Path.Combine(folder, "train-labels-idx1-ubyte");
        File.WriteAllBytes(labels, Idx(0x08, [3], [0, 1, 2]));
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(folder));
        Assert.Equal($"{labels}: label count 3, expected 4 (the number of images in train-images-idx3-ubyte)", e.Message);
    }

    [Fact]
    public void Load_LabelOutOfRange_IsRejected()
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), 3, 2);
        string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, Idx(0x08, [2], [3, 10]));
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(folder));
        Assert.Equal($"{labels}: label 1 is 10, expected 0 to 9", e.Message);
    }

    [Fact]
    public void Load_WrongImageSize_IsRejected()
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), 3, 2);
        string images = Path.Combine(folder, "train-images-idx3-ubyte");
        File.WriteAllBytes(images, Idx(0x08, [3, 32, 32], new byte[3 * 32 * 32]));
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(folder));
        Assert.Equal($"{images}: images are 3×32×32, expected N×28×28", e.Message);
    }

    [Fact]
    public void Load_LabelsAndImagesSwapped_GivesMagicNumberMessage()
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), 3, 2);
        string images = Path.Combine(folder, "train-images-idx3-ubyte");
        File.Copy(Path.Combine(folder, "train-labels-idx1-ubyte"), images, overwrite: true);
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(folder));
        Assert.Equal($"{images}: magic number 0x00000801, expected 0x00000803 (images, rank 3)", e.Message);
    }
}
