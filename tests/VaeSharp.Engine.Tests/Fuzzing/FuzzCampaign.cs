using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VaeSharp.Engine.IO;
using Xunit.Abstractions;

namespace VaeSharp.Engine.Tests.Fuzzing;

// The loop every loader's fuzz test runs (compiled into VaeSharp.Tests too, by a link in its project file).
// Each input must either load — and then pass the loader's consistency check — or end in the loader's
// typed error (a FileFormatException subclass) whose FilePath is the file it was given and whose message
// starts with "<file>: ". Anything else is a failure: another exception type, a message that does not
// name the file, an inconsistent result, an input that allocates more than its stated bound
// (GC.GetAllocatedBytesForCurrentThread around the load) or runs longer than PerInputLimit, and the
// whole campaign running past Budget (a hang: the watchdog names the input in progress). The result
// lists the outcomes; AssertClean fails on any failure or on a count other than the one promised.

/// <summary>One mutated input: its number in the campaign, how it was made, its bytes.</summary>
internal sealed record FuzzInput(int Index, string Mutation, byte[] Bytes);

/// <summary>How one input failed the contract.</summary>
internal sealed record FuzzFailure(int Index, string Mutation, string Kind, string Detail, byte[] Bytes);

/// <summary>Runs a loader over mutated inputs and records what happened to each.</summary>
internal sealed class FuzzCampaign<T>
{
    /// <summary>The loader's name, for the report.</summary>
    public required string Loader { get; init; }

    /// <summary>The seed the inputs were made from (reported, so a failure can be reproduced).</summary>
    public required ulong Seed { get; init; }

    /// <summary>Called before each input is loaded, outside the measurements (e.g. to write it to a file).</summary>
    public Action<FuzzInput>? Prepare { get; init; }

    /// <summary>Loads one input.</summary>
    public required Func<FuzzInput, T> Load { get; init; }

    /// <summary>The file name the typed error must carry for this input.</summary>
    public required Func<FuzzInput, string> Source { get; init; }

    /// <summary>Whether an exception is the loader's typed error (besides naming the file).</summary>
    public required Func<Exception, bool> IsTypedError { get; init; }

    /// <summary>Checks a loaded result; returns null when consistent, else what is wrong.</summary>
    public required Func<FuzzInput, T, string?> Check { get; init; }

    /// <summary>Checks a typed error's problem text further (e.g. that it names a field); null when fine.</summary>
    public Func<FuzzInput, FileFormatException, string?>? CheckMessage { get; init; }

    /// <summary>The most bytes loading this input may allocate on its thread.</summary>
    public required Func<FuzzInput, long> AllocationBound { get; init; }

    /// <summary>The longest one input may take.</summary>
    public TimeSpan PerInputLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest the whole campaign may take before it counts as hung.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Runs every input on a watched thread and returns the outcomes.</summary>
    public FuzzResult Run(IEnumerable<FuzzInput> inputs)
    {
        var result = new FuzzResult(Loader, Seed);
        FuzzInput? current = null;
        var clock = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(() =>
        {
            foreach (var input in inputs)
            {
                Volatile.Write(ref current, input);
                RunOne(input, result);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        if (!task.Wait(Budget))
        {
            var hung = Volatile.Read(ref current);
            lock (result)
                result.Failures.Add(new FuzzFailure(hung?.Index ?? -1, hung?.Mutation ?? "?", "hang",
                    $"the campaign ran past its {Budget.TotalSeconds} s budget while loading this input", hung?.Bytes ?? []));
            result.TimedOut = true;
        }
        else if (task.Exception is { } e)
        {
            throw new InvalidOperationException($"{Loader}: the fuzz harness itself failed", e.InnerException ?? e);
        }
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private void RunOne(FuzzInput input, FuzzResult result)
    {
        Prepare?.Invoke(input);
        string source = Source(input);
        T? loaded = default;
        Exception? error = null;
        var watch = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            loaded = Load(input);
        }
        catch (Exception e)
        {
            error = e;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        watch.Stop();

        lock (result)
        {
            result.Tried++;
            result.MaxAllocated = Math.Max(result.MaxAllocated, allocated);
            if (watch.Elapsed > result.Slowest) (result.Slowest, result.SlowestMutation) = (watch.Elapsed, input.Mutation);
            void Fail(string kind, string detail) => result.Failures.Add(new FuzzFailure(input.Index, input.Mutation, kind, detail, input.Bytes));

            long bound = AllocationBound(input);
            if (allocated > bound)
                Fail("allocation", $"allocated {allocated:N0} bytes, more than its bound {bound:N0} ({(error is null ? "loaded" : error.GetType().Name)})");
            if (watch.Elapsed > PerInputLimit)
                Fail("slow", $"took {watch.Elapsed.TotalMilliseconds:F0} ms, more than {PerInputLimit.TotalMilliseconds:F0} ms");

            if (error is null)
            {
                result.Loaded++;
                string? problem;
                try { problem = Check(input, loaded!); }
                catch (Exception e) { problem = $"the check threw {e.GetType().Name}: {e.Message}"; }
                if (problem is not null) Fail("inconsistent", problem);
                return;
            }

            if (!IsTypedError(error) || error is not FileFormatException typed)
            {
                result.Crashes++;
                Fail("crash", $"{error.GetType().FullName}: {error.Message}\n{error.StackTrace}");
                return;
            }
            result.Refused.TryGetValue(error.GetType().Name, out int n);
            result.Refused[error.GetType().Name] = n + 1;
            result.CountReason(typed.Problem);
            if (typed.FilePath != source || !typed.Message.StartsWith(source + ": ", StringComparison.Ordinal))
                Fail("unnamed", $"the message does not name '{source}': {typed.Message}");
            else if (string.IsNullOrWhiteSpace(typed.Problem))
                Fail("unnamed", "the message says nothing after the file name");
            else if (CheckMessage?.Invoke(input, typed) is string bad)
                Fail("message", $"{bad}: {typed.Message}");
        }
    }
}

/// <summary>What a campaign found: counts per outcome, the failures, the largest allocation and the slowest input.</summary>
internal sealed class FuzzResult(string loader, ulong seed)
{
    private static readonly Regex Variable = new(@"'[^']*'|""[^""]*""|-?\d[\d.,eE+\-]*|0x[0-9A-Fa-f]+", RegexOptions.Compiled);
    private readonly Dictionary<string, int> _reasons = [];

    public string Loader { get; } = loader;
    public ulong Seed { get; } = seed;
    public int Tried { get; set; }
    public int Loaded { get; set; }
    public int Crashes { get; set; }
    public Dictionary<string, int> Refused { get; } = [];
    public List<FuzzFailure> Failures { get; } = [];
    public long MaxAllocated { get; set; }
    public TimeSpan Slowest { get; set; }
    public string SlowestMutation { get; set; } = "";
    public TimeSpan Elapsed { get; set; }
    public bool TimedOut { get; set; }

    public int RefusedTotal => Refused.Values.Sum();

    /// <summary>Refusals by message with the values taken out, and how many inputs each ended.</summary>
    public IReadOnlyDictionary<string, int> Reasons => _reasons;

    // Refusals grouped by their message with the values taken out ("tensor '…': shape[…] is …").
    public void CountReason(string problem)
    {
        string reason = Variable.Replace(problem, "…");
        if (reason.Length > 90) reason = reason[..90] + "…";
        _reasons.TryGetValue(reason, out int n);
        _reasons[reason] = n + 1;
    }

    /// <summary>The report printed by each fuzz test.</summary>
    public string Report()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"{Loader}: {Tried} inputs (seed {Seed}) in {Elapsed.TotalSeconds:F2} s: {Loaded} loaded, {RefusedTotal} refused");
        if (Refused.Count > 0) text.Append(" (").Append(string.Join(", ", Refused.Select(r => $"{r.Value} {r.Key}"))).Append(')');
        text.Append(inv, $", {Crashes} crashes, {Failures.Count} failures");
        if (TimedOut) text.Append(" — HUNG");
        text.AppendLine();
        text.Append(inv, $"  largest allocation {MaxAllocated / 1024.0:F0} KiB; slowest input {Slowest.TotalMilliseconds:F1} ms ({SlowestMutation})").AppendLine();
        text.Append(inv, $"  {_reasons.Count} distinct refusals; the most common:").AppendLine();
        foreach (var (reason, count) in _reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(12))
            text.Append(inv, $"    {count,5}  {reason}").AppendLine();
        // Failures grouped by kind and first line (exception type and message without values), one example each.
        foreach (var group in FailureGroups())
        {
            var f = group.First();
            string where = f.Detail.Split('\n').Skip(1).FirstOrDefault(l => l.Contains(" in /", StringComparison.Ordinal))?.Trim() ?? "";
            text.Append(inv, $"  FAILURE ×{group.Count()} [{f.Kind}] e.g. #{f.Index} {f.Mutation}: {f.Detail.Split('\n')[0]}").AppendLine();
            if (where.Length > 0) text.Append("      ").Append(where).AppendLine();
        }
        return text.ToString();
    }

    // Failures grouped by kind and first line of the detail with the values taken out, at most 20 groups.
    private IEnumerable<IGrouping<string, FuzzFailure>> FailureGroups() =>
        Failures.GroupBy(f => f.Kind + " " + Variable.Replace(f.Detail.Split('\n')[0], "…")).Take(20);

    /// <summary>Prints the report, keeps failing inputs for a fixture, and asserts a clean run of exactly <paramref name="promised"/> inputs.</summary>
    public void AssertClean(ITestOutputHelper output, int promised)
    {
        output.WriteLine(Report());
        if (Failures.Count > 0)
        {
            string folder = Path.Combine(Path.GetTempPath(), "vaesharp-fuzz-failures", Loader);
            Directory.CreateDirectory(folder);
            foreach (var f in FailureGroups().Select(g => g.First())) File.WriteAllBytes(Path.Combine(folder, $"{f.Index}.bin"), f.Bytes);
            output.WriteLine($"  failing inputs written to {folder}");
        }
        Assert.True(Failures.Count == 0, Report());
        Assert.Equal(promised, Tried);
        Assert.Equal(Tried, Loaded + RefusedTotal);
    }
}
