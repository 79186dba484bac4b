using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tests.Kernels;

// im2col/col2im: the Vector256 stride-2 paths against the scalar loops (bit for bit, whatever this
// machine supports), the phase-plane path against the row path, and col2im as the exact adjoint of im2col.
public class ConvLoweringTests
{
    // Geometries that take the phase-plane path (ConvGeometry.UsesPhasePlanes).
    public static TheoryData<int, int, int, int, int, int, int> PhasePlaneGeometries => new()
    {
        // C, H, W, KH, KW, s, p
        { 3, 32, 32, 4, 4, 2, 1 },    // rows of 15-16 outputs: vector steps, remainders, and rows too near the image end to read 16 floats
        { 2, 28, 28, 4, 4, 2, 1 },
        { 1, 64, 37, 3, 5, 2, 2 },
        { 2, 12, 12, 3, 3, 1, 1 },    // "same" convolution: the phase plane is the image
        { 4, 14, 14, 3, 3, 2, 1 },    // the conv VAE's layers: 7×7 and 14×14 outputs
        { 2, 28, 28, 3, 3, 2, 1 },
        { 1, 28, 28, 3, 3, 1, 1 },
        { 2, 7, 9, 3, 3, 3, 2 },      // stride 3, odd sizes: padded phase planes
        { 2, 8, 6, 5, 5, 1, 3 },      // stride 1 with an output larger than the image
        { 1, 5, 5, 3, 3, 1, 4 },      // padding wider than the image: some offsets read nothing
    };

    // Geometries that take the row path only.
    public static TheoryData<int, int, int, int, int, int, int> RowOnlyGeometries => new()
    {
        // C, H, W, KH, KW, s, p
        { 2, 9, 40, 3, 3, 2, 0 },     // 9 rows, 19 outputs: the last image row is in no output window
        { 1, 10, 11, 2, 3, 3, 1 },    // kernel smaller than the stride: rows only
    };

    public static TheoryData<int, int, int, int, int, int, int> Geometries
    {
        get
        {
            var all = new TheoryData<int, int, int, int, int, int, int>();
            foreach (var row in PhasePlaneGeometries.Concat(RowOnlyGeometries))
                all.Add((int)row[0], (int)row[1], (int)row[2], (int)row[3], (int)row[4], (int)row[5], (int)row[6]);
            return all;
        }
    }

    [Theory, MemberData(nameof(RowOnlyGeometries))]
    public void RowOnlyGeometries_DoNotUsePhasePlanes(int c, int h, int w, int kh, int kw, int s, int p) =>
        Assert.False(new ConvGeometry(c, h, w, kh, kw, s, p).UsesPhasePlanes);

    [Theory, MemberData(nameof(Geometries))]
    public void VectorPath_MatchesScalarLoop_BitForBit(int c, int h, int w, int kh, int kw, int s, int p)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, s, p);
        var rng = new RandomGenerator(21);
        var image = new float[g.ImageSize];
        rng.FillNormal(image);
        int ld = g.ColumnCols + 3;   // columns of a wider group matrix
        var scratch = new float[g.LoweringScratchSize];
        var colScalar = new float[g.ColumnRows * ld];
        var colVector = new float[g.ColumnRows * ld];
        ConvLowering.Im2Col(g, image, 1, colScalar, ld, scratch, vectorize: false);
        ConvLowering.Im2Col(g, image, 1, colVector, ld, scratch, vectorize: true);
        Assert.Equal(colScalar, colVector);

        var back = new float[g.ColumnRows * ld];
        rng.FillNormal(back);
        var imageScalar = (float[])image.Clone();
        var imageVector = (float[])image.Clone();
        ConvLowering.Col2Im(g, (float[])back.Clone(), ld, imageScalar, 1, scratch, vectorize: false);
        ConvLowering.Col2Im(g, (float[])back.Clone(), ld, imageVector, 1, scratch, vectorize: true);
        Assert.Equal(imageScalar, imageVector);
    }

    [Theory, MemberData(nameof(PhasePlaneGeometries))]
    public void PhasePlanes_MatchTheRowPath_ForAGroupOfImages(int c, int h, int w, int kh, int kw, int s, int p)
    {
        // Three images side by side in one column matrix (ld wider still), against the row path image by image.
        const int count = 3;
        var g = new ConvGeometry(c, h, w, kh, kw, s, p);
        Assert.True(g.UsesPhasePlanes, "not a phase-plane geometry: move it to RowOnlyGeometries");
        var rng = new RandomGenerator(23);
        var images = new float[count * g.ImageSize];
        rng.FillNormal(images);
        int ld = count * g.ColumnCols + 5;
        var rows = new float[g.ColumnRows * ld];
        var phases = new float[g.ColumnRows * ld];
        rng.FillNormal(phases);   // every column entry must be written
        for (int i = 0; i < count; i++) ConvLowering.Im2ColRows(g, images.AsSpan(i * g.ImageSize, g.ImageSize), rows.AsSpan(i * g.ColumnCols), ld);
        ConvLowering.Im2ColPhases(g, images, count, phases, ld, new float[count * g.LoweringScratchSize]);
        for (int r = 0; r < g.ColumnRows; r++)
            Assert.Equal(rows.AsSpan(r * ld, count * g.ColumnCols).ToArray(), phases.AsSpan(r * ld, count * g.ColumnCols).ToArray());

        // col2im adds the same values in another order: equal to rounding.
        var back = new float[g.ColumnRows * ld];
        rng.FillNormal(back);
        var byRows = (float[])images.Clone();
        var byPhases = (float[])images.Clone();
        for (int i = 0; i < count; i++) ConvLowering.Col2ImRows(g, back.AsSpan(i * g.ColumnCols), ld, byRows.AsSpan(i * g.ImageSize, g.ImageSize));
        ConvLowering.Col2ImPhases(g, back, ld, byPhases, count, new float[count * g.LoweringScratchSize]);
        for (int i = 0; i < byRows.Length; i++) Assert.Equal(byRows[i], byPhases[i], 1e-5f);
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
        var scratch = new float[g.LoweringScratchSize];
        var col = new float[v.Length];
        ConvLowering.Im2Col(g, x, 1, col, g.ColumnCols, scratch);
        var back = new float[x.Length];
        double left = 0, right = 0;
        for (int i = 0; i < v.Length; i++) left += (double)col[i] * v[i];
        ConvLowering.Col2Im(g, v, g.ColumnCols, back, 1, scratch);   // v is scratch from here on
        for (int i = 0; i < x.Length; i++) right += (double)x[i] * back[i];
        Assert.True(Math.Abs(left - right) < 1e-3 * Math.Max(1, Math.Abs(left)), $"{left} vs {right}");
    }
}
