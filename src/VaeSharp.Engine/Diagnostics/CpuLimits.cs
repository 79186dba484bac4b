using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using VaeSharp.Engine.Kernels;

namespace VaeSharp.Engine.Diagnostics;

/// <summary>The processor a measurement ran on, as a benchmark names it.</summary>
/// <param name="Model">The model name (<c>/proc/cpuinfo</c>'s "model name", else the runtime's description).</param>
/// <param name="Identity">Vendor, family and model numbers (e.g. "AuthenticAMD family 26 model 2"), or "unknown".</param>
/// <param name="Isa">The vector instruction sets the runtime reports (e.g. "AVX-512F, AVX2, FMA").</param>
/// <param name="GemmKernel">The GEMM micro-kernel in use.</param>
/// <param name="LogicalCores">Logical processors visible to the process.</param>
public sealed record CpuDescription(string Model, string Identity, string Isa, string GemmKernel, int LogicalCores)
{
    /// <summary>One line: model, identity, ISA, kernel and cores.</summary>
    public override string ToString() => $"{Model} ({Identity}; {Isa}; GEMM {GemmKernel}; {LogicalCores} logical cores)";
}

/// <summary>
/// Measures what the CPU can do, so a profile can put rates against limits: the peak single-precision FMA rate of a
/// register-resident loop (no memory traffic) and the bandwidth of a STREAM-style triad over arrays far larger than the
/// caches, each on a given number of threads.
/// </summary>
public static class CpuLimits
{
    /// <summary>Names the processor (Linux's /proc/cpuinfo where present) and the instruction sets in use.</summary>
    public static CpuDescription Describe()
    {
        string model = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        string vendor = "", family = "", number = "";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.Length == 0 && vendor.Length > 0) break;   // the first processor's block is enough
                    int colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
                    if (key == "model name" && model.Length < value.Length) model = value;
                    else if (key == "vendor_id") vendor = value;
                    else if (key == "cpu family") family = value;
                    else if (key == "model") number = value;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string identity = vendor.Length > 0 ? $"{vendor} family {family} model {number}" : "unknown";
        var isa = new List<string>();
        if (Avx512F.IsSupported) isa.Add("AVX-512F");
        if (Avx2.IsSupported) isa.Add("AVX2");
        if (Fma.IsSupported) isa.Add("FMA");
        if (isa.Count == 0) isa.Add(Vector128.IsHardwareAccelerated ? "128-bit vectors" : "scalar");
        return new CpuDescription(model, identity, string.Join(", ", isa), Gemm.Kernel, Environment.ProcessorCount);
    }

    /// <summary>Peak FMA GFLOP/s on <paramref name="threads"/> threads at once (each runs independent multiply-add chains in registers).</summary>
    public static double PeakGflops(int threads, double seconds = 0.25)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        const int Iterations = 1 << 20;
        int lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;
        double flopsPerCall = 2.0 * lanes * 12 * Iterations;
        return RunOnThreads(threads, seconds, _ => Vector512.IsHardwareAccelerated ? MultiplyAddChains<Vector512<float>, Lanes512>(Iterations) : MultiplyAddChains<Vector256<float>, Lanes256>(Iterations)) * flopsPerCall / 1e9;
    }

    /// <summary>Triad bandwidth a[i] = b[i] + s·c[i] in GB/s (3 × 4 bytes per element counted) on <paramref name="threads"/> threads.</summary>
    public static double TriadGBs(int threads, double seconds = 0.25, int elementsPerThread = 8 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var arrays = new (float[] A, float[] B, float[] C)[threads];
        for (int t = 0; t < threads; t++)
        {
            arrays[t] = (new float[elementsPerThread], new float[elementsPerThread], new float[elementsPerThread]);
            Array.Fill(arrays[t].B, 1f);
            Array.Fill(arrays[t].C, 2f);
        }
        double calls = RunOnThreads(threads, seconds, t =>
        {
            var (a, b, c) = arrays[t];
            System.Numerics.Tensors.TensorPrimitives.FusedMultiplyAdd(c, 0.5f, b, a);
            return a[0];
        });
        return calls * 12.0 * elementsPerThread / 1e9;
    }

    // Runs work repeatedly on each of `threads` threads for about `seconds`; returns calls completed per second (all threads).
    private static double RunOnThreads(int threads, double seconds, Func<int, float> work)
    {
        for (int t = 0; t < threads; t++) work(t);   // compile and touch memory before timing
        long calls = 0;
        float sink = 0;
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        var clock = new Stopwatch();
        long deadline = 0;
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                long mine = 0;
                float acc = 0;
                do { acc += work(index); mine++; } while (Stopwatch.GetTimestamp() < Volatile.Read(ref deadline));
                Interlocked.Add(ref calls, mine);
                lock (workers) sink += acc;
            }) { IsBackground = true };
            workers[t].Start();
        }
        Volatile.Write(ref deadline, Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency));
        clock.Start();
        start.SignalAndWait();
        foreach (var w in workers) w.Join();
        clock.Stop();
        GC.KeepAlive(sink);
        return calls / clock.Elapsed.TotalSeconds;
    }

    // 12 independent multiply-add chains, so the loop is bound by the FMA units' throughput, not their latency.
    private static float MultiplyAddChains<TV, L>(int iterations) where TV : struct where L : struct, ISimdLanes<TV>
    {
        TV m = L.Create(0.999999f), add = L.Create(1e-7f);
        TV a0 = L.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = L.FusedMultiplyAdd(a0, m, add); a1 = L.FusedMultiplyAdd(a1, m, add);
            a2 = L.FusedMultiplyAdd(a2, m, add); a3 = L.FusedMultiplyAdd(a3, m, add);
            a4 = L.FusedMultiplyAdd(a4, m, add); a5 = L.FusedMultiplyAdd(a5, m, add);
            a6 = L.FusedMultiplyAdd(a6, m, add); a7 = L.FusedMultiplyAdd(a7, m, add);
            a8 = L.FusedMultiplyAdd(a8, m, add); a9 = L.FusedMultiplyAdd(a9, m, add);
            a10 = L.FusedMultiplyAdd(a10, m, add); a11 = L.FusedMultiplyAdd(a11, m, add);
        }
        TV sum = L.Add(L.Add(L.Add(a0, a1), L.Add(a2, a3)), L.Add(L.Add(a4, a5), L.Add(a6, a7)));
        return L.Sum(L.Add(sum, L.Add(L.Add(a8, a9), L.Add(a10, a11))));
    }
}
