using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Arithmetic with NumPy broadcasting: add, sub, mul, div of two tensors, and the scalar forms.
// Operands whose shape differs from the output's are expanded into pooled scratch buffers; their
// gradients are reduced back by Broadcast.ReduceInto, the one place that does so.
/// <summary>
/// The differentiable operations. Each op computes its forward result and records, beside it, the
/// backward function that adds its inputs' gradients; every op is checked against finite differences.
/// </summary>
public static partial class Ops
{
    private enum BinaryOp { Add, Sub, Mul, Div }

    /// <summary>a + b, broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Add);

    /// <summary>a − b, broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Sub);

    /// <summary>a · b element-wise, broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Mul);

    /// <summary>a / b element-wise, broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Div);

    private static Tensor Binary(Tensor a, Tensor b, BinaryOp op)
    {
        bool same = ShapeUtil.SameShape(a.Shape, b.Shape);
        int[] shape = same ? a.ShapeArray : ShapeUtil.Broadcast(a.Shape, b.Shape);
        var y = Tensor.Empty(shape);
        float[]? aTmp = null, bTmp = null;
        ReadOnlySpan<float> av = Expanded(a, shape, ref aTmp), bv = Expanded(b, shape, ref bTmp);
        var yv = y.Data;
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(av, bv, yv); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(av, bv, yv); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(av, bv, yv); break;
            default: TensorPrimitives.Divide(av, bv, yv); break;
        }
        if (aTmp is not null) BufferPool.Return(aTmp);
        if (bTmp is not null) BufferPool.Return(bTmp);
        y.IntArg = (int)op;
        AutogradEngine.Record(y, BinaryBackward, a, b);
        return y;
    }

    // d(a∘b)/da and d(a∘b)/db for each ∘, computed at the output's shape and reduced to each input's.
    private static readonly Action<Tensor> BinaryBackward = static y =>
    {
        Tensor a = y.In0!, b = y.In1!;
        var op = (BinaryOp)y.IntArg;
        var g = y.Grad!.Data;
        int[] shape = y.ShapeArray;
        float[]? aTmp = null, bTmp = null, tmp = null;
        if (a.RequiresGrad)
        {
            ReadOnlySpan<float> ga = g;
            if (op is BinaryOp.Mul or BinaryOp.Div)
            {
                tmp = BufferPool.Rent(y.Size);
                var bv = Expanded(b, shape, ref bTmp);
                if (op == BinaryOp.Mul) TensorPrimitives.Multiply(g, bv, tmp); else TensorPrimitives.Divide(g, bv, tmp);
                ga = tmp;
            }
            Broadcast.ReduceInto(ga, shape, a.Shape, a.GradSpan());
        }
        if (b.RequiresGrad)
        {
            ReadOnlySpan<float> gb = g;
            if (op != BinaryOp.Add)
            {
                tmp ??= BufferPool.Rent(y.Size);
                switch (op)
                {
                    case BinaryOp.Sub: TensorPrimitives.Negate(g, tmp); break;
                    case BinaryOp.Mul: TensorPrimitives.Multiply(g, Expanded(a, shape, ref aTmp), tmp); break;
                    default: // −g·a/b² = −g·y/b
                        TensorPrimitives.Multiply(g, y.Data, tmp);
                        TensorPrimitives.Divide(tmp, Expanded(b, shape, ref bTmp), tmp);
                        TensorPrimitives.Negate(tmp, tmp);
                        break;
                }
                gb = tmp;
            }
            Broadcast.ReduceInto(gb, shape, b.Shape, b.GradSpan());
        }
        if (tmp is not null) BufferPool.Return(tmp);
        if (aTmp is not null) BufferPool.Return(aTmp);
        if (bTmp is not null) BufferPool.Return(bTmp);
    };

    private static ReadOnlySpan<float> Expanded(Tensor t, int[] shape, ref float[]? scratch)
    {
        int size = ShapeUtil.Product(shape);
        if (t.Size == size) return t.Data;
        scratch ??= BufferPool.Rent(size);
        Broadcast.Expand(t.Data, t.Shape, shape, scratch);
        return scratch;
    }

    /// <summary>x + s.</summary>
    public static Tensor AddScalar(Tensor x, float s)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Add(x.Data, s, y.Data);
        AutogradEngine.Record(y, static y => Accumulate(y.In0!, y.Grad!.Data), x);
        return y;
    }

    /// <summary>x · s.</summary>
    public static Tensor MulScalar(Tensor x, float s)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Multiply(x.Data, s, y.Data);
        y.FloatArg = s;
        AutogradEngine.Record(y, static y =>
        {
            var gx = y.In0!.GradSpan();
            TensorPrimitives.MultiplyAdd(y.Grad!.Data, y.FloatArg, gx, gx);
        }, x);
        return y;
    }

    /// <summary>−x.</summary>
    public static Tensor Neg(Tensor x) => MulScalar(x, -1f);

    /// <summary>s − x.</summary>
    public static Tensor RSubScalar(float s, Tensor x) => AddScalar(Neg(x), s);

    /// <summary>s / x.</summary>
    public static Tensor RDivScalar(float s, Tensor x) => MulScalar(Pow(x, -1f), s);

    // gx += g for ops whose input and output have the same number of elements (a copy for the first contribution).
    internal static void Accumulate(Tensor x, ReadOnlySpan<float> g)
    {
        if (!x.RequiresGrad) return;
        var gx = x.GradSpanForWrite(out bool overwrite);
        if (overwrite) g.CopyTo(gx);
        else TensorPrimitives.Add(gx, g, gx);
    }
}
