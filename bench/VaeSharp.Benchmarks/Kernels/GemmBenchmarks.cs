// GEMM throughput: the managed packed kernel (Gemm.Sgemm) and, when libopenblas.so.0 is installed,
// OpenBLAS's cblas_sgemm side by side, on 1 and 2 threads. Shapes:
//   the three products of an MLP Linear layer 784 → 400 at batch 128 (x is (128, 784), W is (400, 784)):
//     forward  y  = x·Wᵀ    (128, 400) = (128, 784)·(400, 784)ᵀ   transB
//     backward dX = dY·W    (128, 784) = (128, 400)·(400, 784)     no transpose
//     backward dW = dYᵀ·X   (400, 784) = (128, 400)ᵀ·(128, 784)    transA
//   and square 512³ and 1024³.
// The GFLOP/s column is 2·M·N·K / median time.
using BenchmarkDotNet.Attributes;
using VaeSharp.Engine;
using VaeSharp.Engine.Kernels;

namespace VaeSharp.Benchmarks.Kernels;

[Config(typeof(GemmBenchmarkConfig))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>The shapes measured.</summary>
    public static IEnumerable<GemmShape> Shapes =>
    [
        new("linear fwd x·Wt", 128, 400, 784, TransA: false, TransB: true),
        new("linear dX dY·W", 128, 784, 400, TransA: false, TransB: false),
        new("linear dW dYt·X", 400, 784, 128, TransA: true, TransB: false),
        new("square", 512, 512, 512, TransA: false, TransB: false),
        new("square", 1024, 1024, 1024, TransA: false, TransB: false),
    ];

    /// <summary>Managed always; OpenBLAS only where the library loads.</summary>
    public static IEnumerable<string> Providers => OpenBlas.IsAvailable ? ["Managed", "OpenBLAS"] : ["Managed"];

    /// <summary>The product measured.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    /// <summary>Which implementation runs.</summary>
    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "Managed";

    /// <summary>EngineSettings.Threads (also OpenBLAS's thread count).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Allocates and fills the operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        EngineSettings.Threads = Threads;
        var random = new Random(1);
        _a = Fill(Shape.M * Shape.K, random);
        _b = Fill(Shape.K * Shape.N, random);
        _c = new float[Shape.M * Shape.N];
    }

    /// <summary>One C = op(A)·op(B).</summary>
    [Benchmark]
    public void Sgemm()
    {
        GemmShape s = Shape;
        if (Provider == "OpenBLAS") OpenBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, _a, _b, _c);
        else Gemm.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, _a, _b, _c);
    }

    private static float[] Fill(int count, Random random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
