namespace VaeSharp.Explorer.Load;

/// <summary>What <see cref="BadRequestSuite.RunAsync"/> found.</summary>
/// <param name="Sent">Bad requests sent (cases × rounds).</param>
/// <param name="AsExpected">Answered with the expected status and a JSON body {"error": "..."} that carries no stack trace.</param>
/// <param name="ServerErrors">Answered with a 5xx.</param>
/// <param name="Failures">Each case that was not answered as expected, with what came back.</param>
/// <param name="ServingAfter">A valid decode and GET /api/info still succeeded after the last bad request.</param>
public sealed record BadRequestReport(int Sent, int AsExpected, int ServerErrors, IReadOnlyList<string> Failures, bool ServingAfter);
