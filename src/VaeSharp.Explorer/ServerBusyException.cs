namespace VaeSharp.Explorer;

/// <summary>The model's gate refused a call: too many requests wait for it (the server answers 503).</summary>
/// <param name="message">What was refused and why.</param>
public sealed class ServerBusyException(string message) : Exception(message);
