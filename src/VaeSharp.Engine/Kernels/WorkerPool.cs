using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace VaeSharp.Engine.Kernels;

// A small persistent fork-join pool for the kernels: Run(tasks, job) calls job.Execute(t) once for
// every t in [0, tasks) on the calling thread plus up to EngineSettings.Threads - 1 helper threads,
// and returns when all tasks are done. Tasks are handed out dynamically (an atomic counter), so a
// job must give the same result whichever thread runs a task: results depend on the task split,
// never on the thread that ran it.
//
// Steady state allocates nothing: the helpers are created once (and more when Threads grows), the
// job is an object the caller keeps and reuses, and waking a helper is a volatile write (helpers
// spin for a short while after each job) or, if it had gone to sleep, a SemaphoreSlim release.
// The caller, once out of tasks, spins for the helpers the same short while and then blocks, so
// that on a busy machine it gives its core back instead of spinning while a preempted helper
// finishes. (Under a busy neighbour the pool still loses more than OpenBLAS: docs/benchmarks.md.)
//
// One job at a time: a Run that finds the pool busy (another caller thread, or a task that itself
// calls Run) executes its tasks inline on its own thread. Exceptions thrown by tasks are rethrown
// by Run after every task has finished or been skipped.
internal interface IParallelJob
{
    /// <summary>Runs task number <paramref name="task"/> of the current <c>WorkerPool.Run</c>.</summary>
    void Execute(int task);
}

internal static class WorkerPool
{
    // How long an idle helper (or the caller waiting for helpers) spins before it blocks: long
    // enough to bridge the gaps between the fork-joins of one GEMM and most gaps between the
    // kernels of a training step; short enough that on a busy machine the threads sleep (and get
    // woken promptly) instead of burning their share of a core.
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000; // 100 µs

    private const int ActiveBits = 16;
    private const long ActiveMask = (1L << ActiveBits) - 1;

    private static readonly object GrowLock = new();
    private static Worker[] _workers = [];
    private static int _busy;

    // The current job; written by the dispatcher before it publishes _dispatch.
    private static IParallelJob? _job;
    private static int _taskCount;
    private static int _nextTask;
    private static int _pendingHelpers;           // helpers still running, | CallerSleeping
    private const int CallerSleeping = 1 << 30;
    private static readonly SemaphoreSlim AllDone = new(0);
    private static ExceptionDispatchInfo? _error;

    // (generation << ActiveBits) | number of helpers taking part in that generation, in one word so
    // a helper reads both consistently.
    private static long _dispatch;

    /// <summary>Number of helper threads created so far (for tests and diagnostics).</summary>
    public static int HelperCount => Volatile.Read(ref _workers).Length;

    /// <summary>Runs job.Execute(0..tasks-1) on up to <see cref="EngineSettings.Threads"/> threads.</summary>
    public static void Run(int tasks, IParallelJob job) => Run(tasks, job, EngineSettings.Threads);

    /// <summary>Runs job.Execute(0..tasks-1) on at most <paramref name="maxThreads"/> threads (the caller included).</summary>
    public static void Run(int tasks, IParallelJob job, int maxThreads)
    {
        if (tasks <= 0) return;
        int threads = Math.Min(Math.Min(maxThreads, tasks), (int)ActiveMask + 1);
        if (threads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int t = 0; t < tasks; t++) job.Execute(t);
            return;
        }

        try
        {
            int helpers = threads - 1;
            Worker[] workers = EnsureWorkers(helpers);
            _job = job;
            _taskCount = tasks;
            _nextTask = 0;
            _pendingHelpers = helpers;
            _error = null;
            long generation = (Volatile.Read(ref _dispatch) >> ActiveBits) + 1;
            Interlocked.Exchange(ref _dispatch, (generation << ActiveBits) | (long)helpers);
            for (int w = 0; w < helpers; w++) workers[w].Wake();

            try
            {
                RunTasks(job);
            }
            catch (Exception e)
            {
                RecordError(e);
            }

            WaitForHelpers();
            _error?.Throw();
        }
        finally
        {
            _job = null;
            _error = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    // Spin a while, then block so this core goes idle rather than spinning while a helper that
    // another process preempted waits for its next time slice.
    private static void WaitForHelpers()
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _pendingHelpers) != 0)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(16);
                continue;
            }
            // Count and flag in one word: the helper that takes the count to zero sees the flag.
            if ((Interlocked.Or(ref _pendingHelpers, CallerSleeping) & ~CallerSleeping) != 0) AllDone.Wait();
            break;
        }
    }

    private static void HelperDone()
    {
        if (Interlocked.Decrement(ref _pendingHelpers) == CallerSleeping) AllDone.Release();
    }

    private static void RunTasks(IParallelJob job)
    {
        int count = _taskCount;
        int t;
        while ((t = Interlocked.Increment(ref _nextTask) - 1) < count) job.Execute(t);
    }

    private static void RecordError(Exception e)
    {
        // Skip the tasks not yet started, keep the first exception.
        Interlocked.Exchange(ref _nextTask, int.MaxValue / 2);
        Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
    }

    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = _workers;
        if (workers.Length >= count) return workers;
        lock (GrowLock)
        {
            workers = _workers;
            if (workers.Length >= count) return workers;
            var grown = new Worker[count];
            Array.Copy(workers, grown, workers.Length);
            long generation = Volatile.Read(ref _dispatch) >> ActiveBits;
            for (int w = workers.Length; w < count; w++) grown[w] = new Worker(w, generation);
            Volatile.Write(ref _workers, grown);
            return grown;
        }
    }

    private sealed class Worker
    {
        private readonly int _index;
        private readonly SemaphoreSlim _signal = new(0);
        private long _seenGeneration;
        private int _sleeping;

        public Worker(int index, long generation)
        {
            _index = index;
            _seenGeneration = generation;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"VaeSharp kernel worker {index + 1}" };
            thread.Start();
        }

        // Called by the dispatcher after it published a new _dispatch.
        public void Wake()
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _signal.Release();
        }

        private void Loop()
        {
            while (true)
            {
                long dispatch = WaitForDispatch();
                _seenGeneration = dispatch >> ActiveBits;
                if (_index >= (int)(dispatch & ActiveMask)) continue;

                // The dispatcher cannot move on before this helper decrements _pendingHelpers, so
                // _job and _taskCount belong to the generation just read.
                try
                {
                    RunTasks(_job!);
                }
                catch (Exception e)
                {
                    RecordError(e);
                }
                HelperDone();
            }
        }

        private long WaitForDispatch()
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                long dispatch = Volatile.Read(ref _dispatch);
                if (dispatch >> ActiveBits != _seenGeneration) return dispatch;
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }

                // Go to sleep. Either we see the new generation after raising the flag, or the
                // dispatcher sees the flag after publishing it (both sides use full fences).
                Interlocked.Exchange(ref _sleeping, 1);
                dispatch = Volatile.Read(ref _dispatch);
                if (dispatch >> ActiveBits != _seenGeneration && Interlocked.Exchange(ref _sleeping, 0) == 1)
                    return dispatch;
                _signal.Wait(); // the dispatcher took the flag and releases us
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
