using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace VaeSharp.Engine.Diagnostics;

/// <summary>What a profiled span of time was spent on.</summary>
public enum ProfileKind
{
    /// <summary>A matrix product on the GEMM kernel (forward, backward, or a convolution's lowered product).</summary>
    Gemm,
    /// <summary>A forward op other than its GEMM: element-wise work, reductions, copies, and the dispatch up to recording it.</summary>
    Forward,
    /// <summary>An op's backward function other than its GEMMs.</summary>
    Backward,
    /// <summary>A phase of the training step that is not an op: batching, the optimiser, gradient norms, bookkeeping.</summary>
    Phase,
}

/// <summary>One row of a profile: a name, how often it ran and its exclusive time (nested spans subtracted).</summary>
/// <param name="Kind">What kind of work.</param>
/// <param name="Name">The op, GEMM shape or phase.</param>
/// <param name="Calls">How many times it ran.</param>
/// <param name="Seconds">Exclusive seconds (time of nested spans, such as an op's GEMMs, not included).</param>
/// <param name="Flops">Floating-point operations done (GEMMs: 2·m·n·k), or 0.</param>
/// <param name="Bytes">Bytes read and written, as estimated by the caller, or 0.</param>
public sealed record ProfileEntry(ProfileKind Kind, string Name, long Calls, double Seconds, double Flops, double Bytes);

/// <summary>
/// A switchable profiler of one thread's calls into the engine's work: GEMMs by shape, forward ops (the time since the previous
/// op was recorded, less nested GEMMs), backward functions by op, and phases the caller marks. Off by default, and then
/// each instrumented site costs one static read. Meant for <c>vae bench --profile</c>: turn it on, run steps on one
/// thread's call path (kernels may still fan out to worker threads inside a span), read <see cref="Snapshot"/>.
/// </summary>
public static class OpProfiler
{
    private sealed class Accumulator
    {
        public long Calls;
        public long Ticks;
        public double Flops;
        public double Bytes;
    }

    private static readonly Dictionary<(ProfileKind, string), Accumulator> Entries = new();
    private static readonly Dictionary<MethodInfo, string> OpNames = new();
    private static readonly Stack<long> ChildTicks = new();
    private static long _lastMark;
    private static long _childSinceMark;

    private static bool _enabled;
    private static int _owner;

    /// <summary>True while profiling and on the thread that started it (other threads' work is not booked);
    /// instrumented sites check it before doing anything.</summary>
    public static bool Enabled => _enabled && Environment.CurrentManagedThreadId == _owner;

    /// <summary>Clears what was gathered and starts profiling the calling thread.</summary>
    public static void Start()
    {
        _owner = Environment.CurrentManagedThreadId;
        Entries.Clear();
        ChildTicks.Clear();
        _childSinceMark = 0;
        _lastMark = Stopwatch.GetTimestamp();
        _enabled = true;
    }

    /// <summary>Stops profiling; what was gathered stays readable through <see cref="Snapshot"/>.</summary>
    public static void Stop() => _enabled = false;

    /// <summary>Everything gathered since <see cref="Start"/>, largest exclusive time first.</summary>
    public static IReadOnlyList<ProfileEntry> Snapshot() =>
        [.. Entries.Select(e => new ProfileEntry(e.Key.Item1, e.Key.Item2, e.Value.Calls, e.Value.Ticks / (double)Stopwatch.Frequency, e.Value.Flops, e.Value.Bytes))
            .OrderByDescending(e => e.Seconds)];

    /// <summary>Opens a span (0 when not profiling); pass the value to <see cref="End"/>. Spans nest; a span's time is exclusive of its children.</summary>
    public static long Begin()
    {
        if (!Enabled) return 0;
        ChildTicks.Push(0);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>Closes the span opened at <paramref name="started"/> and books its exclusive time.</summary>
    public static void End(long started, ProfileKind kind, string name, double flops = 0, double bytes = 0)
    {
        if (started == 0 || ChildTicks.Count == 0) return;
        long now = Stopwatch.GetTimestamp();
        long elapsed = now - started;
        long children = ChildTicks.Pop();
        if (ChildTicks.Count > 0) ChildTicks.Push(ChildTicks.Pop() + elapsed);
        else _childSinceMark += elapsed;
        Book(kind, name, elapsed - children, flops, bytes);
    }

    /// <summary>
    /// Books the time since the previous mark (less the spans closed in between) to a forward op; called where an op
    /// records its output. Inside an open span (a backward function calling ops) it books nothing.
    /// </summary>
    public static void MarkForward(string op, double bytes)
    {
        if (ChildTicks.Count > 0) return;
        long now = Stopwatch.GetTimestamp();
        long elapsed = now - _lastMark - _childSinceMark;
        _lastMark = now;
        _childSinceMark = 0;
        Book(ProfileKind.Forward, op, elapsed, 0, bytes);
    }

    /// <summary>Books the time since the previous mark (less the spans closed in between) to a phase, and restarts the clock.</summary>
    public static void MarkPhase(string name)
    {
        if (!Enabled || ChildTicks.Count > 0) return;
        long now = Stopwatch.GetTimestamp();
        Book(ProfileKind.Phase, name, now - _lastMark - _childSinceMark, 0, 0);
        _lastMark = now;
        _childSinceMark = 0;
    }

    /// <summary>Restarts the forward clock without booking (at the start of a step's forward pass).</summary>
    public static void ResetMark()
    {
        if (!Enabled) return;
        _lastMark = Stopwatch.GetTimestamp();
        _childSinceMark = 0;
    }

    /// <summary>The op a backward function belongs to: <c>LinearBackward</c> → Linear, a lambda in <c>MatMul</c> → MatMul.</summary>
    public static string OpName(Delegate backward)
    {
        var method = backward.Method;
        if (OpNames.TryGetValue(method, out var name)) return name;
        name = method.Name;
        if (name.StartsWith('<') && name.IndexOf('>') is > 1 and var close) name = name[1..close];
        if (name.EndsWith("Backward", StringComparison.Ordinal) && name.Length > 8) name = name[..^8];
        OpNames[method] = name;
        return name;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Book(ProfileKind kind, string name, long ticks, double flops, double bytes)
    {
        if (!Entries.TryGetValue((kind, name), out var acc)) Entries[(kind, name)] = acc = new Accumulator();
        acc.Calls++;
        acc.Ticks += ticks;
        acc.Flops += flops;
        acc.Bytes += bytes;
    }
}
