using System.Runtime.InteropServices;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Kernels;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Autograd;

// The convolution ops' execution, as opposed to their maths (ConvNormValueTests, ConvNormGradientTests):
// a fused activation gives exactly the separate op's values and gradients; the image groups run as
// parallel tasks, so 1 and 2 threads must give the same bits; and merging groups into fewer tasks (more
// than 32 groups) must still give the right weight gradient.
[Collection(EngineSettingsCollection.Name)]
public class ConvFusionAndThreadTests
{
    public enum Op { Conv, ConvStride2, ConvTranspose, ConvTransposeStride2 }

    // (output, dx, dw, dbias) of act(op(x)) for a fixed upstream gradient.
    private static float[][] ForwardBackward(Op op, Activation activation, bool fused, int n, int seed = 7)
    {
        var rng = new RandomGenerator((ulong)seed);
        bool transposed = op is Op.ConvTranspose or Op.ConvTransposeStride2;
        int stride = op is Op.ConvStride2 or Op.ConvTransposeStride2 ? 2 : 1;
        int cin = 3, cout = 5, size = transposed && stride == 2 ? 12 : 24;
        var x = Tensor.Normal(rng, 0f, 1f, n, cin, size, size);
        var w = transposed ? Tensor.Normal(rng, 0f, 0.3f, cin, cout, 3, 3) : Tensor.Normal(rng, 0f, 0.3f, cout, cin, 3, 3);
        var b = Tensor.Normal(rng, 0f, 0.3f, cout);
        x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
        Activation inner = fused ? activation : Activation.None;
        var y = transposed
            ? Ops.ConvTranspose2d(x, w, b, stride, padding: 1, outputPadding: stride - 1, inner)
            : Ops.Conv2d(x, w, b, stride, padding: 1, inner);
        if (!fused) y = activation switch { Activation.Relu => Ops.Relu(y), Activation.Tanh => Ops.Tanh(y), Activation.Sigmoid => Ops.Sigmoid(y), _ => y };
        var upstream = Tensor.Normal(rng, 0f, 1f, y.Shape.ToArray());
        Ops.Sum(Ops.Mul(y, upstream)).Backward();
        return [y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray()];
    }

    private static void AssertSameBits(float[][] expected, float[][] actual, string what)
    {
        string[] names = ["y", "dx", "dw", "dbias"];
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MemoryMarshal.AsBytes(expected[i].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(actual[i].AsSpan())), $"{what}: {names[i]} differs");
    }

    [Theory]
    [InlineData(Op.Conv, Activation.Relu)]
    [InlineData(Op.ConvStride2, Activation.Tanh)]
    [InlineData(Op.ConvTranspose, Activation.Sigmoid)]
    [InlineData(Op.ConvTransposeStride2, Activation.Relu)]
    public void FusedActivation_GivesTheSeparateOpsBits(Op op, Activation activation) =>
        AssertSameBits(ForwardBackward(op, activation, fused: false, n: 5), ForwardBackward(op, activation, fused: true, n: 5), $"{op} + {activation}");

    // 40 images of 24×24 outputs: one image per GEMM, 40 groups merged into 20 tasks; stride 2 gives
    // groups of several images.
    [Theory]
    [InlineData(Op.Conv, Activation.Relu)]
    [InlineData(Op.ConvStride2, Activation.None)]
    [InlineData(Op.ConvTranspose, Activation.Tanh)]
    [InlineData(Op.ConvTransposeStride2, Activation.Relu)]
    public void ForwardAndBackward_AreBitIdentical_OnOneAndTwoThreads(Op op, Activation activation)
    {
        int saved = EngineSettings.Threads;
        try
        {
            EngineSettings.Threads = 1;
            var one = ForwardBackward(op, activation, fused: true, n: 40);
            EngineSettings.Threads = 2;
            var two = ForwardBackward(op, activation, fused: true, n: 40);
            AssertSameBits(one, two, $"{op} + {activation}, 2 threads vs 1");
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
    }

    // A backward stores the first contribution to an input's gradient (no zeroing pass) and adds to a
    // gradient that is already there: a second use of the input, or one the caller set.
    [Fact]
    public void InputGradient_AddsToAnExistingGradient()
    {
        var rng = new RandomGenerator(12);
        var x = Tensor.Normal(rng, 0f, 1f, 4, 3, 10, 10);
        var w1 = Tensor.Normal(rng, 0f, 0.3f, 5, 3, 3, 3);
        var w2 = Tensor.Normal(rng, 0f, 0.3f, 3, 2, 3, 3);
        var u1 = Tensor.Normal(rng, 0f, 1f, 4, 5, 5, 5);
        var u2 = Tensor.Normal(rng, 0f, 1f, 4, 2, 20, 20);
        var preset = Tensor.Normal(rng, 0f, 1f, 4, 3, 10, 10);
        x.RequiresGrad = true;
        Tensor Loss1() => Ops.Sum(Ops.Mul(Ops.Conv2d(x, w1, null, 2, 1, Activation.Relu), u1));
        Tensor Loss2() => Ops.Sum(Ops.Mul(Ops.ConvTranspose2d(x, w2, null, 2, 1, 1), u2));
        var w3 = Tensor.Normal(rng, 0f, 0.1f, 7, 300);
        var u3 = Tensor.Normal(rng, 0f, 1f, 4, 7);
        Tensor Flat() => Ops.Sum(Ops.Mul(Ops.Linear(x.Reshape(4, 300), w3), u3));   // Reshape and Linear store or add too
        var data = x.ToArray();
        float[] Grad(Func<Tensor> loss, Tensor? start)
        {
            // Inside a scope, with NaN left in the pooled buffers, so that an element a backward claims
            // to store but does not would show.
            using (TensorScope.Begin())
                for (int i = 0; i < 4; i++) Tensor.Full(float.NaN, 4, 3, 10, 10);
            using var scope = TensorScope.Begin();
            x = Tensor.FromArray(data, 4, 3, 10, 10);
            x.RequiresGrad = true;
            x.Grad = start is null ? null : Tensor.FromArray(start.Data, start.Shape.ToArray());
            loss().Backward();
            return x.Grad!.ToArray();
        }
        float[] g1 = Grad(Loss1, null), g2 = Grad(Loss2, null), g3 = Grad(Flat, null);
        float[] both = Grad(() => Ops.Add(Ops.Add(Loss1(), Loss2()), Flat()), null);
        float[] onPreset = Grad(() => Ops.Add(Ops.Add(Loss1(), Loss2()), Flat()), preset);
        for (int i = 0; i < g1.Length; i++)
        {
            double sum = (double)g1[i] + g2[i] + g3[i];
            Assert.True(Math.Abs(sum - both[i]) <= 1e-5 * Math.Max(1, Math.Abs(sum)), $"{i}: {sum} vs {both[i]}");
            Assert.True(Math.Abs(sum + preset.Data[i] - onPreset[i]) <= 1e-5 * Math.Max(1, Math.Abs(sum)), $"{i}: {sum + preset.Data[i]} vs {onPreset[i]}");
        }
    }

    [Theory]
    [InlineData(Op.Conv)]
    [InlineData(Op.ConvTranspose)]
    public void WeightGradient_OfMergedTasks_IsTheSumOverImages(Op op)
    {
        // The batch's dw and dbias against the sum of the single-image ones (same seed: same x, w, b, upstream).
        const int n = 40;
        var batch = ForwardBackward(op, Activation.Tanh, fused: true, n);
        var rng = new RandomGenerator(7);
        bool transposed = op == Op.ConvTranspose;
        var x = Tensor.Normal(rng, 0f, 1f, n, 3, 24, 24);
        var w = transposed ? Tensor.Normal(rng, 0f, 0.3f, 3, 5, 3, 3) : Tensor.Normal(rng, 0f, 0.3f, 5, 3, 3, 3);
        var b = Tensor.Normal(rng, 0f, 0.3f, 5);
        var upstream = Tensor.Normal(rng, 0f, 1f, n, 5, 24, 24);
        var dw = new double[w.Size];
        var db = new double[b.Size];
        int xSize = 3 * 24 * 24, ySize = 5 * 24 * 24;
        for (int i = 0; i < n; i++)
        {
            var xi = Tensor.FromArray(x.Data.Slice(i * xSize, xSize), 1, 3, 24, 24);
            var wi = Tensor.FromArray(w.Data, w.Shape.ToArray());
            var bi = Tensor.FromArray(b.Data, 5);
            wi.RequiresGrad = bi.RequiresGrad = true;
            var y = transposed ? Ops.ConvTranspose2d(xi, wi, bi, 1, 1, 0, Activation.Tanh) : Ops.Conv2d(xi, wi, bi, 1, 1, Activation.Tanh);
            Ops.Sum(Ops.Mul(y, Tensor.FromArray(upstream.Data.Slice(i * ySize, ySize), 1, 5, 24, 24))).Backward();
            for (int j = 0; j < dw.Length; j++) dw[j] += wi.Grad!.Data[j];
            for (int j = 0; j < db.Length; j++) db[j] += bi.Grad!.Data[j];
        }
        for (int j = 0; j < dw.Length; j++) Assert.True(Math.Abs(dw[j] - batch[2][j]) <= 1e-4 * Math.Max(1, Math.Abs(dw[j])), $"dw[{j}]: {dw[j]} vs {batch[2][j]}");
        for (int j = 0; j < db.Length; j++) Assert.True(Math.Abs(db[j] - batch[3][j]) <= 1e-4 * Math.Max(1, Math.Abs(db[j])), $"dbias[{j}]: {db[j]} vs {batch[3][j]}");
    }
}
