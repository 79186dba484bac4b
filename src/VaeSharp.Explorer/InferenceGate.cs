namespace VaeSharp.Explorer;

// The explorer's concurrency policy. A model is not safe to run from two threads at once (its train/eval mode is
// its own, and the kernels share one worker pool), so every model call goes through this gate: one call at a time,
// the others wait their turn (no order is promised among them). At most MaxWaiting requests wait; one more, or one
// that has waited MaxWait, is refused with ServerBusyException (HTTP 503 with Retry-After), so a flood of requests
// cannot pile up unbounded work or memory. A call holds the gate only while the model runs: reading the request,
// validating it and encoding the PNG happen outside it.

/// <summary>Runs model calls one at a time, with a bounded number of waiting callers.</summary>
public sealed class InferenceGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _pending;
    private long _completed, _refused;

    /// <summary>A gate that lets <paramref name="maxWaiting"/> callers wait at most <paramref name="maxWait"/> each.</summary>
    /// <param name="maxWaiting">Callers that may wait while one runs, at least 0.</param>
    /// <param name="maxWait">The longest a caller waits for its turn.</param>
    public InferenceGate(int maxWaiting = 64, TimeSpan? maxWait = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWaiting);
        MaxWaiting = maxWaiting;
        MaxWait = maxWait ?? TimeSpan.FromSeconds(10);
        if (MaxWait <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxWait), maxWait, "The longest wait must be positive.");
    }

    /// <summary>Callers that may wait while one runs.</summary>
    public int MaxWaiting { get; }

    /// <summary>The longest a caller waits for its turn before it is refused.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>Calls that ran to the end (or threw from their body).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Callers running or waiting now.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Calls refused because too many waited or the wait was too long.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Waits for the gate, then runs <paramref name="body"/> on the calling thread while holding it.</summary>
    /// <param name="body">The model call; it runs synchronously (the engine's tensor scopes are per thread).</param>
    /// <param name="cancel">Gives up waiting when the client goes away.</param>
    /// <exception cref="ServerBusyException">Too many callers wait already, or the turn did not come within <see cref="MaxWait"/>.</exception>
    public async Task<T> RunAsync<T>(Func<T> body, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Interlocked.Increment(ref _pending) > MaxWaiting + 1)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _refused);
            throw new ServerBusyException($"the model is busy: {MaxWaiting} requests are already waiting");
        }
        try
        {
            if (!await _turn.WaitAsync(MaxWait, cancel).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _refused);
                throw new ServerBusyException($"the model is busy: no turn within {MaxWait.TotalSeconds:0.#} s");
            }
            try
            {
                return body();
            }
            finally
            {
                Interlocked.Increment(ref _completed);
                _turn.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }
}
