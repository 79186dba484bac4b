using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Nn;

// The image and normalisation layers: PyTorch's state_dict names and layouts, default initialisation,
// running statistics, and gradients of a small conv net (input and every parameter) against central
// finite differences.
public class ConvNormModuleTests
{
    // 2×1×8×8 → conv 4×8×8 → bn → tanh → pool 4×4×4 → conv s2 8×2×2 → gn → tanh → up 8×4×4
    //         → convT s2 2×8×8 → avgpool 2×4×4 → flatten 32 → linear 3 → layer norm
    private static Sequential TinyConvNet(RandomGenerator rng) => new(
        new Conv2d(1, 4, 3, rng, padding: 1),
        new BatchNorm2d(4),
        ActivationLayer.Tanh(),
        new MaxPool2d(),
        new Conv2d(4, 8, 4, rng, stride: 2, padding: 1),
        new GroupNorm(2, 8),
        ActivationLayer.Tanh(),
        new Upsample(),
        new ConvTranspose2d(8, 2, 4, rng, stride: 2, padding: 1),
        new AvgPool2d(),
        new Flatten(),
        new Linear(32, 3, rng),
        new LayerNorm(3));

    [Fact]
    public void TinyConvNet_StateDict_UsesPyTorchNamesAndLayouts()
    {
        var net = TinyConvNet(new RandomGenerator(1));
        var entries = net.StateDict().Select(e => $"{e.Name}:{string.Join('x', e.Tensor.Shape.ToArray())}").ToArray();
        Assert.Equal(
        [
            "0.weight:4x1x3x3", "0.bias:4",
            "1.weight:4", "1.bias:4", "1.running_mean:4", "1.running_var:4", "1.num_batches_tracked:",
            "4.weight:8x4x4x4", "4.bias:8",
            "5.weight:8", "5.bias:8",
            "8.weight:8x2x4x4", "8.bias:2",
            "11.weight:3x32", "11.bias:3",
            "12.weight:3", "12.bias:3",
        ], entries);
        Assert.Equal(["1.running_mean", "1.running_var", "1.num_batches_tracked"], net.NamedBuffers().Select(b => b.Name).ToArray());
        Assert.Equal([2, 3], net.Forward(Tensor.Normal(new RandomGenerator(2), 0, 1, 2, 1, 8, 8)).Shape.ToArray());
    }

    [Fact]
    public void Sequential_FusesLayerAndActivation_WithTheSameBitsAndNames()
    {
        // conv → ReLU → convT → tanh → conv → sigmoid, run by Sequential (fused) and op by op (not fused).
        var rng = new RandomGenerator(9);
        var conv = new Conv2d(2, 6, 3, rng, stride: 2, padding: 1);
        var convT = new ConvTranspose2d(6, 4, 3, rng, stride: 2, padding: 1, outputPadding: 1);
        var last = new Conv2d(4, 1, 3, rng, padding: 1);
        var net = new Sequential(conv, ActivationLayer.Relu(), convT, ActivationLayer.Tanh(), last, ActivationLayer.Sigmoid());
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], net.StateDict().Select(e => e.Name).ToArray());

        var x = Tensor.Normal(new RandomGenerator(10), 0f, 1f, 3, 2, 10, 10);
        var upstream = Tensor.Normal(new RandomGenerator(11), 0f, 1f, 3, 1, 10, 10);
        float[][] Run(Func<Tensor, Tensor> f)
        {
            net.ZeroGrad();
            var y = f(x);
            Ops.Sum(Ops.Mul(y, upstream)).Backward();
            return [y.ToArray(), .. net.NamedParameters().Select(p => p.Tensor.Grad!.ToArray())];
        }
        var fused = Run(net.Forward);
        var separate = Run(v => Ops.Sigmoid(Ops.Conv2d(Ops.Tanh(Ops.ConvTranspose2d(Ops.Relu(Ops.Conv2d(v, conv.Weight, conv.Bias, 2, 1)),
            convT.Weight, convT.Bias, 2, 1, 1)), last.Weight, last.Bias, 1, 1)));
        for (int i = 0; i < fused.Length; i++) Assert.Equal(separate[i], fused[i]);
    }

    [Fact]
    public void TinyConvNet_GradientsCheck_InTrainingMode() => AssertModuleGradients(TinyConvNet(new RandomGenerator(3)), [2, 1, 8, 8]);

    [Fact]
    public void TinyConvNet_GradientsCheck_InEvalMode()
    {
        var net = TinyConvNet(new RandomGenerator(4));
        var bn = (BatchNorm2d)net.Layers[1];
        new RandomGenerator(5).FillUniform(bn.RunningVar!.Data, 0.5f, 2f);
        new RandomGenerator(6).FillNormal(bn.RunningMean!.Data);
        net.Eval();
        AssertModuleGradients(net, [2, 1, 8, 8]);
    }

    [Fact]
    public void Conv2d_DefaultInit_IsUniformWithinOneOverSqrtCinKK()
    {
        var conv = new Conv2d(16, 32, 3, new RandomGenerator(7));
        AssertUniformWithin(conv.Weight, 1f / MathF.Sqrt(16 * 3 * 3));
        AssertUniformWithin(conv.Bias!, 1f / MathF.Sqrt(16 * 3 * 3), checkSpread: false);
        Assert.Equal([32, 16, 3, 3], conv.Weight.Shape.ToArray());
    }

    [Fact]
    public void ConvTranspose2d_DefaultInit_TakesFanInFromWeightDim1()
    {
        // PyTorch: weight (Cin, Cout, K, K); fan_in = weight.size(1)·K·K = Cout·K·K.
        var deconv = new ConvTranspose2d(32, 16, 4, new RandomGenerator(8), stride: 2, padding: 1);
        Assert.Equal([32, 16, 4, 4], deconv.Weight.Shape.ToArray());
        AssertUniformWithin(deconv.Weight, 1f / MathF.Sqrt(16 * 4 * 4));
        AssertUniformWithin(deconv.Bias!, 1f / MathF.Sqrt(16 * 4 * 4), checkSpread: false);
        Assert.Equal([2, 16, 14, 14], deconv.Forward(Tensor.Zeros(2, 32, 7, 7)).Shape.ToArray());
    }

    [Fact]
    public void ConvLayers_ForwardTheOps_WithTheirSettings()
    {
        var rng = new RandomGenerator(9);
        var x = Tensor.Normal(rng, 0, 1, 2, 3, 9, 9);
        var conv = new Conv2d(3, 5, 3, rng, stride: 2, padding: 1, bias: false);
        Assert.Null(conv.Bias);
        Assert.Equal(Ops.Conv2d(x, conv.Weight, null, 2, 1).ToArray(), conv.Forward(x).ToArray());
        var deconv = new ConvTranspose2d(3, 2, 3, rng, stride: 2, padding: 1, outputPadding: 1);
        Assert.Equal(Ops.ConvTranspose2d(x, deconv.Weight, deconv.Bias, 2, 1, 1).ToArray(), deconv.Forward(x).ToArray());
        Assert.Equal([2, 3, 4, 4], new MaxPool2d().Forward(x).Shape.ToArray());
        Assert.Equal([2, 3, 3, 3], new AvgPool2d(3).Forward(x).Shape.ToArray());
        Assert.Equal([2, 3, 18, 18], new Upsample().Forward(x).Shape.ToArray());
        Assert.Empty(new Upsample().StateDict());
    }

    [Fact]
    public void BatchNorm2d_Training_UpdatesBuffersLikePyTorch_AndEvalUsesThem()
    {
        var rng = new RandomGenerator(10);
        var bn = new BatchNorm2d(3);
        Assert.Equal([1f, 1f, 1f], bn.Weight!.ToArray());
        Assert.Equal([0f, 0f, 0f], bn.Bias!.ToArray());
        var x = Tensor.Normal(rng, 2f, 3f, 4, 3, 5, 5);
        bn.Forward(x);
        for (int ch = 0; ch < 3; ch++)
        {
            var values = Enumerable.Range(0, 4).SelectMany(n => Enumerable.Range(0, 25).Select(i => (double)x.Data[(n * 3 + ch) * 25 + i])).ToArray();
            double mean = values.Average(), unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
            Assert.Equal(0.1 * mean, bn.RunningMean!.Data[ch], 5);
            Assert.Equal(0.9 + 0.1 * unbiased, bn.RunningVar!.Data[ch], 4);
        }
        Assert.Equal(1f, bn.NumBatchesTracked!.Item());

        bn.Eval();
        var x2 = Tensor.Normal(rng, 0f, 1f, 2, 3, 4, 4);
        var y = bn.Forward(x2);
        Assert.Equal(1f, bn.NumBatchesTracked.Item());
        for (int i = 0; i < x2.Size; i++)
        {
            int ch = i / 16 % 3;
            Assert.Equal((x2.Data[i] - bn.RunningMean!.Data[ch]) / MathF.Sqrt(bn.RunningVar!.Data[ch] + 1e-5f), y.Data[i], 5);
        }
    }

    [Fact]
    public void BatchNorm_WithoutMomentum_KeepsTheCumulativeAverage()
    {
        // momentum = null: factor 1/num_batches_tracked, so after two batches the running mean is their average.
        var rng = new RandomGenerator(11);
        var bn = new BatchNorm1d(2, momentum: null);
        var a = Tensor.Normal(rng, 1f, 1f, 8, 2);
        var b = Tensor.Normal(rng, -3f, 1f, 8, 2);
        bn.Forward(a);
        bn.Forward(b);
        Assert.Equal(2f, bn.NumBatchesTracked!.Item());
        for (int ch = 0; ch < 2; ch++)
        {
            double meanA = Enumerable.Range(0, 8).Average(n => a[n, ch]), meanB = Enumerable.Range(0, 8).Average(n => b[n, ch]);
            Assert.Equal((meanA + meanB) / 2, bn.RunningMean!.Data[ch], 5);
        }
    }

    [Fact]
    public void BatchNorm_WithoutRunningStats_UsesBatchStatisticsInEvalMode()
    {
        var bn = new BatchNorm1d(3, affine: false, trackRunningStats: false);
        Assert.Empty(bn.StateDict());
        bn.Eval();
        var x = Tensor.Normal(new RandomGenerator(12), 5f, 2f, 6, 3, 4);
        Assert.Equal(Ops.BatchNorm(x, null, null, null, null, training: true).ToArray(), bn.Forward(x).ToArray());
    }

    [Fact]
    public void BatchNorm_RejectsInputOfTheWrongLayout()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(4, 3)));
        Assert.Contains("BatchNorm2d(3)", e.Message);
        Assert.Contains("[4, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(4, 3, 2, 2)));
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(4, 2)));
        var failing = new BatchNorm1d(3);
        Assert.Throws<ArgumentException>(() => failing.Forward(Tensor.Zeros(1, 3)));   // one value per channel
        Assert.Equal(0f, failing.NumBatchesTracked!.Item());                           // not counted
    }

    [Fact]
    public void LayerNormAndGroupNorm_HavePyTorchParameters_AndForwardTheOps()
    {
        var rng = new RandomGenerator(13);
        var ln = new LayerNorm([3, 4]);
        Assert.Equal(["weight:3x4", "bias:3x4"], ln.StateDict().Select(e => $"{e.Name}:{string.Join('x', e.Tensor.Shape.ToArray())}").ToArray());
        var x = Tensor.Normal(rng, 0, 1, 2, 3, 4);
        Assert.Equal(Ops.LayerNorm(x, ln.Weight, ln.Bias, 2).ToArray(), ln.Forward(x).ToArray());
        Assert.Throws<ArgumentException>(() => ln.Forward(Tensor.Zeros(2, 4, 3)));

        var gn = new GroupNorm(2, 4);
        Assert.Equal(["weight:4", "bias:4"], gn.StateDict().Select(e => $"{e.Name}:{string.Join('x', e.Tensor.Shape.ToArray())}").ToArray());
        var images = Tensor.Normal(rng, 0, 1, 2, 4, 3, 3);
        Assert.Equal(Ops.GroupNorm(images, 2, gn.Weight, gn.Bias).ToArray(), gn.Forward(images).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(3, 4));
    }

    private static void AssertUniformWithin(Tensor t, float bound, bool checkSpread = true)
    {
        var v = t.Data;
        float max = 0;
        foreach (var e in v) max = Math.Max(max, Math.Abs(e));
        Assert.True(max <= bound, $"max |value| {max} exceeds the bound {bound}");
        if (checkSpread) Assert.True(max > 0.98f * bound, $"max |value| {max} is far inside the bound {bound}");
    }

    // GradCheck for a whole module: L = Σ w ⊙ f(x) with fixed random w; the analytic gradient of the input
    // and of every parameter against central differences, |diff| ≤ 2e-3 + 2e-2·|numeric|. The step is 1e-3,
    // not GradCheck's 1e-2: through a stack of normalisations (a layer norm over 3 values last) the
    // truncation error of a 1e-2 step reaches 4–6 %, while float rounding at 1e-3 stays near 5e-4.
    private static void AssertModuleGradients(Layer module, int[] inputShape, ulong seed = 1)
    {
        const double Step = 1e-3, Rtol = 2e-2, Atol = 2e-3;
        var rng = new RandomGenerator(seed);
        var x = Tensor.Normal(rng, 0f, 1f, inputShape);
        x.RequiresGrad = true;
        foreach (var (_, p) in module.NamedParameters())
            if (p.Data.ToArray().All(v => v == p.Data[0])) rng.FillUniform(p.Data, 0.5f, 1.5f);   // γ = 1, β = 0 would hide mistakes
        var y = module.Forward(x);
        var weights = Tensor.Normal(rng, 0f, 1f, y.Shape.ToArray());
        module.ZeroGrad();
        Ops.Sum(Ops.Mul(y, weights)).Backward();

        double Loss()
        {
            using var _ = GradMode.NoGrad();
            var v = module.Forward(x).Data;
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += (double)v[i] * weights.Data[i];
            return s;
        }

        foreach (var (name, t) in module.NamedParameters().Prepend(("input", x)))
        {
            Assert.True(t.Grad is not null, $"{name} received no gradient");
            var data = t.Data;
            for (int i = 0; i < data.Length; i++)
            {
                float orig = data[i];
                data[i] = (float)(orig + Step);
                double plus = Loss();
                data[i] = (float)(orig - Step);
                double minus = Loss();
                data[i] = orig;
                double numeric = (plus - minus) / (2 * Step), analytic = t.Grad!.Data[i];
                if (Math.Abs(analytic - numeric) > Atol + Rtol * Math.Abs(numeric))
                    Assert.Fail($"{name} element {i}: analytic {analytic:G6} vs numeric {numeric:G6}");
            }
        }
    }
}
