using System.Reflection;

namespace VaeSharp.Explorer.Api;

// The page: the files of wwwroot/, compiled into the assembly as resources and served from memory by their fixed
// names. No file is read from disk for a request.
internal static class StaticAssets
{
    public static IReadOnlyDictionary<string, (byte[] Content, string ContentType)> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("wwwroot/", StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            string path = name["wwwroot".Length..];
            files[path] = (buffer.ToArray(), ContentType(path));
        }
        if (!files.ContainsKey("/index.html")) throw new InvalidOperationException("The explorer's page (wwwroot/index.html) is missing from the assembly.");
        return files;
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
