using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace VaeSharp.Explorer.Api;

// Reading and validating request bodies and query strings. Every refusal is an ApiException with a message that
// names the field and the value expected; nothing a client sends reaches the file system.
internal static class RequestReader
{
    public static async Task<byte[]> ReadBody(HttpContext ctx, int maxBytes)
    {
        if (ctx.Request.ContentLength is long declared && declared > maxBytes)
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"the body is {declared:N0} bytes; at most {maxBytes:N0} are accepted here");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"the body is over {maxBytes:N0} bytes, the most accepted here");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static string MediaType(HttpContext ctx)
    {
        if (ctx.Request.ContentType is not string type || !MediaTypeHeaderValue.TryParse(type, out var parsed) || parsed.MediaType.Value is not string media)
            return "";
        return media.ToLowerInvariant();
    }

    public static async Task<JsonElement> ReadJsonObject(HttpContext ctx, params string[] fields)
    {
        string media = MediaType(ctx);
        if (media != "application/json")
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{Shorten(ctx.Request.ContentType ?? "")}': expected application/json");
        var body = await ReadBody(ctx, ExplorerLimits.MaxJsonBytes).ConfigureAwait(false);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"the body is not valid JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new ApiException(StatusCodes.Status400BadRequest, $"the body is a JSON {Kind(root)}; expected an object with {Fields(fields)}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            if (Array.IndexOf(fields, p.Name) < 0) throw new ApiException(StatusCodes.Status400BadRequest, $"unknown field '{Shorten(p.Name)}'; expected {Fields(fields)}");
            if (!seen.Add(p.Name)) throw new ApiException(StatusCodes.Status400BadRequest, $"field '{p.Name}' appears twice");
        }
        return root;
    }

    public static bool Has(JsonElement obj, string field) => obj.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null;

    public static float[] Code(JsonElement value, string field, int length)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: a JSON {Kind(value)}; expected an array of {length} numbers");
        int n = value.GetArrayLength();
        if (n != length) throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {n} values; expected {length} (the model's latent dimension)");
        var code = new float[length];
        int i = 0;
        foreach (var e in value.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
                throw new ApiException(StatusCodes.Status400BadRequest, $"{field}[{i}]: {Shorten(e.GetRawText())}; expected a finite number");
            if (Math.Abs(v) > ExplorerLimits.MaxAbsLatent)
                throw new ApiException(StatusCodes.Status400BadRequest, $"{field}[{i}]: {v.ToString(CultureInfo.InvariantCulture)}; expected a number from −{ExplorerLimits.MaxAbsLatent} to {ExplorerLimits.MaxAbsLatent}");
            code[i++] = (float)v;
        }
        return code;
    }

    public static float[] Required(JsonElement obj, string field, int length) =>
        obj.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? Code(v, field, length)
            : throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: missing; expected an array of {length} numbers");

    // An array of 1..max codes, each of `length` values, flattened row-major.
    public static (float[] Codes, int Count) Codes(JsonElement obj, string field, int length, int max)
    {
        if (!obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: missing; expected an array of 1 to {max} codes of {length} numbers");
        if (value.ValueKind != JsonValueKind.Array)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: a JSON {Kind(value)}; expected an array of 1 to {max} codes of {length} numbers");
        int count = value.GetArrayLength();
        if (count < 1 || count > max) throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {count} codes; expected 1 to {max}");
        var codes = new float[count * length];
        int k = 0;
        foreach (var code in value.EnumerateArray())
        {
            Code(code, $"{field}[{k}]", length).CopyTo(codes, k * length);
            k++;
        }
        return (codes, count);
    }

    public static int Int(JsonElement obj, string field, int min, int max, int dflt)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return dflt;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i) || i < min || i > max)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {Shorten(v.GetRawText())}; expected a whole number from {min} to {max}");
        return i;
    }

    public static double Number(JsonElement obj, string field, double min, double max, double dflt)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return dflt;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d) || d < min || d > max)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {Shorten(v.GetRawText())}; expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return d;
    }

    public static ulong Seed(JsonElement obj, string field, ulong dflt)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return dflt;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetUInt64(out ulong s))
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {Shorten(v.GetRawText())}; expected a whole number from 0 to {ulong.MaxValue}");
        return s;
    }

    public static string Choice(JsonElement obj, string field, string[] allowed, string dflt)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return dflt;
        if (v.ValueKind != JsonValueKind.String || Array.IndexOf(allowed, v.GetString()) < 0)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {Shorten(v.GetRawText())}; expected one of {string.Join(", ", allowed)}");
        return v.GetString()!;
    }

    // The label of a decode or encode: required for a conditional model, refused for another.
    public static int? Label(int? given, string field, int classCount)
    {
        if (classCount == 0)
        {
            if (given is not null) throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: this model is not conditional; send no label");
            return null;
        }
        if (given is not int c) throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: missing; this conditional model needs a class from 0 to {classCount - 1}");
        if (c < 0 || c >= classCount) throw new ApiException(StatusCodes.Status400BadRequest, $"{field}: {c}; expected a class from 0 to {classCount - 1}");
        return c;
    }

    public static int? JsonLabel(JsonElement obj, int classCount)
    {
        if (!obj.TryGetProperty("label", out var v) || v.ValueKind == JsonValueKind.Null) return Label(null, "label", classCount);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int c))
            throw new ApiException(StatusCodes.Status400BadRequest, $"label: {Shorten(v.GetRawText())}; expected a whole number (a class)");
        return Label(c, "label", classCount);
    }

    // The query string: only the given keys, each at most once.
    public static Dictionary<string, string> Query(HttpContext ctx, params string[] keys)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ctx.Request.Query)
        {
            if (Array.IndexOf(keys, key) < 0)
                throw new ApiException(StatusCodes.Status400BadRequest, keys.Length == 0 ? $"query parameter '{Shorten(key)}': this endpoint takes none" : $"query parameter '{Shorten(key)}': expected {string.Join(", ", keys)}");
            if (value.Count != 1) throw new ApiException(StatusCodes.Status400BadRequest, $"query parameter '{key}' appears {value.Count} times");
            values[key] = value[0] ?? "";
        }
        return values;
    }

    public static int QueryInt(Dictionary<string, string> query, string key, int min, int max, int? dflt)
    {
        if (!query.TryGetValue(key, out var text))
            return dflt ?? throw new ApiException(StatusCodes.Status400BadRequest, $"query parameter '{key}': missing; expected a whole number from {min} to {max}");
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new ApiException(StatusCodes.Status400BadRequest, $"query parameter '{key}': '{Shorten(text)}'; expected a whole number from {min} to {max}");
        return v;
    }

    public static int Index(string? text, int count)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i >= count)
            throw new ApiException(StatusCodes.Status404NotFound, $"example '{Shorten(text ?? "")}': expected an index from 0 to {count - 1}");
        return i;
    }

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Fields(string[] fields) => fields.Length == 1 ? $"field {fields[0]}" : $"fields {string.Join(", ", fields)}";

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
