// The GEMM benchmarks' BenchmarkDotNet setup: a short job (20 cases take about a minute and a half, to
// fit between the other users of this shared machine), run natively and, on a CPU with AVX-512, once more
// with AVX-512 switched off (job Avx2Only: the 6×16 AVX2 kernel alone), with time-based warm-up (4 × 150 ms,
// so tiered compilation has promoted every hot method before measuring), 7 measured iterations of
// 150 ms, medians, and a GFLOP/s column computed from the median. Each case runs in its own
// process, so OpenBLAS's spinning threads never compete with the managed pool.
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VaeSharp.Benchmarks.Kernels;

/// <summary>Short job, median and GFLOP/s columns, allocation column.</summary>
public sealed class GemmBenchmarkConfig : ManualConfig
{
    /// <summary>Builds the configuration.</summary>
    public GemmBenchmarkConfig()
    {
        Job shortJob = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(7)
            .WithIterationTime(TimeInterval.FromMilliseconds(150));
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            AddJob(shortJob.WithId("Native"));
        }
        else
        {
            // OpenBLAS 0.3.21 takes this Zen 5 for a Haswell (AVX2) unless told otherwise: each job gives it
            // the kernels of the same width as ours.
            AddJob(shortJob.WithId("Native").WithEnvironmentVariables(new EnvironmentVariable("OPENBLAS_CORETYPE", "SKYLAKEX")));
            // The same cases with AVX-512 switched off in the benchmark process: the 6×16 AVX2 kernel alone.
            AddJob(shortJob.WithId("Avx2Only").WithEnvironmentVariables(
                new EnvironmentVariable("DOTNET_EnableAVX512", "0"), new EnvironmentVariable("DOTNET_EnableAVX512F", "0"),
                new EnvironmentVariable("OPENBLAS_CORETYPE", "HASWELL")));
        }
        AddColumn(StatisticColumn.Median, new GflopsColumn());
        AddDiagnoser(MemoryDiagnoser.Default);
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
    }

    private sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOP/s";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2·M·N·K / median time, in 10^9 flop per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
            if (medianNs is not > 0 || benchmarkCase.Parameters["Shape"] is not GemmShape shape) return "-";
            return (shape.Flops / medianNs.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
