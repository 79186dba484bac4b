using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Broadcasting, both ways, in one place (STYLE.md: "reduce a broadcast gradient back to the input
// shape in one central place"). Expand copies a tensor of shape `from` into the larger shape `to`;
// ReduceInto sums a gradient of shape `to` back into shape `from`. Fast paths: same size, scalar,
// and a trailing-suffix shape (a bias [D] against [N, D]); everything else walks strided indices.
internal static class Broadcast
{
    public static void Expand(ReadOnlySpan<float> src, ReadOnlySpan<int> from, ReadOnlySpan<int> to, Span<float> dst)
    {
        if (src.Length == dst.Length) { src.CopyTo(dst); return; }
        if (src.Length == 1) { dst.Fill(src[0]); return; }
        if (IsSuffix(from, to))
        {
            for (int o = 0; o < dst.Length; o += src.Length) src.CopyTo(dst.Slice(o, src.Length));
            return;
        }
        Span<int> strides = stackalloc int[to.Length];
        Span<int> index = stackalloc int[to.Length];
        SourceStrides(from, to, strides);
        int s = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = src[s];
            s = Advance(to, strides, index, s);
        }
    }

    public static void ReduceInto(ReadOnlySpan<float> grad, ReadOnlySpan<int> to, ReadOnlySpan<int> from, Span<float> dst)
    {
        if (grad.Length == dst.Length) { TensorPrimitives.Add(dst, grad, dst); return; }
        if (dst.Length == 1) { dst[0] += TensorPrimitives.Sum(grad); return; }
        if (IsSuffix(from, to))
        {
            for (int o = 0; o < grad.Length; o += dst.Length) TensorPrimitives.Add(dst, grad.Slice(o, dst.Length), dst);
            return;
        }
        Span<int> strides = stackalloc int[to.Length];
        Span<int> index = stackalloc int[to.Length];
        SourceStrides(from, to, strides);
        int s = 0;
        for (int i = 0; i < grad.Length; i++)
        {
            dst[s] += grad[i];
            s = Advance(to, strides, index, s);
        }
    }

    private static bool IsSuffix(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        int skip = 0;
        while (skip < from.Length && from[skip] == 1) skip++;
        var tail = from[skip..];
        return tail.Length <= to.Length && tail.SequenceEqual(to[(to.Length - tail.Length)..]);
    }

    // Strides of the source as seen from the target shape (0 along broadcast dimensions).
    private static void SourceStrides(ReadOnlySpan<int> from, ReadOnlySpan<int> to, Span<int> strides)
    {
        int pad = to.Length - from.Length;
        int stride = 1;
        for (int i = to.Length - 1; i >= 0; i--)
        {
            int d = i < pad ? 1 : from[i - pad];
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
    }

    // Odometer step over `shape`; returns the new source offset.
    private static int Advance(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<int> index, int s)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d]++;
            s += strides[d];
            if (index[d] < shape[d]) return s;
            s -= strides[d] * shape[d];
            index[d] = 0;
        }
        return s;
    }
}
