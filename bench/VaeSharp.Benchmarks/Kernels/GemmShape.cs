// One GEMM problem for the benchmarks: C (M, N) = op(A)·op(B) with A (M, K) or (K, M) when TransA,
// B (K, N) or (N, K) when TransB.
namespace VaeSharp.Benchmarks.Kernels;

/// <summary>A GEMM problem size and transpose case, shown as e.g. "square 512x512x512 NN".</summary>
/// <param name="Name">What the product is.</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Reduction length.</param>
/// <param name="TransA">A is stored (K, M).</param>
/// <param name="TransB">B is stored (N, K).</param>
public sealed record GemmShape(string Name, int M, int N, int K, bool TransA, bool TransB)
{
    /// <summary>Floating-point operations of one product: 2·M·N·K.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {M}x{N}x{K} {(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')}";
}
