using System.Diagnostics;
using VaeSharp.Data;
using VaeSharp.Engine;
using VaeSharp.Engine.Diagnostics;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Training;

/// <summary>Where a training step's time goes, per step, with the CPU's measured limits beside it.</summary>
/// <param name="Cpu">The processor it ran on.</param>
/// <param name="Threads">Engine threads.</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="Steps">Steps timed (each of the plain and the profiled runs).</param>
/// <param name="StepMilliseconds">Median wall time of a step over the plain (unprofiled) run.</param>
/// <param name="MeanStepMilliseconds">Mean wall time of a step over the plain run (garbage collections and slow steps included).</param>
/// <param name="ProfiledStepMilliseconds">Mean wall time of a step while profiling.</param>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per steady step (all threads), over the plain run.</param>
/// <param name="PeakGflops">The CPU's measured FMA peak on <paramref name="Threads"/> threads.</param>
/// <param name="TriadGBs">The measured triad memory bandwidth on <paramref name="Threads"/> threads.</param>
/// <param name="Data">The data set the batches came from ("synthetic": uniform values).</param>
/// <param name="Entries">What the profiler booked, per step (calls, seconds, flops, bytes divided by <paramref name="Steps"/>).</param>
public sealed record StepProfileResult(CpuDescription Cpu, int Threads, int BatchSize, int Steps, double StepMilliseconds, double MeanStepMilliseconds,
    double ProfiledStepMilliseconds, double AllocatedBytesPerStep, double PeakGflops, double TriadGBs, string Data, IReadOnlyList<ProfileEntry> Entries)
{
    /// <summary>Milliseconds per step spent in GEMMs.</summary>
    public double GemmMilliseconds => Entries.Where(e => e.Kind == ProfileKind.Gemm).Sum(e => e.Seconds) * 1000;

    /// <summary>GEMM floating-point operations per step.</summary>
    public double GemmFlops => Entries.Where(e => e.Kind == ProfileKind.Gemm).Sum(e => e.Flops);

    /// <summary>The GEMMs' share of the profiled step: how close the step is to its GEMM limit (1 = nothing but GEMM).</summary>
    public double GemmShare => GemmMilliseconds / ProfiledStepMilliseconds;

    /// <summary>Milliseconds per step the profiler booked to nothing (the step's own bookkeeping, the loop).</summary>
    public double UnaccountedMilliseconds => ProfiledStepMilliseconds - Entries.Sum(e => e.Seconds) * 1000;

    /// <summary>The group a row belongs to in the summary: GEMM, element-wise forward/backward, loss, random draws, optimiser, batching, framework.</summary>
    public static string Group(ProfileEntry entry) => entry.Kind switch
    {
        ProfileKind.Gemm => "GEMM",
        ProfileKind.Phase when entry.Name == "optimizer step" => "optimizer (Adam)",
        ProfileKind.Phase when entry.Name == "batching" => "batching",
        ProfileKind.Phase when entry.Name.StartsWith("loss", StringComparison.Ordinal) => "loss",
        ProfileKind.Phase => "framework",
        ProfileKind.Forward when entry.Name == "random normals" => "random draws",
        _ when IsLoss(entry.Name) => "loss",
        ProfileKind.Forward => "element-wise forward",
        _ => "element-wise backward",
    };

    private static bool IsLoss(string op) =>
        op.Contains("Loss", StringComparison.Ordinal) || op.Contains("CrossEntropy", StringComparison.Ordinal) || op.Contains("Kl", StringComparison.Ordinal)
        || op.Contains("Nll", StringComparison.Ordinal) || op.Contains("Bce", StringComparison.Ordinal);
}

/// <summary>
/// Profiles the real training step (<see cref="Trainer"/>'s own loop: batching, objective, backward, gradient norm,
/// Adam) of a model on synthetic data or a given set: a warm-up, a plain timed run (step time and bytes allocated per
/// step), then a profiled run of as many steps (<see cref="OpProfiler"/>: GEMMs by shape, ops, phases).
/// </summary>
public static class StepProfile
{
    /// <summary>Runs the profile. <paramref name="data"/> null: uniform values in [0, 1] of the model's input shape.</summary>
    public static StepProfileResult Run(ModelConfig config, TrainingOptions options, IDataset? data = null, int steps = 40, double warmupSeconds = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var model = ModelFamilies.Create(config);
        int perEpoch = steps + 2;
        data ??= Synthetic(config, options.BatchSize * perEpoch);
        var trainer = new Trainer(model, options);
        int epoch = 1;
        int stepsPerEpoch = trainer.StepsPerEpoch(data.Count);
        if (stepsPerEpoch < steps + 2) throw new ArgumentException($"Data set {data.Name}: {data.Count} examples make {stepsPerEpoch} steps of {options.BatchSize}; the profile needs {steps + 2} in one epoch.");

        // Runs `count` steps of the epoch in progress (starting one if needed); finishes the epoch when count is null.
        void Steps(int? count)
        {
            int done = 0;
            var report = trainer.ContinueEpoch(epoch, data, null, count is int c ? () => ++done >= c : null);
            if (report is not null) epoch++;
        }

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmupSeconds) Steps(null);

        // Plain run: one step to open the epoch (its shuffle), then `steps` timed steps, each timed alone.
        Steps(1);
        var times = new double[steps];
        var bytes = new long[steps];
        int timed = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long last = Stopwatch.GetTimestamp();
        trainer.ContinueEpoch(epoch, data, null, () =>
        {
            long now = Stopwatch.GetTimestamp();
            long allocatedNow = GC.GetTotalAllocatedBytes(precise: true);
            times[timed] = (now - last) / (double)Stopwatch.Frequency;
            bytes[timed++] = allocatedNow - allocatedBefore;
            allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            last = Stopwatch.GetTimestamp();
            return timed >= steps;
        });
        Steps(null);

        // Profiled run over a fresh epoch.
        Steps(1);
        OpProfiler.Start();
        var clock = Stopwatch.StartNew();
        try
        {
            Steps(steps);
        }
        finally
        {
            OpProfiler.Stop();
        }
        clock.Stop();
        Steps(null);
        var entries = OpProfiler.Snapshot().Select(e => e with
        {
            Calls = (long)Math.Round((double)e.Calls / steps),
            Seconds = e.Seconds / steps,
            Flops = e.Flops / steps,
            Bytes = e.Bytes / steps,
        }).ToArray();
        double mean = times.Average() * 1000;
        Array.Sort(times);
        Array.Sort(bytes);
        int threads = EngineSettings.Threads;
        return new StepProfileResult(CpuLimits.Describe(), threads, options.BatchSize, steps, times[steps / 2] * 1000, mean,
            clock.Elapsed.TotalMilliseconds / steps, bytes[steps / 2], CpuLimits.PeakGflops(threads), CpuLimits.TriadGBs(threads), data.Name, entries);
    }

    private static ArrayDataset Synthetic(ModelConfig config, int count)
    {
        int size = config.InputShape.Aggregate(1, (a, b) => a * b);
        var values = Tensor.Uniform(RngStreams.Create(config.Seed, RngStream.BenchmarkData), 0f, 1f, count, size).ToArray();
        int[]? labels = config is ConditionalVaeConfig c ? Enumerable.Range(0, count).Select(i => i % c.ClassCount).ToArray() : null;
        return new ArrayDataset("synthetic", values, config.InputShape, labels, labels is null ? 0 : ((ConditionalVaeConfig)config).ClassCount);
    }
}
