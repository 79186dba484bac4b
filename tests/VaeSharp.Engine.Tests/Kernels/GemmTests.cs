using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using VaeSharp.Engine.Kernels;

namespace VaeSharp.Engine.Tests.Kernels;

// Gemm.Sgemm against the naive oracle GemmReference (double accumulation).
// Tolerance: |fast - naive| ≤ 1e-5 · (Σ_p |a_ip·b_pj| + |c0_ij|) per element. Float rounding over
// K ≤ 2100 terms in blocks of ≤ 1024 stays far below that (typically 1e-7); a wrong index or a lost
// K block is off by ≥ 1/K ≈ 1e-3.
[Collection(EngineSettingsCollection.Name)]
public class GemmTests
{
    private const double Tolerance = 1e-5;

    // (M, N, K): tiny, odd, m < 6, n < 16, k = 1, every M % 6, k > KC, m > MC, n > NC, two M chunks.
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 },
        { 7, 13, 5 },
        { 5, 16, 1 },
        { 6, 15, 300 },
        { 3, 33, 257 },
        { 3, 33, 1025 },
        { 9, 40, 2100 },
        { 17, 40, 1 },
        { 20, 24, 70 },
        { 130, 777, 403 },
        { 145, 47, 600 },
        { 12, 2100, 20 },
        { 1200, 20, 30 },
    };

    public static IEnumerable<object[]> ShapesAndModes()
    {
        foreach (var row in Shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        yield return [row[0], row[1], row[2], transA, transB, accumulate];
    }

    [Theory]
    [MemberData(nameof(ShapesAndModes))]
    public void Sgemm_MatchesNaive_OnOddShapes(int m, int n, int k, bool transA, bool transB, bool accumulate)
    {
        var (a, b, c0) = Operands(m, n, k, seed: m * 7919 + n * 31 + k);
        float[] fast = (float[])c0.Clone(), naive = (float[])c0.Clone();

        Gemm.Sgemm(transA, transB, m, n, k, a, b, fast, accumulate);
        GemmReference.Sgemm(transA, transB, m, n, k, a, b, naive, accumulate);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double scale = AbsDot(transA, transB, m, n, k, a, b, i, j) + (accumulate ? Math.Abs(c0[i * n + j]) : 0);
                double error = Math.Abs((double)fast[i * n + j] - naive[i * n + j]);
                Assert.True(error <= Tolerance * scale + 1e-30,
                    $"C[{i},{j}] = {fast[i * n + j]}, naive {naive[i * n + j]} (error {error:G3}, bound {Tolerance * scale:G3})");
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Sgemm_WithZeroK_ClearsOrKeepsC(bool accumulate, bool transA)
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Sgemm(transA, false, 2, 3, 0, [], [], c, accumulate);
        Assert.Equal(accumulate ? new float[] { 1, 2, 3, 4, 5, 6 } : new float[6], c);
    }

    [Fact]
    public void Sgemm_RejectsShortSpans()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 2, new float[3], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 2, new float[4], new float[4], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, -1, 2, 2, new float[4], new float[4], new float[4]));
    }

    [Theory]
    [InlineData(130, 777, 403)]
    [InlineData(145, 47, 600)]
    [InlineData(1200, 20, 30)]
    [InlineData(300, 300, 700)]
    public void Sgemm_IsBitIdentical_ForOneAndManyThreads(int m, int n, int k)
    {
        var (a, b, c0) = Operands(m, n, k, seed: 42);
        int saved = EngineSettings.Threads;
        try
        {
            foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
            {
                EngineSettings.Threads = 1;
                float[] one = (float[])c0.Clone();
                Gemm.Sgemm(transA, transB, m, n, k, a, b, one, accumulate);
                foreach (int threads in new[] { 2, 3 })
                {
                    EngineSettings.Threads = threads;
                    float[] many = (float[])c0.Clone();
                    Gemm.Sgemm(transA, transB, m, n, k, a, b, many, accumulate);
                    Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(many.AsSpan())),
                        $"{threads} threads differ from 1 (transA={transA}, transB={transB}, accumulate={accumulate})");
                }
            }
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
    }

    // After warm-up, a call allocates no managed memory: packing buffers are reused and the worker
    // pool wakes its threads without allocating. Bounds: 0 bytes on the calling thread, at most
    // 16 KiB in the whole process (the test host runs threads of its own).
    [Fact]
    public void Sgemm_AllocatesNothing_AfterWarmUp()
    {
        int saved = EngineSettings.Threads;
        try
        {
            EngineSettings.Threads = 2;
            (bool, bool, int, int, int)[] calls = [(false, true, 128, 400, 784), (false, false, 128, 784, 400), (true, false, 400, 784, 128), (false, false, 7, 13, 5)];
            var operands = calls.Select(s => Operands(s.Item3, s.Item4, s.Item5, seed: 1)).ToArray();
            void RunAll()
            {
                for (int i = 0; i < calls.Length; i++)
                {
                    var (transA, transB, m, n, k) = calls[i];
                    Gemm.Sgemm(transA, transB, m, n, k, operands[i].A, operands[i].B, operands[i].C, accumulate: i % 2 == 1);
                }
            }

            RunAll();
            RunAll();
            Thread.Sleep(5); // let the helper go to sleep once, so waking it is measured too
            RunAll();
            // Helpers allocate nothing either: the process-wide count is measured over three windows and the
            // smallest must stay under a bound that leaves room for the test host's own threads (a window can
            // catch the thread pool finishing an earlier test's asynchronous work; a GEMM that allocates shows in all).
            long allocatedByProcess = long.MaxValue;
            for (int window = 0; window < 3; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                long beforeProcess = GC.GetTotalAllocatedBytes(precise: true);
                for (int rep = 0; rep < 10; rep++)
                {
                    RunAll();
                    if (rep == 5) Thread.Sleep(5);
                }
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
                allocatedByProcess = Math.Min(allocatedByProcess, GC.GetTotalAllocatedBytes(precise: true) - beforeProcess);
            }
            Assert.True(allocatedByProcess <= 16 * 1024, $"{allocatedByProcess} bytes allocated by the process");
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
    }

    // The scalar kernels and packing, with AVX2 (and so FMA) switched off in a child process.
    [Fact]
    public async Task Sgemm_MatchesNaive_WithAvx2Disabled()
    {
        string stdout = await RunKernelCheck(("DOTNET_EnableAVX2", "0"));
        Assert.Contains("Avx2=False Fma=False OK", stdout);
    }

    // The AVX-512 6×32 kernel and the AVX2 6×16 kernel give the same bits on every shape (skipped without AVX-512).
    [Avx512Fact]
    public async Task Sgemm_Avx512AndAvx2Kernels_AgreeBitForBit()
    {
        string withAvx512 = await RunKernelCheck();
        string without = await RunKernelCheck(("DOTNET_EnableAVX512", "0"), ("DOTNET_EnableAVX512F", "0"));
        Assert.Contains("Avx512=True", withAvx512);
        Assert.Contains("Avx512=False", without);
        Assert.Equal(Digest(without), Digest(withAvx512));

        static string Digest(string stdout) =>
            stdout.Split('\n').Single(line => line.StartsWith("GemmDigest=", StringComparison.Ordinal)).Split(' ')[0];
    }

    private static async Task<string> RunKernelCheck(params (string Name, string Value)[] environment)
    {
        string dll = KernelCheckPath();
        var start = new ProcessStartInfo(DotnetHost(), $"\"{dll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        Task<string> stdoutTask = process.StandardOutput.ReadToEndAsync();
        Task<string> stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        string stdout = await stdoutTask, stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, $"KernelCheck exited {process.ExitCode}:\n{stdout}\n{stderr}");
        Assert.Contains(" OK", stdout);
        return stdout;
    }

    // Optional provider: skipped (with the reason) where OpenBLAS is not installed.
    [OpenBlasFact]
    public void OpenBlas_WhenPresent_MatchesNaive()
    {
        var (a, b, c0) = Operands(37, 53, 71, seed: 5);
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            float[] blas = (float[])c0.Clone(), naive = (float[])c0.Clone();
            OpenBlas.Sgemm(transA, transB, 37, 53, 71, a, b, blas, accumulate: true);
            GemmReference.Sgemm(transA, transB, 37, 53, 71, a, b, naive, accumulate: true);
            for (int i = 0; i < blas.Length; i++) Assert.Equal(naive[i], blas[i], 1e-3f);
        }
    }

    private static (float[] A, float[] B, float[] C) Operands(int m, int n, int k, int seed)
    {
        var random = new System.Random(seed);
        float[] Fill(int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
        return (Fill(m * k), Fill(k * n), Fill(m * n));
    }

    private static double AbsDot(bool transA, bool transB, int m, int n, int k, float[] a, float[] b, int i, int j)
    {
        double sum = 0;
        for (int p = 0; p < k; p++)
            sum += Math.Abs((double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]));
        return sum;
    }

    // The test project builds KernelCheck (a ProjectReference without its assembly) and records
    // its path in AssemblyMetadata("KernelCheckPath") at build time.
    private static string KernelCheckPath()
    {
        string? path = typeof(GemmTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "KernelCheckPath")?.Value;
        Assert.False(string.IsNullOrEmpty(path), "KernelCheckPath metadata missing from the test assembly");
        Assert.True(File.Exists(path), $"KernelCheck not built at {path}");
        return path;
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        return "dotnet";
    }
}
