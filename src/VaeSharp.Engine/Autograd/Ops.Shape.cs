using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Shape ops. Reshape, Flatten and Rows are free views (they share storage); Permute, Concat and
// Narrow copy. A view's backward adds its gradient into the matching part of the source's gradient.
public static partial class Ops
{
    /// <summary>A view with a new shape; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var s = (int[])shape.Clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape: only one dimension may be -1 in {ShapeUtil.Format(shape)}.");
                infer = i;
            }
            else if (s[i] < 0) throw new ArgumentException($"Reshape: negative dimension in {ShapeUtil.Format(shape)}.");
            else known *= s[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || x.Size % known != 0) throw new ArgumentException($"Reshape: cannot infer -1 in {ShapeUtil.Format(shape)} for {x.Size} elements.");
            s[infer] = x.Size / known;
        }
        if (ShapeUtil.Product(s) != x.Size)
            throw new ArgumentException($"Reshape: shape {ShapeUtil.Format(x.Shape)} ({x.Size} elements) cannot become {ShapeUtil.Format(shape)}.");
        var y = Tensor.ViewOf(x, 0, s);
        AutogradEngine.Record(y, static y => Accumulate(y.In0!, y.Grad!.Data), x);
        return y;
    }

    /// <summary>Merges dimensions from <paramref name="startDim"/> to the end into one.</summary>
    public static Tensor Flatten(Tensor x, int startDim = 1)
    {
        startDim = ShapeUtil.NormalizeAxis(startDim, x.Rank);
        var s = new int[startDim + 1];
        for (int i = 0; i < startDim; i++) s[i] = x.Shape[i];
        int rest = 1;
        for (int i = startDim; i < x.Rank; i++) rest *= x.Shape[i];
        s[startDim] = rest;
        return Reshape(x, s);
    }

    /// <summary>Rows [start, start + count) of dimension 0, as a view.</summary>
    public static Tensor Rows(Tensor x, int start, int count)
    {
        if (x.Rank == 0) throw new ArgumentException("Rows: a scalar has no rows.");
        int n = x.Shape[0];
        if (start < 0 || count < 0 || start + count > n)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) out of range for {n} rows.");
        int rowSize = n == 0 ? 0 : x.Size / n;
        var y = Tensor.ViewOf(x, start * rowSize, ShapeUtil.WithAxis(x.Shape, 0, count));
        y.IntArg = start * rowSize;
        AutogradEngine.Record(y, static y =>
        {
            var gx = y.In0!.GradSpan().Slice(y.IntArg, y.Size);
            TensorPrimitives.Add(gx, y.Grad!.Data, gx);
        }, x);
        return y;
    }

    /// <summary>Swaps two dimensions (copies).</summary>
    public static Tensor Transpose(Tensor x, int dim0 = -2, int dim1 = -1)
    {
        var perm = new int[x.Rank];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        int a = ShapeUtil.NormalizeAxis(dim0, x.Rank), b = ShapeUtil.NormalizeAxis(dim1, x.Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(x, perm);
    }

    /// <summary>Reorders dimensions: output dimension i is input dimension <c>perm[i]</c> (copies).</summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank) throw new ArgumentException($"Permute: {perm.Length} axes for a tensor of rank {x.Rank}.");
        var seen = new bool[perm.Length];
        foreach (int p in perm)
        {
            if ((uint)p >= (uint)perm.Length || seen[p]) throw new ArgumentException($"Permute: [{string.Join(", ", perm)}] is not a permutation.");
            seen[p] = true;
        }
        var shape = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) shape[i] = x.Shape[perm[i]];
        var y = Tensor.Empty(shape);
        PermuteCopy(x.Data, x.Shape, perm, y.Data, accumulate: false);
        y.Saved = perm;
        AutogradEngine.Record(y, static y =>
        {
            var perm = (int[])y.Saved!;
            var inverse = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
            PermuteCopy(y.Grad!.Data, y.Shape, inverse, y.In0!.GradSpan(), accumulate: true);
        }, x);
        return y;
    }

    // dst (shape permuted) [+]= src (shape `shape`) with output dim i = input dim perm[i].
    private static void PermuteCopy(ReadOnlySpan<float> src, ReadOnlySpan<int> shape, int[] perm, Span<float> dst, bool accumulate)
    {
        int rank = shape.Length;
        Span<int> srcStrides = stackalloc int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) { srcStrides[i] = stride; stride *= shape[i]; }
        Span<int> outShape = stackalloc int[rank], outStrides = stackalloc int[rank], index = stackalloc int[rank];
        for (int i = 0; i < rank; i++) { outShape[i] = shape[perm[i]]; outStrides[i] = srcStrides[perm[i]]; }
        int s = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            if (accumulate) dst[i] += src[s]; else dst[i] = src[s];
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                s += outStrides[d];
                if (index[d] < outShape[d]) break;
                s -= outStrides[d] * outShape[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat needs at least one tensor.");
        var first = tensors[0];
        axis = ShapeUtil.NormalizeAxis(axis, first.Rank);
        int total = 0;
        foreach (var t in tensors)
        {
            bool ok = t.Rank == first.Rank;
            for (int d = 0; ok && d < t.Rank; d++) ok = d == axis || t.Shape[d] == first.Shape[d];
            if (!ok) throw new ArgumentException($"Concat along {axis}: shape {ShapeUtil.Format(t.Shape)} does not match {ShapeUtil.Format(first.Shape)}.");
            total += t.Shape[axis];
        }
        var y = Tensor.Empty(ShapeUtil.WithAxis(first.Shape, axis, total));
        var (outer, _, inner) = ShapeUtil.Split(y.Shape, axis);
        var yv = y.Data;
        int at = 0;
        foreach (var t in tensors)
        {
            int n = t.Shape[axis] * inner;
            var tv = t.Data;
            for (int o = 0; o < outer; o++) tv.Slice(o * n, n).CopyTo(yv.Slice(o * total * inner + at, n));
            at += n;
        }
        y.IntArg = axis;
        AutogradEngine.Record(y, static y =>
        {
            int axis = y.IntArg;
            var (outer, total, inner) = ShapeUtil.Split(y.Shape, axis);
            var g = y.Grad!.Data;
            int at = 0;
            foreach (var t in y.Inputs!)
            {
                int n = t.Shape[axis] * inner;
                if (t.RequiresGrad)
                {
                    var gt = t.GradSpan();
                    for (int o = 0; o < outer; o++)
                    {
                        var dst = gt.Slice(o * n, n);
                        TensorPrimitives.Add(dst, g.Slice(o * total * inner + at, n), dst);
                    }
                }
                at += n;
            }
        }, tensors.ToArray());
        return y;
    }

    /// <summary>The slice [start, start + length) along <paramref name="axis"/> (copies).</summary>
    public static Tensor Narrow(Tensor x, int axis, int start, int length)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var (outer, n, inner) = ShapeUtil.Split(x.Shape, axis);
        if (start < 0 || length < 0 || start + length > n)
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow [{start}, {start + length}) out of range for size {n} along axis {axis}.");
        var y = Tensor.Empty(ShapeUtil.WithAxis(x.Shape, axis, length));
        Span<float> xv = x.Data, yv = y.Data;
        for (int o = 0; o < outer; o++) xv.Slice((o * n + start) * inner, length * inner).CopyTo(yv.Slice(o * length * inner, length * inner));
        y.Saved = new[] { axis, start };
        AutogradEngine.Record(y, static y =>
        {
            var a = (int[])y.Saved!;
            var x = y.In0!;
            var (outer, n, inner) = ShapeUtil.Split(x.Shape, a[0]);
            int length = y.Shape[a[0]];
            Span<float> gx = x.GradSpan(), g = y.Grad!.Data;
            for (int o = 0; o < outer; o++)
            {
                var dst = gx.Slice((o * n + a[1]) * inner, length * inner);
                TensorPrimitives.Add(dst, g.Slice(o * length * inner, length * inner), dst);
            }
        }, x);
        return y;
    }

    /// <summary>Splits along <paramref name="axis"/> into pieces of the given sizes.</summary>
    public static Tensor[] Split(Tensor x, int axis, params int[] sizes)
    {
        axis = ShapeUtil.NormalizeAxis(axis, x.Rank);
        if (sizes.Sum() != x.Shape[axis])
            throw new ArgumentException($"Split sizes [{string.Join(", ", sizes)}] do not add up to {x.Shape[axis]} along axis {axis}.");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++) parts[i] = Narrow(x, axis, at, sizes[i]);
        return parts;
    }
}
