using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VaeSharp.Applications;
using VaeSharp.Imaging;

namespace VaeSharp.Explorer.Api;

// The explorer's endpoints (docs/explorer.md is their reference). JSON in, JSON or PNG out; every model call goes
// through the session's gate; every value is checked by RequestReader before it is used.
internal static class ExplorerApi
{
    // Relaxed escaping (', <, > as themselves): the answers are application/json with nosniff, never inlined in HTML.
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp"];

    public static void Map(IEndpointRouteBuilder app, ExplorerSession session)
    {
        var s = session;
        var info = Info(s);
        app.MapGet("/api/info", (RequestDelegate)(ctx => { RequestReader.Query(ctx); return WriteJson(ctx, info); }));
        app.MapGet("/api/points", (RequestDelegate)(ctx => Points(ctx, s)));
        app.MapGet("/api/examples/{index}", (RequestDelegate)(ctx => Example(ctx, s)));
        app.MapGet("/api/examples/{index}/image.png", (RequestDelegate)(ctx => ExampleImage(ctx, s)));
        app.MapPost("/api/decode", (RequestDelegate)(ctx => Decode(ctx, s)));
        app.MapPost("/api/decode-grid", (RequestDelegate)(ctx => DecodeGrid(ctx, s)));
        app.MapPost("/api/encode", (RequestDelegate)(ctx => Encode(ctx, s)));
        app.MapPost("/api/path", (RequestDelegate)(ctx => LatentPathOf(ctx, s)));
        app.MapPost("/api/sample", (RequestDelegate)(ctx => Sample(ctx, s)));
    }

    private static object Info(ExplorerSession s)
    {
        var map = s.Map;
        var model = s.Model;
        return new
        {
            Run = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(s.RunPath))),
            model.Family,
            model.Description,
            Data = s.DataName,
            Examples = s.ExampleCount,
            Image = new { s.Channels, s.Height, s.Width },
            model.LatentDim,
            Conditional = model.IsConditional,
            ClassCount = model.IsConditional ? model.ClassCount : s.DataClassCount,
            ClassNames = s.ClassNames,
            Dimensions = map.DimensionsByKl().Select(u => new { Index = u, Kl = map.KlPerDimension[u], Activity = map.Activity[u], Active = map.IsActive(u) }),
            ActiveUnits = Enumerable.Range(0, map.LatentDim).Count(map.IsActive),
            Maps = s.Tsne is null ? new[] { "pca", "dims" } : ["pca", "dims", "tsne"],
            Tsne = s.Tsne is null ? null : new { Points = s.Tsne.Count, TsneLayout.Perplexity, TsneLayout.Iterations },
            PcaExplained = map.Pca.ExplainedRatio.Take(2),
            Samplers = s.Samplers.Select(x => new { x.Name, x.Description }),
            Anomaly = s.Threshold is { } t ? new { Score = Serialization.ConfigJson.Name(t.Score), Threshold = t.Value, t.Percentile } : null,
            MapCached = map.FromCache,
            Limits = new
            {
                ExplorerLimits.MaxBatch, ExplorerLimits.MaxJsonBytes, ExplorerLimits.MaxImageBytes, ExplorerLimits.MaxImagePixels,
                ExplorerLimits.MaxAbsLatent,
            },
        };
    }

    private static Task Points(HttpContext ctx, ExplorerSession s)
    {
        var q = RequestReader.Query(ctx, "map", "x", "y");
        string map = q.GetValueOrDefault("map", "pca");
        var m = s.Map;
        int n = m.Count;
        var xs = new float[n];
        var ys = new float[n];
        string xLabel, yLabel;
        if (map == "pca")
        {
            if (q.ContainsKey("x") || q.ContainsKey("y")) throw new ApiException(400, "query parameters 'x' and 'y' choose latent dimensions; they go with map=dims");
            for (int i = 0; i < n; i++) { xs[i] = m.PcaCoordinates[2 * i]; ys[i] = m.PcaCoordinates[2 * i + 1]; }
            var r = m.Pca.ExplainedRatio;
            xLabel = $"PC1 ({100 * r[0]:0.0} % of the variance)";
            yLabel = r.Length > 1 ? $"PC2 ({100 * r[1]:0.0} %)" : "PC2";
        }
        else if (map == "dims")
        {
            int x = RequestReader.QueryInt(q, "x", 0, m.LatentDim - 1, 0), y = RequestReader.QueryInt(q, "y", 0, m.LatentDim - 1, Math.Min(1, m.LatentDim - 1));
            for (int i = 0; i < n; i++) { xs[i] = m.Means[i, x]; ys[i] = m.Means[i, y]; }
            xLabel = $"z[{x}]";
            yLabel = $"z[{y}]";
        }
        else if (map == "tsne" && s.Tsne is TsneLayout tsne)
        {
            if (q.ContainsKey("x") || q.ContainsKey("y")) throw new ApiException(400, "query parameters 'x' and 'y' choose latent dimensions; they go with map=dims");
            if (tsne.Coordinates is not float[] xy)
            {
                if (tsne.Failure is string failure) throw new ApiException(500, $"the t-SNE layout could not be computed: {failure}");
                // 202: accepted, still computing; the page asks again (Retry-After) and shows the progress.
                ctx.Response.Headers.RetryAfter = "2";
                return WriteJson(ctx, new
                {
                    Map = map, Ready = false, Progress = (double)tsne.IterationsDone / TsneLayout.Iterations,
                    Message = $"the t-SNE layout of {tsne.Count} examples is being computed ({tsne.IterationsDone} of {TsneLayout.Iterations} iterations)",
                }, 202);
            }
            n = tsne.Count;
            xs = new float[n];
            ys = new float[n];
            for (int i = 0; i < n; i++) { xs[i] = xy[2 * i]; ys[i] = xy[2 * i + 1]; }
            xLabel = $"t-SNE 1 (first {n} examples, perplexity {TsneLayout.Perplexity})";
            yLabel = "t-SNE 2";
        }
        else throw new ApiException(400, $"query parameter 'map': '{RequestReader.Shorten(map)}'; expected {(s.Tsne is null ? "pca or dims" : "pca, dims or tsne")}");
        return WriteJson(ctx, new { Map = map, Ready = true, Count = n, XLabel = xLabel, YLabel = yLabel, X = xs, Y = ys, Labels = m.Labels?.Take(n), Scores = s.AnomalyScores?.Take(n) });
    }

    private static Task Example(HttpContext ctx, ExplorerSession s)
    {
        RequestReader.Query(ctx);
        int i = RequestReader.Index(ctx.GetRouteValue("index") as string, s.ExampleCount);
        int? label = s.Label(i);
        return WriteJson(ctx, new
        {
            Index = i,
            Label = label,
            ClassName = label is int l && s.ClassNames is { } names && l < names.Count ? names[l] : null,
            Z = s.Mean(i),
            Pca = new[] { s.Map.PcaCoordinates[2 * i], s.Map.PcaCoordinates[2 * i + 1] },
        });
    }

    private static Task ExampleImage(HttpContext ctx, ExplorerSession s)
    {
        RequestReader.Query(ctx);
        int i = RequestReader.Index(ctx.GetRouteValue("index") as string, s.ExampleCount);
        ctx.Response.Headers.CacheControl = "private, max-age=3600";   // the session's examples do not change
        return WritePng(ctx, s.ExamplePng(i));
    }

    private static async Task Decode(HttpContext ctx, ExplorerSession s)
    {
        RequestReader.Query(ctx);
        var body = await RequestReader.ReadJsonObject(ctx, "z", "label");
        var z = RequestReader.Required(body, "z", s.Model.LatentDim);
        int? label = RequestReader.JsonLabel(body, s.Model.ClassCount);
        await WritePng(ctx, await s.DecodePngAsync(z, 1, label, 1, ctx.RequestAborted));
    }

    private static async Task DecodeGrid(HttpContext ctx, ExplorerSession s)
    {
        RequestReader.Query(ctx);
        var body = await RequestReader.ReadJsonObject(ctx, "z", "label", "columns");
        var (codes, count) = RequestReader.Codes(body, "z", s.Model.LatentDim, ExplorerLimits.MaxBatch);
        int? label = RequestReader.JsonLabel(body, s.Model.ClassCount);
        int columns = RequestReader.Int(body, "columns", 1, ExplorerLimits.MaxBatch, count);
        await WritePng(ctx, await s.DecodePngAsync(codes, count, label, columns, ctx.RequestAborted));
    }

    private static async Task Encode(HttpContext ctx, ExplorerSession s)
    {
        var q = RequestReader.Query(ctx, "label", "invert");
        string media = RequestReader.MediaType(ctx);
        if (Array.IndexOf(ImageTypes, media) < 0)
            throw new ApiException(415, $"Content-Type '{RequestReader.Shorten(ctx.Request.ContentType ?? "")}': expected an image, one of {string.Join(", ", ImageTypes)}");
        int? given = null;
        if (q.TryGetValue("label", out var labelText))
            given = int.TryParse(labelText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int c) ? c
                : throw new ApiException(400, $"query parameter 'label': '{RequestReader.Shorten(labelText)}'; expected a class (a whole number)");
        int? label = RequestReader.Label(given, "label", s.Model.ClassCount);
        bool invert = q.GetValueOrDefault("invert", "false") switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            var other => throw new ApiException(400, $"query parameter 'invert': '{RequestReader.Shorten(other)}'; expected true or false"),
        };
        var bytes = await RequestReader.ReadBody(ctx, ExplorerLimits.MaxImageBytes);
        Image8 image;
        try
        {
            image = ImageCodec.Decode(bytes, "the uploaded image", ExplorerLimits.MaxImagePixels);
        }
        catch (ImageFormatException e)
        {
            throw new ApiException(400, e.Message);
        }
        var input = ImageInput.ToModelInput(image, s.Channels, s.Height, s.Width, invert);
        var z = await s.EncodeAsync(input, label, ctx.RequestAborted);
        var pca = s.Map.Pca.Project(z, Math.Min(2, z.Length));
        await WriteJson(ctx, new { Z = z, Pca = new[] { (float)pca[0], pca.Length > 1 ? (float)pca[1] : 0f }, Nearest = s.Map.Nearest(z), Width = image.Width, Height = image.Height });
    }

    private static async Task LatentPathOf(HttpContext ctx, ExplorerSession s)
    {
        RequestReader.Query(ctx);
        var body = await RequestReader.ReadJsonObject(ctx, "a", "b", "steps", "mode");
        int d = s.Model.LatentDim;
        var a = RequestReader.Required(body, "a", d);
        var b = RequestReader.Required(body, "b", d);
        int steps = RequestReader.Int(body, "steps", 2, ExplorerLimits.MaxBatch, 8);
        var mode = RequestReader.Choice(body, "mode", ["lerp", "slerp"], "lerp") == "slerp" ? InterpolationMode.Slerp : InterpolationMode.Lerp;
        float[] path;
        try
        {
            path = LatentPath.Between(a, b, steps, mode);
        }
        catch (ArgumentException e)
        {
            throw new ApiException(400, e.Message);
        }
        await WriteJson(ctx, new { Mode = mode == InterpolationMode.Slerp ? "slerp" : "lerp", Steps = steps, Z = Rows(path, steps, d) });
    }

    private static async Task Sample(HttpContext ctx, ExplorerSession s)
    {
        RequestReader.Query(ctx);
        var body = await RequestReader.ReadJsonObject(ctx, "count", "seed", "sampler", "label");
        int count = RequestReader.Int(body, "count", 1, ExplorerLimits.MaxBatch, 16);
        ulong seed = RequestReader.Seed(body, "seed", 1);
        string name = RequestReader.Choice(body, "sampler", [.. s.Samplers.Select(x => x.Name)], "prior");
        var sampler = s.Samplers.First(x => x.Name == name);
        // A class-conditional sampler needs the class; another takes a label only where the model has classes, and ignores it.
        int classes = s.Model.IsConditional ? s.Model.ClassCount : 0;
        int? label = sampler.IsClassConditional || body.TryGetProperty("label", out _) ? RequestReader.JsonLabel(body, classes) : null;
        var codes = await s.SampleAsync(sampler, count, seed, ctx.RequestAborted, label);
        await WriteJson(ctx, new { Sampler = name, Seed = seed, Z = Rows(codes, count, s.Model.LatentDim) });
    }

    private static float[][] Rows(float[] flat, int count, int d)
    {
        var rows = new float[count][];
        for (int i = 0; i < count; i++) rows[i] = flat.AsSpan(i * d, d).ToArray();
        return rows;
    }

    public static Task WriteJson(HttpContext ctx, object value, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        if (ctx.Response.Headers.CacheControl.Count == 0) ctx.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(ctx.Response.Body, value, Json, ctx.RequestAborted);
    }

    private static Task WritePng(HttpContext ctx, byte[] png)
    {
        ctx.Response.ContentType = "image/png";
        ctx.Response.ContentLength = png.Length;
        if (ctx.Response.Headers.CacheControl.Count == 0) ctx.Response.Headers.CacheControl = "no-store";
        return ctx.Response.Body.WriteAsync(png, ctx.RequestAborted).AsTask();
    }
}
