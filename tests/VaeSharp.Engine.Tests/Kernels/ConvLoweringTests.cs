using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tests.Kernels;

// im2col/col2im: the Vector256 stride-2 path against the scalar loop (bit for bit, whatever this
// machine supports), and col2im as the exact adjoint of im2col.
public class ConvLoweringTests
{
    public static TheoryData<int, int, int, int, int, int, int> Geometries => new()
    {
        // C, H, W, KH, KW, s, p
        { 3, 32, 32, 4, 4, 2, 1 },    // rows of 15-16 outputs: vector steps, remainders, and rows too near the image end to read 16 floats
        { 2, 28, 28, 4, 4, 2, 1 },
        { 1, 64, 37, 3, 5, 2, 2 },
        { 2, 9, 40, 3, 3, 2, 0 },
        { 2, 12, 12, 3, 3, 1, 1 },
        { 1, 10, 11, 2, 3, 3, 1 },
    };

    [Theory, MemberData(nameof(Geometries))]
    public void VectorPath_MatchesScalarLoop_BitForBit(int c, int h, int w, int kh, int kw, int s, int p)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, s, p);
        var rng = new RandomGenerator(21);
        var image = new float[g.ImageSize];
        rng.FillNormal(image);
        int ld = g.ColumnCols + 3;   // columns of a wider group matrix
        var colScalar = new float[g.ColumnRows * ld];
        var colVector = new float[g.ColumnRows * ld];
        ConvLowering.Im2Col(g, image, colScalar, ld, vectorize: false);
        ConvLowering.Im2Col(g, image, colVector, ld, vectorize: true);
        Assert.Equal(colScalar, colVector);

        var back = new float[g.ColumnRows * ld];
        rng.FillNormal(back);
        var imageScalar = (float[])image.Clone();
        var imageVector = (float[])image.Clone();
        ConvLowering.Col2Im(g, back, ld, imageScalar, vectorize: false);
        ConvLowering.Col2Im(g, back, ld, imageVector, vectorize: true);
        Assert.Equal(imageScalar, imageVector);
    }

    [Theory, MemberData(nameof(Geometries))]
    public void Col2Im_IsTheAdjointOfIm2Col(int c, int h, int w, int kh, int kw, int s, int p)
    {
        // ⟨im2col(x), v⟩ = ⟨x, col2im(v)⟩
        var g = new ConvGeometry(c, h, w, kh, kw, s, p);
        var rng = new RandomGenerator(22);
        var x = new float[g.ImageSize];
        var v = new float[g.ColumnRows * g.ColumnCols];
        rng.FillNormal(x);
        rng.FillNormal(v);
        var col = new float[v.Length];
        ConvLowering.Im2Col(g, x, col, g.ColumnCols);
        var back = new float[x.Length];
        ConvLowering.Col2Im(g, v, g.ColumnCols, back);
        double left = 0, right = 0;
        for (int i = 0; i < v.Length; i++) left += (double)col[i] * v[i];
        for (int i = 0; i < x.Length; i++) right += (double)x[i] * back[i];
        Assert.True(Math.Abs(left - right) < 1e-3 * Math.Max(1, Math.Abs(left)), $"{left} vs {right}");
    }
}
