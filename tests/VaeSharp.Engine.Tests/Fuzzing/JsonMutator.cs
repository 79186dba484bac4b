using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tests.Fuzzing;

// Structure-aware mutations of a JSON document, seeded: pick a node (any depth) and confuse its type
// (string for number, object for array, null, ...), push a number to its limits (negative, 0, 2^31,
// 2^63, 2^64, 1e300, fractions, NaN and ±Infinity as bare words and as strings, -0, leading zeros, a
// 30-digit integer), bend a string (empty, case, 100 000 characters, a lone surrogate), grow or empty an
// array, delete or add a field, duplicate a key, nest 10 to 100 000 levels deep, swap two values. What
// System.Text.Json cannot build (duplicate keys, bare NaN, deep nesting, bad numbers) is written as a
// placeholder string and spliced into the serialized text. Now and then the text is also byte-mutated
// (a syntax error somewhere).

/// <summary>Makes mutated copies of a JSON document.</summary>
internal sealed class JsonMutator(RandomGenerator rng)
{
    private const string Placeholder = "FUZZ_PLACEHOLDER_9c1f";

    private static readonly string[] RawNumbers =
    [
        "0", "-1", "1", "2", "-0", "1.5", "-2.5", "0.0", "1e2", "2147483647", "2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775809",
        "1099511627776", "1e300", "-1e300", "1e999", "-1e999", "1e-320", "123456789012345678901234567890", "3.4028235e38", "3.5e38",
        "NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "007", "1.", ".5", "+1", "0x10",
    ];

    private static readonly string[] RawValues =
    [
        "null", "true", "false", "\"\"", "\"x\"", "\"3\"", "{}", "[]", "[1]", "[[1]]", "{\"a\":1}", "[null]", "[\"a\",\"b\"]",
        "\"\\ud800\"", "\"\\u0000\"", "\"\\n\"", "\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"vae\"", "\"cvae\"", "\"mlp\"", "\"conv\"", "\"relu\"",
        "\"bernoulli\"", "\"gaussian-learned\"", "\"elbo\"", "\"iwae\"", "\"dynamic\"",
    ];

    public RandomGenerator Rng { get; } = rng;

    private sealed record Site(JsonNode? Node, JsonNode? Parent, string? Key, int Index, string Path);

    /// <summary>One mutation of <paramref name="json"/> (an object at its root), described by the path it touched.</summary>
    public (string Mutation, string Json) Mutate(string json)
    {
        var root = JsonNode.Parse(json)!;
        var sites = new List<Site>();
        Collect(root, null, null, -1, "$", sites);
        var site = sites[Rng.NextInt(sites.Count)];
        string? raw = null, duplicateOf = null;
        string what;

        switch (Rng.NextInt(site.Parent is null ? 4 : 12))
        {
            case 0:
                raw = RawValues[Rng.NextInt(RawValues.Length)];
                what = $"{site.Path} := {raw}";
                break;
            case 1:
                raw = RawNumbers[Rng.NextInt(RawNumbers.Length)];
                what = $"{site.Path} := {raw}";
                break;
            case 2:
                raw = Deep(Rng.NextInt(2) == 0 ? '[' : '{', Rng.NextInt(3) switch { 0 => 10 + Rng.NextInt(60), 1 => 65 + Rng.NextInt(200), _ => 100_000 });
                what = $"{site.Path} := nested {raw.Length / (raw[0] == '[' ? 2 : 6)} levels deep";
                break;
            case 3:
                what = MutateByKind(site, out raw);
                break;
            case 4:
                Remove(site);
                what = $"{site.Path}: removed";
                break;
            case 5:
            case 6:
            {
                var obj = site.Node as JsonObject ?? site.Parent as JsonObject;
                if (obj is null || obj.Count == 0) goto case 0;
                var (name, value) = obj.ElementAt(Rng.NextInt(obj.Count));
                var copy = Rng.NextInt(2) == 0 ? value?.DeepClone() : JsonNode.Parse(RawValues[Rng.NextInt(9)]);
                obj[Placeholder] = copy;
                duplicateOf = name;
                what = $"duplicate key '{name}' := {copy?.ToJsonString() ?? "null"}";
                break;
            }
            case 7:
            {
                var obj = site.Node as JsonObject ?? site.Parent as JsonObject;
                if (obj is null) goto case 0;
                string name = Rng.NextInt(2) == 0 ? "unknown_field" : (obj.Count > 0 ? obj.ElementAt(Rng.NextInt(obj.Count)).Key.ToUpperInvariant() : "X");
                obj[name] = JsonNode.Parse(RawValues[Rng.NextInt(13)]);   // the first 13 build as nodes (no lone surrogate)
                what = $"added field '{name}'";
                break;
            }
            case 8:
            {
                var other = sites[Rng.NextInt(sites.Count)];
                if (other.Parent is null || ReferenceEquals(other.Node, site.Node) || IsAncestor(site.Node, other.Node) || IsAncestor(other.Node, site.Node)) goto case 0;
                var a = site.Node?.DeepClone();
                var b = other.Node?.DeepClone();
                Replace(site, b);
                Replace(other, a);
                what = $"swapped {site.Path} and {other.Path}";
                break;
            }
            case 9:
                raw = $"[{site.Node?.ToJsonString() ?? "null"}]";
                what = $"{site.Path} wrapped in an array";
                break;
            case 10:
                raw = $"\"{JsonEncodedText.Encode(site.Node?.ToJsonString() ?? "null")}\"";
                what = $"{site.Path} as a string";
                break;
            default:
                raw = $"{{\"value\":{site.Node?.ToJsonString() ?? "null"}}}";
                what = $"{site.Path} wrapped in an object";
                break;
        }

        if (raw is not null)
        {
            if (site.Parent is null) return (what, raw);
            Replace(site, JsonValue.Create(Placeholder));
        }
        string text = root.ToJsonString();
        if (raw is not null) text = text.Replace($"\"{Placeholder}\"", raw, StringComparison.Ordinal);
        if (duplicateOf is not null) text = text.Replace($"\"{Placeholder}\"", JsonSerializer.Serialize(duplicateOf), StringComparison.Ordinal);

        if (Rng.NextInt(10) == 0)
        {
            // A syntax-level change as well.
            var bytes = Encoding.UTF8.GetBytes(text);
            var mutator = new ByteMutator(Rng);
            var (m, mutated) = mutator.Mutate(new FuzzSeed("text", bytes));
            return ($"{what}; {m}", Encoding.UTF8.GetString(mutated));
        }
        return (what, text);
    }

    private string MutateByKind(Site site, out string? raw)
    {
        raw = null;
        switch (site.Node)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
            {
                double d = v.GetValue<double>();
                raw = Rng.NextInt(4) switch
                {
                    0 => Num(-d),
                    1 => Num(d + Rng.NextInt(5) - 2),
                    2 => Num(d * Math.Pow(2, 1 + Rng.NextInt(64))),
                    _ => Num(d + 0.5),
                };
                return $"{site.Path}: {v.ToJsonString()} → {raw}";
            }
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
            {
                string s = v.GetValue<string>();
                string t = Rng.NextInt(5) switch
                {
                    0 => "",
                    1 => s.ToUpperInvariant(),
                    2 => s + "x",
                    3 => s.Length > 1 ? s[..^1] : "?",
                    _ => new string('a', 100_000),
                };
                raw = JsonSerializer.Serialize(t);
                return $"{site.Path}: \"{s}\" → \"{(t.Length > 20 ? t[..20] + "…" : t)}\"";
            }
            case JsonArray a:
            {
                int choice = Rng.NextInt(4);
                if (choice == 0 || a.Count == 0)
                {
                    int n = Rng.NextInt(2) == 0 ? 1 + Rng.NextInt(8) : 10_000;
                    string item = a.Count > 0 ? a[Rng.NextInt(a.Count)]?.ToJsonString() ?? "null" : "1";
                    raw = "[" + string.Join(",", Enumerable.Repeat(item, a.Count + n)) + "]";
                    return $"{site.Path}: {n} more elements";
                }
                if (choice == 1) { raw = "[]"; return $"{site.Path}: emptied"; }
                if (choice == 2) { a.RemoveAt(Rng.NextInt(a.Count)); return $"{site.Path}: one element removed"; }
                raw = "[" + string.Join(",", a.Reverse().Select(x => x?.ToJsonString() ?? "null")) + "]";
                return $"{site.Path}: reversed";
            }
            case JsonObject o:
                if (o.Count > 0 && Rng.NextInt(2) == 0)
                {
                    string key = o.ElementAt(Rng.NextInt(o.Count)).Key;
                    o.Remove(key);
                    return $"{site.Path}.{key}: removed";
                }
                raw = "{}";
                return $"{site.Path}: emptied";
            default:
                raw = RawValues[Rng.NextInt(RawValues.Length)];
                return $"{site.Path} := {raw}";
        }
    }

    private static string Num(double d) => double.IsFinite(d) ? JsonSerializer.Serialize(d) : "1e999";

    private static string Deep(char open, int depth)
    {
        char close = open == '[' ? ']' : '}';
        string opener = open == '[' ? "[" : "{\"a\":";
        return string.Concat(Enumerable.Repeat(opener, depth)) + "1" + new string(close, depth);
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int index, string path, List<Site> sites)
    {
        sites.Add(new Site(node, parent, key, index, path));
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) Collect(v, o, k, -1, $"{path}.{k}", sites);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Collect(a[i], a, null, i, $"{path}[{i}]", sites);
                break;
        }
    }

    private static bool IsAncestor(JsonNode? ancestor, JsonNode? node)
    {
        for (var n = node?.Parent; n is not null; n = n.Parent)
            if (ReferenceEquals(n, ancestor)) return true;
        return false;
    }

    private static void Replace(Site site, JsonNode? value)
    {
        if (site.Parent is JsonObject o) o[site.Key!] = value;
        else if (site.Parent is JsonArray a) a[site.Index] = value;
    }

    private static void Remove(Site site)
    {
        if (site.Parent is JsonObject o) o.Remove(site.Key!);
        else if (site.Parent is JsonArray a) a.RemoveAt(site.Index);
    }
}
