using VaeSharp.Data;
using static VaeSharp.Tests.Data.IdxBytes;

namespace VaeSharp.Tests.Data;

public sealed class ClassNamesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // A data set written before IDataset had class names: it compiles unchanged and has none.
    private sealed class OlderDataset : IDataset
    {
        public string Name => "older";
        public int Count => 1;
        public int[] ExampleShape => [1];
        public int ClassCount => 2;
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination) => destination.Clear();
        public int Label(int index) => 1;
    }

    [Fact]
    public void ADataSetWithoutClassNames_HasNone() => Assert.Null(((IDataset)new OlderDataset()).ClassNames);

    [Theory]
    [InlineData("fashion-mnist", "T-shirt/top", "Ankle boot")]
    [InlineData("mnist", "0", "9")]
    public void Catalog_NamesTheClassesOfBothSplits(string name, string first, string last)
    {
        string folder = WriteSyntheticSet(_temp.Combine("set"), trainCount: 12, testCount: 5);
        var (train, test) = DatasetCatalog.Load(name, dataDir: folder, cacheRoot: _temp.Combine("cache"));
        foreach (IDataset split in new[] { train, test })
        {
            Assert.Equal(10, split.ClassNames!.Count);
            Assert.Equal((first, last), (split.ClassNames[0], split.ClassNames[9]));
        }
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            DatasetCatalog.FashionMnistClasses);
    }

    [Fact]
    public void Take_KeepsTheClassNames_AndUnlabelledDataHasNone()
    {
        var data = new ByteImageDataset("tiny", new byte[6], 3, [2], [0, 1, 1], classNames: ["cat", "dog"]);
        Assert.Equal(["cat", "dog"], data.Take(2).ClassNames);
        Assert.Null(new ByteImageDataset("tiny", new byte[6], 3, [2], labels: null, classNames: ["cat", "dog"]).ClassNames);
    }
}
