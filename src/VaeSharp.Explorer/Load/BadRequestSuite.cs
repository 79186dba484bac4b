using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VaeSharp.Explorer.Load;

// The explorer's bad-request suite: wrong lengths, non-finite and out-of-range numbers, labels out of range, wrong
// and missing content types, bodies over the limits, malformed JSON, unknown fields, '../' in every string field and
// in the path, another Host header, methods a route does not take. Each must come back as its 4xx with a JSON error
// and no stack trace, and the server must go on serving. Used by the tests and by `vae explore --load-test`.

/// <summary>Sends the bad-request suite to an explorer on this machine.</summary>
public static class BadRequestSuite
{
    private const string Traversal = "../../../../etc/passwd";

    /// <summary>The cases for a model of latent dimension <paramref name="latentDim"/> with <paramref name="classCount"/> classes (0: unconditional).</summary>
    public static IReadOnlyList<BadRequestCase> Cases(int latentDim, int classCount)
    {
        int d = latentDim;
        string Z(int n, string v = "0.5") => "[" + string.Join(",", Enumerable.Repeat(v, n)) + "]";
        string label = classCount > 0 ? ",\"label\":0" : "";
        var cases = new List<BadRequestCase>();
        void Json(string name, string path, string body, int status) =>
            cases.Add(new BadRequestCase(name, "POST", path, "application/json", Encoding.UTF8.GetBytes(body), status));

        // POST /api/decode
        Json("z one value short", "/api/decode", $"{{\"z\":{Z(d - 1)}{label}}}", 400);
        Json("z one value long", "/api/decode", $"{{\"z\":{Z(d + 1)}{label}}}", 400);
        Json("z empty", "/api/decode", $"{{\"z\":[]{label}}}", 400);
        Json("z missing", "/api/decode", $"{{{label.TrimStart(',')}}}", 400);
        Json("z a string", "/api/decode", $"{{\"z\":\"{Traversal}\"{label}}}", 400);
        Json("z a string value", "/api/decode", $"{{\"z\":[\"{Traversal}\"{string.Concat(Enumerable.Repeat(",0", d - 1))}]{label}}}", 400);
        Json("z NaN literal", "/api/decode", $"{{\"z\":[NaN{string.Concat(Enumerable.Repeat(",0", d - 1))}]{label}}}", 400);
        Json("z \"NaN\" string", "/api/decode", $"{{\"z\":[\"NaN\"{string.Concat(Enumerable.Repeat(",0", d - 1))}]{label}}}", 400);
        Json("z Infinity literal", "/api/decode", $"{{\"z\":[Infinity{string.Concat(Enumerable.Repeat(",0", d - 1))}]{label}}}", 400);
        Json("z 1e400 (overflows to infinity)", "/api/decode", $"{{\"z\":{Z(d, "1e400")}{label}}}", 400);
        Json("z 1e6 (out of range)", "/api/decode", $"{{\"z\":{Z(d, "1e6")}{label}}}", 400);
        Json("z nested arrays", "/api/decode", $"{{\"z\":[[[[[[0]]]]]]{label}}}", 400);
        Json("unknown field with ../", "/api/decode", $"{{\"z\":{Z(d)}{label},\"file\":\"{Traversal}\"}}", 400);
        Json("field named ../", "/api/decode", $"{{\"z\":{Z(d)}{label},\"{Traversal}\":1}}", 400);
        Json("duplicate field", "/api/decode", $"{{\"z\":{Z(d)},\"z\":{Z(d)}{label}}}", 400);
        Json("body a JSON array", "/api/decode", Z(d), 400);
        Json("body not JSON", "/api/decode", "z=1,2,3", 400);
        Json("body empty", "/api/decode", "", 400);
        Json("body truncated", "/api/decode", $"{{\"z\":[0.5,0.5", 400);
        if (classCount > 0)
        {
            Json("label missing (conditional)", "/api/decode", $"{{\"z\":{Z(d)}}}", 400);
            Json("label -1", "/api/decode", $"{{\"z\":{Z(d)},\"label\":-1}}", 400);
            Json("label = class count", "/api/decode", $"{{\"z\":{Z(d)},\"label\":{classCount}}}", 400);
            Json("label ../", "/api/decode", $"{{\"z\":{Z(d)},\"label\":\"{Traversal}\"}}", 400);
            Json("label 2.5", "/api/decode", $"{{\"z\":{Z(d)},\"label\":2.5}}", 400);
        }
        else
        {
            Json("label to an unconditional model", "/api/decode", $"{{\"z\":{Z(d)},\"label\":3}}", 400);
            Json("label ../", "/api/decode", $"{{\"z\":{Z(d)},\"label\":\"{Traversal}\"}}", 400);
        }
        cases.Add(new("Content-Type text/plain", "POST", "/api/decode", "text/plain", Encoding.UTF8.GetBytes($"{{\"z\":{Z(d)}{label}}}"), 415));
        cases.Add(new("no Content-Type", "POST", "/api/decode", null, Encoding.UTF8.GetBytes($"{{\"z\":{Z(d)}{label}}}"), 415));
        cases.Add(new("Content-Type form", "POST", "/api/decode", "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("z=1"), 415));
        cases.Add(new("Content-Type ../", "POST", "/api/decode", "application/" + "..%2F..", Encoding.UTF8.GetBytes($"{{\"z\":{Z(d)}{label}}}"), 415));
        var big = new StringBuilder("{\"z\":[");
        while (big.Length < ExplorerLimits.MaxJsonBytes + 1000) big.Append("0.123456789,");
        big.Append("0]}");
        Json("JSON body over 256 KiB", "/api/decode", big.ToString(), 413);
        Json("query parameter ../", $"/api/decode?file={Uri.EscapeDataString(Traversal)}", $"{{\"z\":{Z(d)}{label}}}", 400);

        // POST /api/decode-grid
        Json("grid of 101 codes", "/api/decode-grid", $"{{\"z\":[{string.Join(",", Enumerable.Repeat(Z(d), ExplorerLimits.MaxBatch + 1))}]{label}}}", 400);
        Json("grid empty", "/api/decode-grid", $"{{\"z\":[]{label}}}", 400);
        Json("grid code of wrong length", "/api/decode-grid", $"{{\"z\":[{Z(d)},{Z(d + 2)}]{label}}}", 400);
        Json("grid columns 0", "/api/decode-grid", $"{{\"z\":[{Z(d)}],\"columns\":0{label}}}", 400);
        Json("grid columns ../", "/api/decode-grid", $"{{\"z\":[{Z(d)}],\"columns\":\"{Traversal}\"{label}}}", 400);

        // POST /api/path
        Json("path mode ../", "/api/path", $"{{\"a\":{Z(d)},\"b\":{Z(d, "-0.5")},\"mode\":\"{Traversal}\"}}", 400);
        Json("path slerp between opposite codes", "/api/path", $"{{\"a\":{Z(d)},\"b\":{Z(d, "-0.5")},\"mode\":\"slerp\"}}", 400);
        Json("path steps 1", "/api/path", $"{{\"a\":{Z(d)},\"b\":{Z(d)},\"steps\":1}}", 400);
        Json("path steps 10000", "/api/path", $"{{\"a\":{Z(d)},\"b\":{Z(d)},\"steps\":10000}}", 400);
        Json("path b missing", "/api/path", $"{{\"a\":{Z(d)}}}", 400);

        // POST /api/sample
        Json("sampler ../", "/api/sample", $"{{\"sampler\":\"{Traversal}\"}}", 400);
        Json("sample count 0", "/api/sample", "{\"count\":0}", 400);
        Json("sample count 1000", "/api/sample", "{\"count\":1000}", 400);
        Json("sample seed -1", "/api/sample", "{\"seed\":-1}", 400);
        Json("sample seed ../", "/api/sample", $"{{\"seed\":\"{Traversal}\"}}", 400);

        // POST /api/encode (a conditional model's class given, so each case meets the check it is about)
        string encode = classCount > 0 ? "/api/encode?label=0" : "/api/encode";
        cases.Add(new("encode JSON instead of an image", "POST", "/api/encode", "application/json", Encoding.UTF8.GetBytes("{}"), 415));
        cases.Add(new("encode text/plain", "POST", "/api/encode", "text/plain", Encoding.UTF8.GetBytes(Traversal), 415));
        cases.Add(new("encode garbage as PNG", "POST", encode, "image/png", Encoding.UTF8.GetBytes(Traversal), 400));
        cases.Add(new("encode empty PNG", "POST", encode, "image/png", [], 400));
        cases.Add(new("encode truncated PNG", "POST", encode, "image/png", TinyPng()[..40], 400));
        cases.Add(new("encode PNG declaring 100000 × 100000", "POST", encode, "image/png", HugeHeaderPng(), 400));
        cases.Add(new("encode body over 4 MiB", "POST", encode, "image/png", new byte[ExplorerLimits.MaxImageBytes + 1], 413));
        cases.Add(new("encode query label ../", "POST", $"/api/encode?label={Uri.EscapeDataString(Traversal)}", "image/png", TinyPng(), 400));
        cases.Add(new("encode query invert ../", "POST", $"/api/encode?invert={Uri.EscapeDataString(Traversal)}{(classCount > 0 ? "&label=0" : "")}", "image/png", TinyPng(), 400));
        cases.Add(new("encode query path=../", "POST", $"/api/encode?path={Uri.EscapeDataString(Traversal)}", "image/png", TinyPng(), 400));

        // GET endpoints
        cases.Add(new("points map ../", "GET", $"/api/points?map={Uri.EscapeDataString(Traversal)}", null, null, 400));
        cases.Add(new("points dims out of range", "GET", $"/api/points?map=dims&x=0&y={d}", null, null, 400));
        cases.Add(new("points dims ../", "GET", $"/api/points?map=dims&x={Uri.EscapeDataString(Traversal)}", null, null, 400));
        cases.Add(new("points query file=../", "GET", $"/api/points?file={Uri.EscapeDataString(Traversal)}", null, null, 400));
        cases.Add(new("example index out of range", "GET", "/api/examples/99999999", null, null, 404));
        cases.Add(new("example index -1", "GET", "/api/examples/-1", null, null, 404));
        cases.Add(new("example index ../ (escaped)", "GET", "/api/examples/..%2F..%2Fconfig.json", null, null, 404));
        cases.Add(new("example image index ../", "GET", "/api/examples/..%2Fmodel.safetensors/image.png", null, null, 404));
        cases.Add(new("run file config.json", "GET", "/config.json", null, null, 404));
        cases.Add(new("run file model.safetensors", "GET", "/model.safetensors", null, null, 404));
        cases.Add(new("raw ../ to the run folder", "GET", "/../config.json", null, null, 404, Raw: true));
        cases.Add(new("raw ../ out of the tree", "GET", "/api/../../../../etc/passwd", null, null, 404, Raw: true));
        cases.Add(new("raw %2e%2e segments", "GET", "/%2e%2e/%2e%2e/etc/passwd", null, null, 404, Raw: true));
        cases.Add(new("raw backslash ..\\", "GET", "/..\\..\\config.json", null, null, 404, Raw: true));
        cases.Add(new("another Host header (DNS rebinding)", "GET", "/api/info", null, null, 400, Raw: true, Host: "attacker.example"));
        cases.Add(new("GET on a POST endpoint", "GET", "/api/decode", null, null, 405));
        cases.Add(new("DELETE /api/info", "DELETE", "/api/info", null, null, 405));
        cases.Add(new("PUT /api/encode", "PUT", "/api/encode", "image/png", TinyPng(), 405));
        return cases;
    }

    /// <summary>Sends every case <paramref name="rounds"/> times to <paramref name="server"/>, then checks it still serves.</summary>
    public static async Task<BadRequestReport> RunAsync(Uri server, int latentDim, int classCount, int rounds = 1)
    {
        ExplorerLoadTest.RequireLoopback(server);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var cases = Cases(latentDim, classCount);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, Expect100ContinueTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = server, Timeout = TimeSpan.FromSeconds(30),
        };
        int sent = 0, ok = 0, serverErrors = 0;
        var failures = new List<string>();
        for (int r = 0; r < rounds; r++)
            foreach (var c in cases)
            {
                sent++;
                string? problem;
                try
                {
                    var (status, contentType, body) = await SendAsync(http, server, c).ConfigureAwait(false);
                    if (status >= 500) serverErrors++;
                    problem = Check(c, status, contentType, body);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TaskCanceledException)
                {
                    problem = $"no answer: {e.GetType().Name}: {e.Message}";
                }
                if (problem is null) ok++;
                else if (r == 0) failures.Add($"{c.Name}: {problem}");
            }
        bool serving = await ServesAsync(http, latentDim, classCount).ConfigureAwait(false);
        return new BadRequestReport(sent, ok, serverErrors, failures, serving);
    }

    /// <summary>Sends one case; returns the status, Content-Type and body.</summary>
    public static async Task<(int Status, string? ContentType, string Body)> SendAsync(HttpClient http, Uri server, BadRequestCase c)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(c);
        if (c.Raw) return await SendRawAsync(server, c).ConfigureAwait(false);
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path.TrimStart('/'));
        // A body over a limit is refused from its Content-Length before it is read; with Expect: 100-continue the client
        // waits for that answer instead of sending megabytes into a connection the server is about to close.
        if (c.Body is { Length: > 64 * 1024 }) request.Headers.ExpectContinue = true;
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        }
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    // What is wrong with the answer to a case, or null when it is the expected JSON error.
    internal static string? Check(BadRequestCase c, int status, string? contentType, string body)
    {
        string shown = body.Length > 160 ? body[..160] + "…" : body;
        if (status != c.ExpectedStatus) return $"expected {c.ExpectedStatus}, got {status}: {shown}";
        if (contentType != "application/json") return $"expected a JSON error, got Content-Type {contentType ?? "none"}: {shown}";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("error", out var e) || e.ValueKind != JsonValueKind.String || e.GetString()!.Length == 0)
                return $"the JSON has no error message: {shown}";
        }
        catch (JsonException)
        {
            return $"the body is not JSON: {shown}";
        }
        if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal) || body.Contains(".cs:line", StringComparison.Ordinal))
            return $"the error shows internals: {shown}";
        return null;
    }

    private static async Task<bool> ServesAsync(HttpClient http, int latentDim, int classCount)
    {
        try
        {
            using var info = await http.GetAsync("api/info").ConfigureAwait(false);
            string z = "[" + string.Join(",", Enumerable.Repeat("0", latentDim)) + "]";
            using var content = new StringContent(classCount > 0 ? $"{{\"z\":{z},\"label\":0}}" : $"{{\"z\":{z}}}", Encoding.UTF8, "application/json");
            using var decode = await http.PostAsync("api/decode", content).ConfigureAwait(false);
            return info.IsSuccessStatusCode && decode.IsSuccessStatusCode && ExplorerLoadTest.IsPng(await decode.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    // HTTP/1.1 over a socket, the path exactly as written (HttpClient would normalise ../ away before sending).
    private static async Task<(int, string?, string)> SendRawAsync(Uri server, BadRequestCase c)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host.Trim('[', ']'), server.Port).ConfigureAwait(false);
        await using var stream = tcp.GetStream();
        string request = $"{c.Method} {c.Path} HTTP/1.1\r\nHost: {c.Host ?? server.Authority}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer).ConfigureAwait(false);
        byte[] bytes = buffer.ToArray();
        int headerEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0) return (0, null, Encoding.UTF8.GetString(bytes));
        var lines = Encoding.ASCII.GetString(bytes, 0, headerEnd).Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        string? type = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Split(';')[0].Trim()).FirstOrDefault();
        var body = bytes.AsSpan(headerEnd + 4).ToArray();
        if (lines.Any(l => l.StartsWith("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))) body = Unchunk(body);
        return (status, type, Encoding.UTF8.GetString(body));
    }

    private static byte[] Unchunk(byte[] body)
    {
        using var result = new MemoryStream();
        int at = 0;
        while (at < body.Length)
        {
            int lineEnd = body.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            int size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, lineEnd).Split(';')[0], 16);
            if (size == 0) break;
            result.Write(body, at + lineEnd + 2, size);
            at += lineEnd + 2 + size + 2;
        }
        return result.ToArray();
    }

    // A valid 1×1 gray PNG.
    internal static byte[] TinyPng() => Imaging.ImageCodec.EncodePng(new Imaging.Image8(1, 1, 1, [200]));

    // A PNG whose IHDR declares 100000 × 100000 pixels (the pixel limit must refuse it before allocating).
    private static byte[] HugeHeaderPng()
    {
        var png = TinyPng();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);
        return png;
    }
}
