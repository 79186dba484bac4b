using VaeSharp.Engine.Kernels;

namespace VaeSharp.Engine.Tests.Kernels;

// Narrow products (a latent layer's 20 columns) run transposed, Cᵀ = op(B)ᵀ·op(A)ᵀ; the bits must be exactly those of
// the direct packed product, for every transposition, with and without accumulation, on 1 and 2 threads.
[Collection(EngineSettingsCollection.Name)]
public class GemmNarrowTests
{
    public static readonly TheoryData<int, int, int, bool> Shapes = new()
    {
        { 128, 20, 400, false }, { 128, 20, 400, true }, { 400, 20, 128, false }, { 400, 20, 128, true },
        { 128, 20, 784, true }, { 130, 7, 33, false }, { 101, 25, 1, true }, { 200, 20, 2100, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Transposed_IsBitIdenticalToTheDirectProduct(int m, int n, int k, bool accumulate)
    {
        Assert.True(Gemm.RunsTransposed(m, n, k, accumulate));
        var rng = new System.Random(m * 31 + n * 7 + k);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var a = Values(m * k);
        var b = Values(k * n);
        var c0 = Values(m * n);
        int before = EngineSettings.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                EngineSettings.Threads = threads;
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                    {
                        var direct = (float[])c0.Clone();
                        var viaGemm = (float[])c0.Clone();
                        GemmPacked.Sgemm(ta, tb, m, n, k, a, b, direct, accumulate);
                        Gemm.Sgemm(ta, tb, m, n, k, a, b, viaGemm, accumulate);
                        for (int i = 0; i < direct.Length; i++)
                            Assert.True(BitConverter.SingleToInt32Bits(direct[i]) == BitConverter.SingleToInt32Bits(viaGemm[i]),
                                $"transA {ta}, transB {tb}, {threads} threads: C[{i}] {viaGemm[i]:R} against {direct[i]:R}");
                    }
            }
        }
        finally
        {
            EngineSettings.Threads = before;
        }
    }

    [Theory]
    [InlineData(128, 16, 400, false)]   // a whole panel: nothing to gain
    [InlineData(128, 40, 400, false)]   // wide enough
    [InlineData(20, 20, 400, false)]    // not tall
    [InlineData(128, 20, 2100, true)]   // two K blocks, accumulating: another order of additions
    public void OtherShapes_RunDirectly(int m, int n, int k, bool accumulate) => Assert.False(Gemm.RunsTransposed(m, n, k, accumulate));
}
