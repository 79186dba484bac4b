using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Engine.IO;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Explorer;

// What the page's map shows: the posterior means E_q[z | x] of the examples, their labels, the latent statistics
// (KL and activity per dimension, for ordering the sliders) and the principal components of the means (the PCA view).
// Encoding the examples is the only slow part, so the means and statistics are cached in the run folder
// (explorer_cache.json, written atomically), keyed by the SHA-256 of model.safetensors, the data set's name and the
// number of examples: a retrained model or another data set makes a new cache. The PCA is recomputed from the means
// when loading (milliseconds for 10,000 × 20). A cache that does not parse or does not match is ignored and replaced;
// a run folder that cannot be written is served without a cache.

/// <summary>The posterior means, labels, latent statistics and principal components of the examples an explorer shows.</summary>
public sealed class LatentMap
{
    /// <summary>The cache file's name in the run folder.</summary>
    public const string CacheFile = "explorer_cache.json";

    private const int CacheFormat = 1;

    private LatentMap(float[,] means, int[]? labels, double[] kl, double[] activity, bool fromCache, string? cacheKey)
    {
        CacheKey = cacheKey;
        Means = means;
        Labels = labels;
        KlPerDimension = kl;
        Activity = activity;
        FromCache = fromCache;
        Pca = PrincipalComponents.Compute(means);
        PcaCoordinates = new float[Count * 2];
        var row = new float[LatentDim];
        for (int i = 0; i < Count; i++)
        {
            for (int u = 0; u < LatentDim; u++) row[u] = means[i, u];
            var p = Pca.Project(row, Math.Min(2, LatentDim));
            PcaCoordinates[2 * i] = (float)p[0];
            PcaCoordinates[2 * i + 1] = p.Length > 1 ? (float)p[1] : 0f;
        }
    }

    /// <summary>E_q[z | x] per example (Count × LatentDim).</summary>
    public float[,] Means { get; }

    /// <summary>The examples' labels, or null for unlabelled data.</summary>
    public int[]? Labels { get; }

    /// <summary>Average KL(q(z_u | x) ‖ p(z_u)) per latent dimension, nats.</summary>
    public double[] KlPerDimension { get; }

    /// <summary>A_u = Cov_x(E_q[z_u]) per latent dimension (active when above 0.01, Burda et al. 2016).</summary>
    public double[] Activity { get; }

    /// <summary>The principal components of the means.</summary>
    public PrincipalComponents Pca { get; }

    /// <summary>Each example's coordinates on the first two principal components, interleaved (x0, y0, x1, y1, ...).</summary>
    public float[] PcaCoordinates { get; }

    /// <summary>What the cache is keyed by (model hash, data set, count), or null when the cache is not used.</summary>
    public string? CacheKey { get; }

    /// <summary>True when the means came from the run folder's cache.</summary>
    public bool FromCache { get; }

    /// <summary>Number of examples.</summary>
    public int Count => Means.GetLength(0);

    /// <summary>Latent dimension.</summary>
    public int LatentDim => Means.GetLength(1);

    /// <summary>True when dimension <paramref name="u"/> is active (A_u &gt; 0.01).</summary>
    public bool IsActive(int u) => Activity[u] > 0.01;

    /// <summary>The example whose mean is nearest to <paramref name="z"/> (Euclidean; the first on ties).</summary>
    public int Nearest(ReadOnlySpan<float> z)
    {
        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int i = 0; i < Count; i++)
        {
            double d = 0;
            for (int u = 0; u < LatentDim; u++) { double t = Means[i, u] - z[u]; d += t * t; }
            if (d < bestDistance) { bestDistance = d; best = i; }
        }
        return best;
    }

    /// <summary>The latent dimensions by decreasing KL (ties by index).</summary>
    public int[] DimensionsByKl() => [.. Enumerable.Range(0, LatentDim).OrderByDescending(u => KlPerDimension[u]).ThenBy(u => u)];

    /// <summary>Encodes <paramref name="data"/> (or reads the cache in <paramref name="runPath"/>) and computes the map.</summary>
    /// <param name="model">The run's model.</param>
    /// <param name="data">The examples to place on the map.</param>
    /// <param name="runPath">The run folder (its model file keys the cache).</param>
    /// <param name="useCache">Read and write the cache.</param>
    /// <param name="warn">Told when the cache cannot be written.</param>
    public static LatentMap Compute(LatentVariableModel model, IDataset data, string runPath, bool useCache = true, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        string cachePath = Path.Combine(runPath, CacheFile);
        string? key = useCache ? KeyOf(runPath, data) : null;
        if (key is not null && TryRead(cachePath, key, data.Count, model.LatentDim) is LatentMap cached) return cached;

        var embedding = LatentEmbedding.Compute(model, data);
        var stats = LatentStatistics.Compute(model, data);
        var map = new LatentMap(embedding.Means, embedding.Labels, stats.KlPerDimension, stats.Activity, fromCache: false, key);
        if (key is not null)
        {
            try
            {
                map.Write(cachePath, key);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"could not write the map cache {cachePath} ({e.Message}); serving without it");
            }
        }
        return map;
    }

    private static string KeyOf(string runPath, IDataset data)
    {
        using var model = File.OpenRead(Path.Combine(runPath, Serialization.RunFolder.ModelFile));
        return $"{Convert.ToHexStringLower(SHA256.HashData(model))}|{data.Name}|{data.Count}|{string.Join('x', data.ExampleShape)}";
    }

    private void Write(string path, string key)
    {
        var means = new float[Count * LatentDim];
        Buffer.BlockCopy(Means, 0, means, 0, means.Length * sizeof(float));
        var root = new JsonObject
        {
            ["format"] = CacheFormat,
            ["key"] = key,
            ["count"] = Count,
            ["latent_dim"] = LatentDim,
            ["means_f32le"] = Convert.ToBase64String(AsLittleEndianBytes(means)),
            ["labels"] = Labels is null ? null : new JsonArray([.. Labels.Select(l => (JsonNode)l)]),
            ["kl_per_dimension"] = new JsonArray([.. KlPerDimension.Select(v => (JsonNode)v)]),
            ["activity"] = new JsonArray([.. Activity.Select(v => (JsonNode)v)]),
        };
        AtomicFile.Write(path, s => { using var w = new Utf8JsonWriter(s); root.WriteTo(w); });
    }

    private static LatentMap? TryRead(string path, string key, int count, int latentDim)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject;
            if (root is null || (int?)root["format"] != CacheFormat || (string?)root["key"] != key
                || (int?)root["count"] != count || (int?)root["latent_dim"] != latentDim) return null;
            var bytes = Convert.FromBase64String((string)root["means_f32le"]!);
            if (bytes.Length != count * latentDim * sizeof(float)) return null;
            var flat = FromLittleEndianBytes(bytes);
            if (flat.Any(v => !float.IsFinite(v))) return null;
            var means = new float[count, latentDim];
            Buffer.BlockCopy(flat, 0, means, 0, bytes.Length);
            int[]? labels = root["labels"] is JsonArray l ? [.. l.Select(n => (int)n!)] : null;
            if (labels is not null && labels.Length != count) return null;
            double[] kl = [.. ((JsonArray)root["kl_per_dimension"]!).Select(n => (double)n!)];
            double[] activity = [.. ((JsonArray)root["activity"]!).Select(n => (double)n!)];
            if (kl.Length != latentDim || activity.Length != latentDim) return null;
            return new LatentMap(means, labels, kl, activity, fromCache: true, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException
            or InvalidOperationException or InvalidCastException or NullReferenceException or ArgumentException)
        {
            return null;   // an unreadable cache is rebuilt
        }
    }

    private static byte[] AsLittleEndianBytes(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    private static float[] FromLittleEndianBytes(byte[] bytes)
    {
        var values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return values;
    }
}
