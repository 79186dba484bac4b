using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Integer indexing: embeddings and VQ codebooks (IndexSelect), gather and scatter-add along an axis.
// Gather/ScatterAdd view tensors as (Outer, N, Inner) around the axis; the index is (Outer, K, Inner)
// with values in [0, N). Backward of a gather is a scatter-add and vice versa.
public static partial class Ops
{
    /// <summary>Rows of <paramref name="x"/> picked by <paramref name="ids"/> (dimension 0): y[i] = x[ids[i]].</summary>
    public static Tensor IndexSelect(Tensor x, ReadOnlySpan<int> ids)
    {
        if (x.Rank == 0) throw new ArgumentException("IndexSelect needs a tensor of rank ≥ 1.");
        int n = x.Shape[0], row = n == 0 ? 0 : x.Size / n;
        var y = Tensor.Empty(ShapeUtil.WithAxis(x.Shape, 0, ids.Length));
        Span<float> xv = x.Data, yv = y.Data;
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)n) throw new IndexOutOfRangeException($"IndexSelect: id {ids[i]} out of range for {n} rows.");
            xv.Slice(ids[i] * row, row).CopyTo(yv.Slice(i * row, row));
        }
        y.Saved = ids.ToArray();
        AutogradEngine.Record(y, static y =>
        {
            var ids = (int[])y.Saved!;
            int row = ids.Length == 0 ? 0 : y.Size / ids.Length;
            Span<float> gx = y.In0!.GradSpan(), g = y.Grad!.Data;
            for (int i = 0; i < ids.Length; i++)
            {
                var dst = gx.Slice(ids[i] * row, row);
                TensorPrimitives.Add(dst, g.Slice(i * row, row), dst);
            }
        }, x);
        return y;
    }

    /// <summary>y[o, k, i] = x[o, index[o, k, i], i] along <paramref name="axis"/>; the output has the index's shape
    /// (<paramref name="indexShape"/>: x's shape with <paramref name="axis"/> resized).</summary>
    public static Tensor Gather(Tensor x, int axis, ReadOnlySpan<int> index, int[] indexShape)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        CheckIndexShape(x, axis, index, indexShape, "Gather");
        var (outer, n, inner) = ShapeUtil.Split(x.Shape, axis);
        int k = indexShape[axis];
        var y = Tensor.Empty((int[])indexShape.Clone());
        Span<float> xv = x.Data, yv = y.Data;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++)
                {
                    int at = (o * k + j) * inner + i;
                    yv[at] = xv[(o * n + index[at]) * inner + i];
                }
        y.Saved = index.ToArray();
        y.IntArg = axis;
        AutogradEngine.Record(y, static y =>
        {
            var x = y.In0!;
            ScatterAddInto(x.GradSpan(), x.Shape, y.IntArg, (int[])y.Saved!, y.Shape, y.Grad!.Data);
        }, x);
        return y;
    }

    /// <summary>A copy of <paramref name="x"/> with <paramref name="source"/> added at the indexed places:
    /// y = x; y[o, index[o, k, i], i] += source[o, k, i].</summary>
    public static Tensor ScatterAdd(Tensor x, int axis, ReadOnlySpan<int> index, Tensor source)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        CheckIndexShape(x, axis, index, source.ShapeArray, "ScatterAdd");
        var y = Tensor.EmptyLike(x);
        x.Data.CopyTo(y.Data);
        ScatterAddInto(y.Data, y.Shape, axis, index, source.Shape, source.Data);
        y.Saved = index.ToArray();
        y.IntArg = axis;
        AutogradEngine.Record(y, static y =>
        {
            var g = y.Grad!.Data;
            Accumulate(y.In0!, g);
            var src = y.In1!;
            if (!src.RequiresGrad) return;
            var index = (int[])y.Saved!;
            var (outer, n, inner) = ShapeUtil.Split(y.Shape, y.IntArg);
            int k = src.Shape[y.IntArg];
            var gs = src.GradSpan();
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < k; j++)
                    for (int i = 0; i < inner; i++)
                    {
                        int at = (o * k + j) * inner + i;
                        gs[at] += g[(o * n + index[at]) * inner + i];
                    }
        }, x, source);
        return y;
    }

    private static void ScatterAddInto(Span<float> dst, ReadOnlySpan<int> dstShape, int axis, ReadOnlySpan<int> index, ReadOnlySpan<int> srcShape, ReadOnlySpan<float> src)
    {
        var (outer, n, inner) = ShapeUtil.Split(dstShape, axis);
        int k = srcShape[axis];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++)
                {
                    int at = (o * k + j) * inner + i;
                    dst[(o * n + index[at]) * inner + i] += src[at];
                }
    }

    private static void CheckIndexShape(Tensor x, int axis, ReadOnlySpan<int> index, int[] indexShape, string op)
    {
        bool ok = indexShape.Length == x.Rank;
        for (int d = 0; ok && d < x.Rank; d++) ok = d == axis || indexShape[d] == x.Shape[d];
        if (!ok) throw new ArgumentException($"{op}: index shape {ShapeUtil.Format(indexShape)} must equal {ShapeUtil.Format(x.Shape)} except along axis {axis}.");
        if (index.Length != ShapeUtil.Product(indexShape)) throw new ArgumentException($"{op}: {index.Length} indices for index shape {ShapeUtil.Format(indexShape)}.");
        int n = x.Shape[axis];
        foreach (int v in index)
            if ((uint)v >= (uint)n) throw new IndexOutOfRangeException($"{op}: index {v} out of range for size {n} along axis {axis}.");
    }
}
