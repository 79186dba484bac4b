// A quick side-by-side GEMM table (seconds, not BenchmarkDotNet's minutes): every shape of the MLP VAE's step and
// the conv VAE's lowered convolutions, VaeSharp's kernel and then OpenBLAS's cblas_sgemm on each shape, on 1 and
// 2 threads; the median GFLOP/s of the rounds (each ≥ 30 ms of repeated products after a warm-up).
//   OPENBLAS_CORETYPE=SKYLAKEX dotnet run -c Release --project bench/VaeSharp.Benchmarks -- gemm-table
using System.Diagnostics;
using VaeSharp.Engine;
using VaeSharp.Engine.Kernels;

namespace VaeSharp.Benchmarks.Kernels;

/// <summary>Prints the GEMM table (Markdown) to standard output.</summary>
public static class GemmTable
{
    /// <summary>The MLP VAE's products at batch 128 (784-400-20) and the conv VAE's (as `vae bench --profile --arch conv` lists them).</summary>
    public static IReadOnlyList<GemmShape> Shapes { get; } =
    [
        new("MLP 784→400 forward x·Wᵀ", 128, 400, 784, false, true),
        new("MLP 400→784 backward dX = dY·W", 128, 400, 784, false, false),
        new("MLP 784→400 backward dW = dYᵀ·X", 400, 784, 128, true, false),
        new("MLP 400→784 forward x·Wᵀ", 128, 784, 400, false, true),
        new("MLP 400→784 backward dW = dYᵀ·H", 784, 400, 128, true, false),
        new("MLP latent 400→20 forward", 128, 20, 400, false, true),
        new("MLP latent 400→20 dW", 20, 400, 128, true, false),
        new("MLP latent 20→400 dW", 400, 20, 128, true, false),
        new("MLP latent 20→400 forward", 128, 400, 20, false, true),
        new("conv 32→64 (14² → 7²) forward, 11 images a call", 64, 539, 288, false, false),
        new("conv 32→64 dW", 64, 288, 539, false, true),
        new("conv 32→64 dcol = Wᵀ·dZ", 288, 539, 64, true, false),
        new("3×3 32-channel layer, 3 images a call", 32, 588, 288, false, false),
        new("3×3 32-channel layer dW", 32, 288, 588, false, true),
        new("3×3 32-channel layer Wᵀ·dZ", 288, 588, 32, true, false),
        new("conv-T 32→1 (28²) dWᵀ, one image a call", 9, 32, 784, false, true),
        new("conv-T 32→1 col = W·x", 32, 784, 9, false, false),
        new("conv-T 32→1 Wᵀ·dZ", 9, 784, 32, true, false),
        new("conv VAE dense 3136→256 forward", 128, 256, 3136, false, true),
        new("conv VAE dense 256→3136 forward", 128, 3136, 256, false, true),
    ];

    /// <summary>Runs the table; <paramref name="rounds"/> alternating rounds per shape and thread count.</summary>
    public static void Run(int rounds = 7)
    {
        Console.WriteLine($"CPU: {VaeSharp.Engine.Diagnostics.CpuLimits.Describe()}");
        Console.WriteLine($"OpenBLAS: {(OpenBlas.IsAvailable ? "loaded (libopenblas.so.0; OPENBLAS_CORETYPE=" + (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "unset") + ")" : "not installed: VaeSharp only")}");
        Console.WriteLine();
        Console.WriteLine("| product | M×N×K | threads | VaeSharp GFLOP/s | OpenBLAS GFLOP/s | ratio |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var s in Shapes)
            foreach (int threads in new[] { 1, 2 })
            {
                EngineSettings.Threads = threads;
                var random = new Random(1);
                var a = Fill(s.M * s.K, random);
                var b = Fill(s.K * s.N, random);
                var c = new float[s.M * s.N];
                void Ours() => Gemm.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, a, b, c);
                void Theirs() => OpenBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, a, b, c);
                var ours = new List<double>();
                var theirs = new List<double>();
                // Not interleaved call by call: OpenBLAS's pthreads spin for a while after each call and would take the
                // second core from ours (docs/benchmarks.md, "Same-process caution"); a pause separates the two.
                Rate(Ours, s.Flops);   // warm-up
                for (int r = 0; r < rounds; r++) ours.Add(Rate(Ours, s.Flops));
                if (OpenBlas.IsAvailable)
                {
                    Rate(Theirs, s.Flops);
                    for (int r = 0; r < rounds; r++) theirs.Add(Rate(Theirs, s.Flops));
                    Thread.Sleep(300);
                }
                double o = Median(ours), t = OpenBlas.IsAvailable ? Median(theirs) : double.NaN;
                Console.WriteLine($"| {s.Name} | {s.M}×{s.N}×{s.K} {(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')} | {threads} | {o:F0} | {(double.IsNaN(t) ? "–" : t.ToString("F0"))} | {(double.IsNaN(t) ? "–" : (o / t).ToString("F2"))} |");
            }
    }

    private static double Rate(Action product, double flops)
    {
        int reps = 0;
        var clock = Stopwatch.StartNew();
        do { product(); reps++; } while (clock.Elapsed.TotalMilliseconds < 30);
        return reps * flops / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static float[] Fill(int count, Random random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
