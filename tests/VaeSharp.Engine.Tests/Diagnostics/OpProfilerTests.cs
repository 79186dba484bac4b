using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Diagnostics;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Diagnostics;

// The profiler books GEMMs by shape with their exact flops, forward ops and backward functions by name, time spans
// exclusive of nested ones, and nothing while off or from other threads.
[Collection(EngineSettingsCollection.Name)]
public class OpProfilerTests
{
    private static (Tensor Loss, Tensor W) LinearLoss()
    {
        var rng = new Random.RandomGenerator(7);
        var x = Tensor.Uniform(rng, -1f, 1f, 5, 7);
        var w = Tensor.Uniform(rng, -1f, 1f, 3, 7);
        w.RequiresGrad = true;
        return (Ops.Sum(Ops.Linear(x, w, null, Activation.Relu)), w);
    }

    [Fact]
    public void Off_BooksNothing()
    {
        OpProfiler.Start();
        OpProfiler.Stop();
        var (loss, _) = LinearLoss();
        loss.Backward();
        Assert.Empty(OpProfiler.Snapshot());
    }

    [Fact]
    public void Linear_ForwardAndBackward_BooksGemmShapesFlopsAndOps()
    {
        OpProfiler.Start();
        try
        {
            var (loss, _) = LinearLoss();
            loss.Backward();
        }
        finally { OpProfiler.Stop(); }
        var entries = OpProfiler.Snapshot();
        var forward = Assert.Single(entries, e => e.Kind == ProfileKind.Gemm && e.Name == "5×3×7 A·Bᵀ");
        Assert.Equal(2.0 * 5 * 3 * 7, forward.Flops);
        Assert.Equal(1, forward.Calls);
        // dW = dYᵀ·X: (3×7) with inner 5; x needs no gradient, so no dX product.
        var dw = Assert.Single(entries, e => e.Kind == ProfileKind.Gemm && e.Name == "3×7×5 Aᵀ·B");
        Assert.Equal(2.0 * 3 * 7 * 5, dw.Flops);
        Assert.Equal(2, entries.Count(e => e.Kind == ProfileKind.Gemm));
        Assert.Contains(entries, e => e.Kind == ProfileKind.Forward && e.Name == "Linear+Relu");
        Assert.Contains(entries, e => e.Kind == ProfileKind.Backward && e.Name == "Linear+Relu");
        Assert.Contains(entries, e => e.Kind == ProfileKind.Forward && e.Name == "ReduceAll");
        Assert.All(entries, e => Assert.True(e.Seconds >= 0, $"{e.Name}: {e.Seconds} s"));
    }

    [Fact]
    public void NestedSpans_AreExclusive()
    {
        OpProfiler.Start();
        long outerStart, innerStart;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            outerStart = OpProfiler.Begin();
            Thread.Sleep(20);
            innerStart = OpProfiler.Begin();
            Thread.Sleep(30);
            OpProfiler.End(innerStart, ProfileKind.Phase, "inner");
            OpProfiler.End(outerStart, ProfileKind.Phase, "outer");
        }
        finally { OpProfiler.Stop(); }
        double total = clock.Elapsed.TotalSeconds;
        var entries = OpProfiler.Snapshot();
        double inner = entries.Single(e => e.Name == "inner").Seconds, outer = entries.Single(e => e.Name == "outer").Seconds;
        Assert.InRange(inner, 0.029, total);
        Assert.InRange(outer, 0.019, total - inner);   // the inner span's time is not counted twice
        Assert.True(inner + outer <= total + 1e-9);
    }

    [Fact]
    public void OtherThreads_AreNotBooked()
    {
        OpProfiler.Start();
        try
        {
            var other = new Thread(() =>
            {
                var (loss, _) = LinearLoss();
                loss.Backward();
            });
            other.Start();
            other.Join();
        }
        finally { OpProfiler.Stop(); }
        Assert.Empty(OpProfiler.Snapshot());
    }

    [Fact]
    public void Cpu_IsNamedAndItsLimitsArePositive()
    {
        var cpu = CpuLimits.Describe();
        Assert.False(string.IsNullOrWhiteSpace(cpu.Model));
        Assert.Equal(VaeSharp.Engine.Kernels.Gemm.Kernel, cpu.GemmKernel);
        Assert.True(CpuLimits.PeakGflops(1, 0.02) > 0.1);
        Assert.True(CpuLimits.TriadGBs(1, 0.02, 1 << 16) > 0.01);
    }
}
