namespace VaeSharp.Explorer.Api;

// A request the API refuses: the status and the message go to the client as {"error": message}.
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
