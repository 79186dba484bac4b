using System.Net;

namespace VaeSharp.Explorer;

/// <summary>Where and how <see cref="ExplorerServer"/> listens.</summary>
public sealed record ExplorerServerOptions
{
    /// <summary>The address to bind (default 127.0.0.1, reachable from this machine only).</summary>
    public IPAddress Host { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 picks a free one (see <see cref="ExplorerServer.Url"/>).</summary>
    public int Port { get; init; } = 8050;

    /// <summary>Where the server reports failures it answered with 500 (the client gets no details); null for nowhere.</summary>
    public TextWriter? Log { get; init; }
}
