using System.Text.Json;
using System.Text.Json.Nodes;
using VaeSharp.Applications;
using VaeSharp.Engine.IO;

namespace VaeSharp.Explorer;

// The map's t-SNE view: exact t-SNE (VaeSharp.Applications.TSne, O(N²)) of the first N examples' posterior means,
// N at most TSne.MaxPoints (default 2,000), perplexity 30, 1,000 iterations. It is computed on a background thread
// when the session opens, so the page is usable at once (GET /api/points?map=tsne answers 503 with the progress until
// it is done), and cached in the run folder (explorer_tsne.json, written atomically) under the map's cache key and
// the t-SNE settings. t-SNE has no projection for new points: a drawn input is shown at its nearest example.

/// <summary>The t-SNE layout of the first examples of a <see cref="LatentMap"/>, computed in the background and cached.</summary>
public sealed class TsneLayout
{
    /// <summary>The cache file's name in the run folder.</summary>
    public const string CacheFile = "explorer_tsne.json";

    /// <summary>Examples laid out by default.</summary>
    public const int DefaultPoints = 2000;

    /// <summary>t-SNE's perplexity.</summary>
    public const double Perplexity = 30;

    /// <summary>t-SNE's iterations.</summary>
    public const int Iterations = 1000;

    private const int CacheFormat = 1;
    private volatile float[]? _coordinates;
    private volatile string? _failure;
    private int _done;

    private TsneLayout(int count) => Count = count;

    /// <summary>Examples laid out: the first <see cref="Count"/> of the map.</summary>
    public int Count { get; }

    /// <summary>(x0, y0, x1, y1, ...) once computed, else null.</summary>
    public float[]? Coordinates => _coordinates;

    /// <summary>Iterations done so far.</summary>
    public int IterationsDone => Volatile.Read(ref _done);

    /// <summary>Why the layout could not be computed, or null.</summary>
    public string? Failure => _failure;

    /// <summary>Seconds the computation took (0 when read from the cache or not done).</summary>
    public double Seconds { get; private set; }

    /// <summary>True when the layout came from the run folder's cache.</summary>
    public bool FromCache { get; private set; }

    /// <summary>Completes when the layout is computed (or has failed).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Reads the cached layout of the first <paramref name="count"/> examples, or starts computing it on a background thread.</summary>
    /// <param name="map">The map whose means are laid out.</param>
    /// <param name="runPath">The run folder (for the cache).</param>
    /// <param name="count">Examples, 2 to <see cref="TSne.MaxPoints"/> (fewer when the map has fewer).</param>
    /// <param name="threads">Threads for the computation.</param>
    /// <param name="warn">Told when the cache cannot be written.</param>
    /// <param name="cancel">Stops the computation.</param>
    public static TsneLayout Start(LatentMap map, string runPath, int count, int threads, Action<string>? warn, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(map);
        count = Math.Min(count, map.Count);
        if (count < 2 || count > TSne.MaxPoints) throw new ArgumentOutOfRangeException(nameof(count), count, $"t-SNE lays out 2 to {TSne.MaxPoints} examples.");
        var layout = new TsneLayout(count);
        string path = Path.Combine(runPath, CacheFile);
        string? key = map.CacheKey is string k ? $"{k}|tsne|{count}|{Perplexity}|{Iterations}" : null;
        if (key is not null && TryRead(path, key, count) is float[] cached)
        {
            layout._coordinates = cached;
            layout._done = Iterations;
            layout.FromCache = true;
            return layout;
        }
        var points = new float[count, map.LatentDim];
        for (int i = 0; i < count; i++)
            for (int u = 0; u < map.LatentDim; u++) points[i, u] = map.Means[i, u];
        layout.Completion = Task.Factory.StartNew(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var y = TSne.Embed(points, Math.Min(Perplexity, (count - 1) / 3.0), Iterations, threads, done => Volatile.Write(ref layout._done, done), cancel);
                var coordinates = y.Select(v => (float)v).ToArray();
                layout.Seconds = clock.Elapsed.TotalSeconds;
                layout._coordinates = coordinates;
                if (key is not null)
                {
                    try
                    {
                        Write(path, key, coordinates);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        warn?.Invoke($"could not write the t-SNE cache {path} ({e.Message})");
                    }
                }
            }
            catch (OperationCanceledException)
            {
                layout._failure = "stopped";
            }
            catch (Exception e) when (e is ArgumentException or OutOfMemoryException)
            {
                layout._failure = e.Message;
            }
        }, cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return layout;
    }

    private static void Write(string path, string key, float[] coordinates)
    {
        var bytes = new byte[coordinates.Length * 4];
        for (int i = 0; i < coordinates.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), coordinates[i]);
        var root = new JsonObject { ["format"] = CacheFormat, ["key"] = key, ["count"] = coordinates.Length / 2, ["xy_f32le"] = Convert.ToBase64String(bytes) };
        AtomicFile.Write(path, s => { using var w = new Utf8JsonWriter(s); root.WriteTo(w); });
    }

    private static float[]? TryRead(string path, string key, int count)
    {
        try
        {
            if (!File.Exists(path)) return null;
            if (JsonNode.Parse(File.ReadAllBytes(path)) is not JsonObject root || (int?)root["format"] != CacheFormat || (string?)root["key"] != key || (int?)root["count"] != count)
                return null;
            var bytes = Convert.FromBase64String((string)root["xy_f32le"]!);
            if (bytes.Length != count * 8) return null;
            var xy = new float[count * 2];
            for (int i = 0; i < xy.Length; i++) xy[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
            return xy.All(float.IsFinite) ? xy : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException or InvalidCastException or NullReferenceException)
        {
            return null;
        }
    }
}
