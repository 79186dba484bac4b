using System.IO.Compression;
using System.Text;
using VaeSharp.Data;

namespace VaeSharp.Tests.Data;

// The scikit-learn fetch with stand-in apt-get and dpkg-deb (the layout of python3-sklearn, tiny synthetic files).
public sealed class SklearnFetchTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly DataCache.FetchTools NoTools = new("/nonexistent/npm", "/nonexistent/apt-get", "/nonexistent/dpkg-deb");

    private string Script(string name, string body)
    {
        string path = _temp.Combine(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private DataCache.FetchTools FakeApt(string breastCancerFirstLine = "3,30,malignant,benign")
    {
        string data = _temp.Combine("pkg", "usr", "lib", "python3", "dist-packages", "sklearn", "datasets", "data");
        Directory.CreateDirectory(data);
        string Row(int n, int code, double seed) => string.Join(',', Enumerable.Range(0, n).Select(i => (seed + i * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "," + code;
        File.WriteAllText(Path.Combine(data, "breast_cancer.csv"), $"{breastCancerFirstLine}\n{Row(30, 0, 1)}\n{Row(30, 1, 2)}\n{Row(30, 1, 3)}\n");
        File.WriteAllText(Path.Combine(data, "wine_data.csv"), $"2,13,class_0,class_1,class_2\n{Row(13, 0, 1)}\n{Row(13, 2, 5)}\n");
        File.WriteAllText(Path.Combine(data, "iris.csv"), $"2,4,setosa,versicolor,virginica\n{Row(4, 1, 1)}\n{Row(4, 2, 2)}\n");
        var digits = string.Join('\n', Enumerable.Range(0, 2).Select(r => string.Join(',', Enumerable.Range(0, 64).Select(i => ((i + r) % 17).ToString())) + "," + r)) + "\n";
        using (var gz = new GZipStream(File.Create(Path.Combine(data, "digits.csv.gz")), CompressionLevel.Fastest)) gz.Write(Encoding.ASCII.GetBytes(digits));
        string aptGet = Script("apt-get", $$"""
            [ "$1" = download ] && [ "$2" = "python3-sklearn" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            echo fake > python3-sklearn_1.2.1_all.deb
            """);
        string dpkgDeb = Script("dpkg-deb", $$"""
            [ "$1" = -x ] && [ -f "$2" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            cp -r '{{_temp.Combine("pkg")}}'/usr "$3/"
            """);
        return NoTools with { AptGet = aptGet, DpkgDeb = dpkgDeb };
    }

    [UnixFact]
    public void Fetch_InstallsAllFourSetsAsCsv_WithNamedColumns()
    {
        string root = _temp.Combine("cache");
        var cache = new DataCache(root, FakeApt());
        string folder = cache.EnsureFiles("breast-cancer");
        Assert.Equal(Path.Combine(root, "breast-cancer"), folder);
        foreach (var name in new[] { "breast-cancer", "wine", "iris", "digits" }) Assert.True(new DataCache(root, NoTools).IsPresent(name), name);
        var lines = File.ReadAllLines(Path.Combine(folder, "breast-cancer.csv"));
        Assert.StartsWith("mean radius,mean texture,", lines[0]);
        Assert.EndsWith(",worst fractal dimension,target", lines[0]);
        Assert.EndsWith(",malignant", lines[1]);
        Assert.EndsWith(",benign", lines[2]);
        Assert.Equal("od280/od315_of_diluted_wines", File.ReadAllLines(Path.Combine(root, "wine", "wine.csv"))[0].Split(',')[11]);
        Assert.Equal("sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),target", File.ReadAllLines(Path.Combine(root, "iris", "iris.csv"))[0]);
        Assert.Empty(Directory.GetDirectories(root, ".fetch-*"));
        // Cached: no apt needed now.
        Assert.Equal(2, new DataCache(root, NoTools).EnsureFiles("digits") is string d ? File.ReadAllLines(Path.Combine(d, "digits.csv")).Length - 1 : 0);
        var (train, test) = DatasetCatalog.Load("iris", cacheRoot: root);
        Assert.Equal(2, train.Count + test.Count);
        Assert.Equal(["versicolor", "virginica"], train.Table!.ClassNames);   // the classes the rows hold (codes 1 and 2)
    }

    [Fact]
    public void WithoutApt_TheMessageSaysWhatToPutWhere()
    {
        string root = _temp.Combine("cache");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(root, NoTools).EnsureFiles("wine"));
        Assert.StartsWith("Could not fetch wine: apt-get is not available to run `apt-get download python3-sklearn`", e.Message);
        Assert.Contains(Path.Combine(root, "wine", "wine.csv"), e.Message);
        Assert.Empty(Directory.Exists(root) ? Directory.GetDirectories(root, ".fetch-*") : []);
    }

    [UnixFact]
    public void AnUnexpectedFile_InstallsNothing()
    {
        string root = _temp.Combine("cache");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(root, FakeApt(breastCancerFirstLine: "9,30,malignant,benign")).EnsureFiles("breast-cancer"));
        Assert.Contains("breast_cancer.csv: line 1: expected 'rows,30,class names...' with rows = 3", e.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "breast-cancer")));
        Assert.Empty(Directory.GetDirectories(root, ".fetch-*"));
    }
}
