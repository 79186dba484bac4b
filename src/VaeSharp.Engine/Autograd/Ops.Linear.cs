using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

/// <summary>Activation fused into <see cref="Ops.Linear"/>, <see cref="Ops.Conv2d"/> and <see cref="Ops.ConvTranspose2d"/>.</summary>
public enum Activation
{
    /// <summary>No activation.</summary>
    None,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>σ(x).</summary>
    Sigmoid,
}

// Matrix products on the GEMM kernel. Dimensions: B batch, M/K/N matrix sizes, In/Out features.
//   MatMul:  a is (M, K) or (B, M, K); b is (K, N) or (B, K, N); y is (M, N) or (B, M, N)
//   Linear:  x is (B, In), w is (Out, In) (PyTorch's layout), bias is (Out), y = act(x·wᵀ + bias) is (B, Out)
// Backward:  dx = dy·w (no transpose), dw += dyᵀ·x (transA), dbias += Σ_rows dy.
public static partial class Ops
{
    /// <summary>Matrix product, 2-D or batched 3-D (a 3-D a with a 2-D b shares b across the batch).</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        bool batched = a.Rank == 3;
        if (!(a.Rank is 2 or 3) || !(b.Rank == 2 || b.Rank == 3 && batched && b.Shape[0] == a.Shape[0]))
            throw new ArgumentException($"MatMul: shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} are not (M,K)·(K,N) or (B,M,K)·(B,K,N).");
        int batch = batched ? a.Shape[0] : 1;
        int m = a.Dim(-2), k = a.Dim(-1), n = b.Dim(-1);
        if (b.Dim(-2) != k) throw new ArgumentException($"MatMul: inner dimensions differ: {ShapeUtil.Format(a.Shape)} · {ShapeUtil.Format(b.Shape)}.");
        var y = Tensor.Empty(batched ? [batch, m, n] : [m, n]);
        bool bShared = b.Rank == 2;
        for (int i = 0; i < batch; i++)
            Gemm.Sgemm(false, false, m, n, k, a.Data.Slice(i * m * k, m * k), bShared ? b.Data : b.Data.Slice(i * k * n, k * n), y.Data.Slice(i * m * n, m * n));
        AutogradEngine.Record(y, static y =>
        {
            Tensor a = y.In0!, b = y.In1!;
            int batch = a.Rank == 3 ? a.Shape[0] : 1, m = a.Dim(-2), k = a.Dim(-1), n = b.Dim(-1);
            bool bShared = b.Rank == 2;
            var g = y.Grad!.Data;
            for (int i = 0; i < batch; i++)
            {
                var gi = g.Slice(i * m * n, m * n);
                var bi = bShared ? b.Data : b.Data.Slice(i * k * n, k * n);
                if (a.RequiresGrad) Gemm.Sgemm(false, true, m, k, n, gi, bi, a.GradSpan().Slice(i * m * k, m * k), accumulate: true);   // dA = dY·Bᵀ
                if (b.RequiresGrad)
                {
                    var gb = bShared ? b.GradSpan() : b.GradSpan().Slice(i * k * n, k * n);
                    Gemm.Sgemm(true, false, k, n, m, a.Data.Slice(i * m * k, m * k), gi, gb, accumulate: true);                     // dB = Aᵀ·dY
                }
            }
        }, a, b);
        return y;
    }

    /// <summary>y = act(x·wᵀ + bias): the fused linear layer, with PyTorch's weight layout (Out, In).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null, Activation activation = Activation.None)
    {
        if (x.Rank != 2 || weight.Rank != 2 || x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"Linear: input {ShapeUtil.Format(x.Shape)} and weight {ShapeUtil.Format(weight.Shape)} must be (B, In) and (Out, In).");
        int batch = x.Shape[0], inF = x.Shape[1], outF = weight.Shape[0];
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outF))
            throw new ArgumentException($"Linear: bias {ShapeUtil.Format(bias.Shape)} must be ({outF}).");
        var y = Tensor.Empty([batch, outF]);
        var yv = y.Data;
        if (bias is not null)
        {
            var bv = bias.Data;
            for (int r = 0; r < batch; r++) bv.CopyTo(yv.Slice(r * outF, outF));
        }
        Gemm.Sgemm(false, true, batch, outF, inF, x.Data, weight.Data, yv, accumulate: bias is not null);
        ActivationKernels.Apply(activation, yv);
        y.IntArg = (int)activation;
        AutogradEngine.Record(y, LinearBackward, x, weight, bias);
        return y;
    }

    private static readonly Action<Tensor> LinearBackward = static y =>
    {
        Tensor x = y.In0!, w = y.In1!;
        Tensor? bias = y.In2;
        int batch = x.Shape[0], inF = x.Shape[1], outF = w.Shape[0];
        var g = y.Grad!.Data;
        float[]? tmp = null;
        var act = (Activation)y.IntArg;
        if (act != Activation.None)
        {
            // dz = dy · act'(z), written with the activation's output y.
            tmp = BufferPool.Rent(y.Size);
            var dz = tmp.AsSpan();
            ActivationKernels.Backward(act, y.Data, g, dz);
            g = dz;
        }
        if (x.RequiresGrad)
        {
            var dx = x.GradSpanForWrite(out bool overwrite);
            Gemm.Sgemm(false, false, batch, inF, outF, g, w.Data, dx, accumulate: !overwrite);                   // dx += dz·w
        }
        if (w.RequiresGrad) Gemm.Sgemm(true, false, outF, inF, batch, g, x.Data, w.GradSpan(), accumulate: true);   // dw += dzᵀ·x
        if (bias is { RequiresGrad: true })
        {
            var gb = bias.GradSpan();
            for (int r = 0; r < batch; r++) TensorPrimitives.Add(gb, g.Slice(r * outF, outF), gb);
        }
        if (tmp is not null) BufferPool.Return(tmp);
    };
}
