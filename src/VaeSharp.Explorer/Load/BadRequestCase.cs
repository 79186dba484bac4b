namespace VaeSharp.Explorer.Load;

/// <summary>One malformed or hostile request and the status the explorer must answer it with (always with a JSON error).</summary>
/// <param name="Name">What the case tries.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query, sent as written (no normalisation) when <paramref name="Raw"/>.</param>
/// <param name="ContentType">The Content-Type header, or null for none.</param>
/// <param name="Body">The body, or null.</param>
/// <param name="ExpectedStatus">The status the server must answer.</param>
/// <param name="Raw">Sent over a plain socket exactly as written (paths with ../, another Host header).</param>
/// <param name="Host">The Host header of a raw request (default: the server's address).</param>
public sealed record BadRequestCase(string Name, string Method, string Path, string? ContentType, byte[]? Body, int ExpectedStatus,
    bool Raw = false, string? Host = null);
