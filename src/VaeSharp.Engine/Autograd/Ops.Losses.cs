using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Fused, numerically stable losses and the VAE's reparameterisation. Each computes its element-wise
// terms in one pass and its gradient in closed form, instead of a chain of small ops.
public static partial class Ops
{
    /// <summary>Binary cross-entropy on logits: ℓ = max(x, 0) − x·t + log(1 + e^−|x|).
    /// Stable for any |x| (no overflow at |x| &gt; 80). d ℓ / dx = σ(x) − t.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Sum)
    {
        RequireSameShape(logits, target, "BinaryCrossEntropyWithLogits", "logits", "target");
        return ElementwiseLoss(logits, target, null, reduction, LossKind.Bce);
    }

    /// <summary>Squared error (x − t)², reduced.</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape(prediction, target, "MseLoss", "prediction", "target");
        return ElementwiseLoss(prediction, target, null, reduction, LossKind.Mse);
    }

    /// <summary>Gaussian negative log-likelihood −log N(x; μ, σ²) = ½(log 2π + log σ² + (x − μ)²/σ²).
    /// <paramref name="logVar"/> may be a tensor of x's shape or a scalar shared by all elements.</summary>
    public static Tensor GaussianNll(Tensor x, Tensor mean, Tensor logVar, Reduction reduction = Reduction.Sum)
    {
        RequireSameShape(mean, x, "GaussianNll", "mean", "x");
        if (logVar.Size != 1) RequireSameShape(logVar, x, "GaussianNll", "logVar", "x");
        return ElementwiseLoss(mean, x, logVar, reduction, LossKind.GaussianNll);
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, 1)) = −½ (1 + log σ² − μ² − σ²) per element — Kingma &amp; Welling 2014, App. B.</summary>
    public static Tensor KlStandardNormal(Tensor mean, Tensor logVar, Reduction reduction = Reduction.Sum)
    {
        RequireSameShape(mean, logVar, "KlStandardNormal", "mean", "logVar");
        return ElementwiseLoss(mean, logVar, null, reduction, LossKind.Kl);
    }

    /// <summary>z = μ + exp(½ log σ²)·ε, the reparameterisation trick, fused.</summary>
    public static Tensor Reparameterize(Tensor mean, Tensor logVar, Tensor eps)
    {
        RequireSameShape(mean, logVar, "Reparameterize", "mean", "logVar");
        RequireSameShape(mean, eps, "Reparameterize", "mean", "eps");
        var z = Tensor.EmptyLike(mean);
        Span<float> mu = mean.Data, lv = logVar.Data, e = eps.Data, zv = z.Data;
        for (int i = 0; i < zv.Length; i++) zv[i] = mu[i] + MathF.Exp(0.5f * lv[i]) * e[i];
        AutogradEngine.Record(z, static z =>
        {
            Tensor mean = z.In0!, logVar = z.In1!;
            var g = z.Grad!.Data;
            Accumulate(mean, g);
            if (!logVar.RequiresGrad) return;
            // dz/dlogσ² = ½ σ ε = ½ (z − μ)
            Span<float> glv = logVar.GradSpan(), zv = z.Data, mu = mean.Data;
            for (int i = 0; i < g.Length; i++) glv[i] += 0.5f * g[i] * (zv[i] - mu[i]);
        }, mean, logVar);
        return z;
    }

    private enum LossKind { Bce, Mse, GaussianNll, Kl }

    private static readonly float HalfLog2Pi = 0.5f * MathF.Log(2f * MathF.PI);

    // a, b (and c) are the loss's inputs in the order each kind names them:
    //   Bce: (logits, target)   Mse: (prediction, target)   GaussianNll: (mean, x, logVar)   Kl: (mean, logVar)
    private static Tensor ElementwiseLoss(Tensor a, Tensor b, Tensor? c, Reduction reduction, LossKind kind)
    {
        int n = a.Size;
        if (kind == LossKind.Bce && reduction != Reduction.None) return BceSum(a, b, reduction);
        float[] terms = BufferPool.Rent(n);
        Span<float> av = a.Data, bv = b.Data, t = terms.AsSpan(0, n);
        Span<float> cv = c is null ? default : c.Data;
        switch (kind)
        {
            case LossKind.Bce:
                BceKernel.Terms(av, bv, t);
                break;
            case LossKind.Mse:
                TensorPrimitives.Subtract(av, bv, t);
                TensorPrimitives.Multiply(t, t, t);
                break;
            case LossKind.GaussianNll:
                for (int i = 0; i < n; i++)
                {
                    float lv = cv.Length == 1 ? cv[0] : cv[i], d = bv[i] - av[i];
                    t[i] = HalfLog2Pi + 0.5f * (lv + d * d * MathF.Exp(-lv));
                }
                break;
            default:
                for (int i = 0; i < n; i++) t[i] = -0.5f * (1f + bv[i] - av[i] * av[i] - MathF.Exp(bv[i]));
                break;
        }
        Tensor y;
        if (reduction == Reduction.None)
        {
            y = Tensor.EmptyLike(a);
            t.CopyTo(y.Data);
        }
        else
        {
            y = Tensor.Empty([]);
            // Float sums of 1024-element chunks (vectorised), added up in double.
            double sum = 0;
            for (int at = 0; at < t.Length; at += 1024) sum += TensorPrimitives.Sum(t.Slice(at, Math.Min(1024, t.Length - at)));
            y.Data[0] = (float)(reduction == Reduction.Mean ? sum / n : sum);
        }
        BufferPool.Return(terms);
        y.IntArg = (int)kind;
        y.FloatArg = reduction == Reduction.Mean ? 1f / n : 1f;
        y.Saved = reduction == Reduction.None ? null : NotElementwise;
        AutogradEngine.Record(y, ElementwiseLossBackward, a, b, c);
        return y;
    }

    private static readonly object NotElementwise = new();

    // The training path: one fused pass (BceKernel) that also saves σ(x) for the backward when x needs a gradient.
    private static Tensor BceSum(Tensor logits, Tensor target, Reduction reduction)
    {
        bool saveSigmoid = GradMode.IsEnabled && logits.RequiresGrad;
        Tensor? sigmoid = saveSigmoid ? Tensor.EmptyLike(logits) : null;
        double sum = BceKernel.Forward(logits.Data, target.Data, sigmoid is null ? default : sigmoid.Data);
        int n = logits.Size;
        var y = Tensor.Empty([]);
        y.Data[0] = (float)(reduction == Reduction.Mean ? sum / n : sum);
        y.IntArg = (int)LossKind.Bce;
        y.FloatArg = reduction == Reduction.Mean ? 1f / n : 1f;
        y.Saved = (object?)sigmoid ?? NotElementwise;
        AutogradEngine.Record(y, ElementwiseLossBackward, logits, target);
        return y;
    }

    private static readonly Action<Tensor> ElementwiseLossBackward = static y =>
    {
        Tensor a = y.In0!, b = y.In1!;
        Tensor? c = y.In2;
        var kind = (LossKind)y.IntArg;
        bool scalar = y.Saved is not null;
        var g = y.Grad!.Data;
        float scale = y.FloatArg;
        Span<float> av = a.Data, bv = b.Data;
        Span<float> ga = a.RequiresGrad ? a.GradSpan() : default, gb = b.RequiresGrad ? b.GradSpan() : default;
        Span<float> cv = c is null ? default : c.Data;
        Span<float> gc = c is { RequiresGrad: true } ? c.GradSpan() : default;
        if (kind == LossKind.Bce && y.Saved is Tensor sigmoid && gb.IsEmpty)
        {
            // The training path: dℓ/dx = g·(σ(x) − t) from the σ(x) the forward saved.
            BceKernel.Backward(sigmoid.Data, bv, g[0] * scale, ga);
            return;
        }
        for (int i = 0; i < av.Length; i++)
        {
            float gi = (scalar ? g[0] : g[i]) * scale;
            switch (kind)
            {
                case LossKind.Bce: // dℓ/dx = σ(x) − t, dℓ/dt = −x
                    if (!ga.IsEmpty) ga[i] += gi * (StableSigmoid(av[i]) - bv[i]);
                    if (!gb.IsEmpty) gb[i] -= gi * av[i];
                    break;
                case LossKind.Mse: // dℓ/dx = 2(x − t)
                    {
                        float d = 2f * (av[i] - bv[i]);
                        if (!ga.IsEmpty) ga[i] += gi * d;
                        if (!gb.IsEmpty) gb[i] -= gi * d;
                        break;
                    }
                case LossKind.GaussianNll: // dℓ/dμ = (μ − x)/σ², dℓ/dx = −that, dℓ/dlogσ² = ½(1 − (x − μ)²/σ²)
                    {
                        int ci = cv.Length == 1 ? 0 : i;
                        float invVar = MathF.Exp(-cv[ci]), d = av[i] - bv[i];
                        if (!ga.IsEmpty) ga[i] += gi * d * invVar;
                        if (!gb.IsEmpty) gb[i] -= gi * d * invVar;
                        if (!gc.IsEmpty) gc[ci] += gi * 0.5f * (1f - d * d * invVar);
                        break;
                    }
                default: // dKL/dμ = μ, dKL/dlogσ² = ½(σ² − 1)
                    if (!ga.IsEmpty) ga[i] += gi * av[i];
                    if (!gb.IsEmpty) gb[i] += gi * 0.5f * (MathF.Exp(bv[i]) - 1f);
                    break;
            }
        }
    };

    private static void RequireSameShape(Tensor a, Tensor b, string op, string aName, string bName)
    {
        if (!ShapeUtil.SameShape(a.Shape, b.Shape))
            throw new ArgumentException($"{op}: {aName} shape {ShapeUtil.Format(a.Shape)} differs from {bName} shape {ShapeUtil.Format(b.Shape)}.");
    }
}
