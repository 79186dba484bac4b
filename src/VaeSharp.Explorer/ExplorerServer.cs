using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using VaeSharp.Explorer.Api;

namespace VaeSharp.Explorer;

// The explorer's web server: Kestrel with a handful of routes (the page's three files and the JSON/PNG API), no
// static-file provider, no configuration files, no logging providers. Safe by default:
//  - it binds 127.0.0.1 unless told otherwise, and while bound to a loopback address it answers only requests whose
//    Host is localhost, 127.0.0.1 or [::1] (a web page elsewhere cannot reach it through DNS rebinding);
//  - request bodies are capped (Kestrel's limit, then each endpoint's), as are headers and batch sizes;
//  - every refusal is a 4xx with {"error": "..."}; a failure is a 500 with {"error": "internal error"} and its
//    details go to the log only; the server goes on serving after either;
//  - responses carry nosniff, a same-origin content security policy and no-referrer.

/// <summary>Serves an <see cref="ExplorerSession"/> over HTTP: the page at <c>/</c> and the API under <c>/api/</c>.</summary>
public sealed class ExplorerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExplorerServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The page's address, e.g. http://127.0.0.1:8050/.</summary>
    public Uri Url { get; }

    /// <summary>Starts serving <paramref name="session"/>.</summary>
    /// <exception cref="IOException">The address cannot be bound (the port is in use, or the host is not this machine's).</exception>
    public static async Task<ExplorerServer> StartAsync(ExplorerSession session, ExplorerServerOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new ExplorerServerOptions();
        if (options.Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(options), options.Port, "The port must be 0 to 65535.");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "VaeSharp.Explorer", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = ExplorerLimits.MaxImageBytes;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxRequestLineSize = 8 * 1024;
            k.Limits.MaxConcurrentConnections = 512;
            k.Listen(options.Host, options.Port);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var assets = StaticAssets.Load();
        bool loopbackOnly = IPAddress.IsLoopback(options.Host);
        var log = options.Log;

        app.Use(async (ctx, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                var headers = ctx.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            try
            {
                if (loopbackOnly && !IsLocalHost(ctx.Request.Host.Host))
                    throw new ApiException(StatusCodes.Status400BadRequest, $"Host '{RequestReader.Shorten(ctx.Request.Host.Host)}': this explorer answers only to localhost, 127.0.0.1 and [::1]");
                await next(ctx);
                // Routing's own answers (404 for no route, 405 for a route's path with another method) have no body: give them one.
                if (ctx.Response.StatusCode >= 400 && !ctx.Response.HasStarted)
                {
                    string path = RequestReader.Shorten(ctx.Request.Path.Value ?? "");
                    await Error(ctx, ctx.Response.StatusCode, ctx.Response.StatusCode switch
                    {
                        404 => $"no such page or endpoint: {path}",
                        405 => $"{RequestReader.Shorten(ctx.Request.Method)} is not allowed on {path}",
                        int other => ReasonPhrases.GetReasonPhrase(other),
                    });
                }
            }
            catch (ApiException e) when (!ctx.Response.HasStarted)
            {
                await Error(ctx, e.Status, e.Message);
            }
            catch (ServerBusyException e) when (!ctx.Response.HasStarted)
            {
                await Error(ctx, StatusCodes.Status503ServiceUnavailable, e.Message, retryAfter: "1");
            }
            catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
            {
                // Kestrel's own refusals (a body over its limit, a malformed chunk): their messages carry no internals.
                await Error(ctx, e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"the body is over {ExplorerLimits.MaxImageBytes:N0} bytes" : e.Message);
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception e)
            {
                log?.WriteLine($"explorer: {ctx.Request.Method} {ctx.Request.Path}: {e.GetType().Name}: {e.Message}");
                if (!ctx.Response.HasStarted) await Error(ctx, StatusCodes.Status500InternalServerError, "internal error");
                else ctx.Abort();
            }
        });

        foreach (var (path, file) in assets)
        {
            var content = file;
            string[] query = path == "/index.html" ? ["map"] : [];   // the page's first view, read by app.js
            RequestDelegate serve = ctx =>
            {
                RequestReader.Query(ctx, query);
                ctx.Response.ContentType = content.ContentType;
                ctx.Response.ContentLength = content.Content.Length;
                ctx.Response.Headers.CacheControl = "no-cache";
                return ctx.Response.Body.WriteAsync(content.Content, ctx.RequestAborted).AsTask();
            };
            app.MapGet(path, serve);
            if (path == "/index.html") app.MapGet("/", serve);
        }
        ExplorerApi.Map(app, session);

        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {Endpoint(options.Host, options.Port)}: {e.Message}" +
                (options.Port != 0 ? " (is another server using the port? choose one with --port, or --port 0 for any free one)" : ""), e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int port = new Uri(address).Port;
        return new ExplorerServer(app, new Uri($"http://{Endpoint(options.Host, port)}/"));
    }

    /// <summary>Stops accepting requests and finishes those in flight.</summary>
    public Task StopAsync(CancellationToken cancel = default) => _app.StopAsync(cancel);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private static string Endpoint(IPAddress host, int port) =>
        host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]:{port}" : $"{host}:{port}";

    private static bool IsLocalHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host == "127.0.0.1" || host == "[::1]" || host == "::1";

    private static Task Error(HttpContext ctx, int status, string message, string? retryAfter = null)
    {
        ctx.Response.Clear();
        ctx.Response.Headers.CacheControl = "no-store";
        if (retryAfter is not null) ctx.Response.Headers.RetryAfter = retryAfter;
        return ExplorerApi.WriteJson(ctx, new { Error = message, Status = status }, status);
    }
}
