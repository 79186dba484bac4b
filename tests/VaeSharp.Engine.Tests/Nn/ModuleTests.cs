using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Nn;

public class ModuleTests
{
    private sealed class TwoLayer : Module
    {
        public TwoLayer(RandomGenerator rng)
        {
            Fc1 = RegisterModule("fc1", new Linear(4, 3, rng, activation: Activation.Relu));
            Body = RegisterModule("body", new Sequential(new Linear(3, 2, rng), ActivationLayer.Tanh(), new Linear(2, 1, rng, bias: false)));
        }
        public Linear Fc1 { get; }
        public Sequential Body { get; }
        public Tensor Forward(Tensor x) => Body.Forward(Fc1.Forward(x));
    }

    [Fact]
    public void StateDict_UsesPyTorchNames_AndLayouts()
    {
        var m = new TwoLayer(new RandomGenerator(1));
        var names = m.StateDict().Select(e => $"{e.Name}:{string.Join('x', e.Tensor.Shape.ToArray())}").ToArray();
        Assert.Equal(["fc1.weight:3x4", "fc1.bias:3", "body.0.weight:2x3", "body.0.bias:2", "body.2.weight:1x2"], names);
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2 + 2, m.ParameterCount());
    }

    [Fact]
    public void DefaultInit_IsUniformWithinOneOverSqrtFanIn()
    {
        var lin = new Linear(400, 300, new RandomGenerator(3));
        float bound = 1f / MathF.Sqrt(400);
        var w = lin.Weight.Data;
        float max = 0; double mean = 0, sq = 0;
        foreach (var v in w) { max = Math.Max(max, Math.Abs(v)); mean += v; sq += v * v; }
        mean /= w.Length; sq /= w.Length;
        Assert.True(max <= bound && max > 0.99f * bound);
        Assert.True(Math.Abs(mean) < 0.01 * bound);
        Assert.InRange(sq, bound * bound / 3 * 0.97, bound * bound / 3 * 1.03); // variance of U(−b, b) is b²/3
    }

    [Fact]
    public void SameSeed_GivesSameWeights()
    {
        var a = new TwoLayer(new RandomGenerator(42)).StateDict().SelectMany(e => e.Tensor.ToArray());
        var b = new TwoLayer(new RandomGenerator(42)).StateDict().SelectMany(e => e.Tensor.ToArray());
        var c = new TwoLayer(new RandomGenerator(43)).StateDict().SelectMany(e => e.Tensor.ToArray());
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Parameters_AreOneContiguousBuffer_WithGradientsAligned()
    {
        var m = new TwoLayer(new RandomGenerator(1));
        var before = m.StateDict().SelectMany(e => e.Tensor.ToArray()).ToArray();
        var buffer = m.Parameters();
        Assert.Equal(before, buffer.Values.ToArray()); // packing keeps values, in state_dict order
        var x = Tensor.Normal(new RandomGenerator(2), 0, 1, 5, 4);
        Ops.Sum(m.Forward(x)).Backward();
        var concatenated = m.NamedParameters().SelectMany(p => p.Tensor.Grad!.ToArray()).ToArray();
        Assert.Equal(concatenated, buffer.Gradients.ToArray());
        Assert.Contains(buffer.Gradients.ToArray(), g => g != 0f);
        buffer.ZeroGrad();
        Assert.All(m.Fc1.Weight.Grad!.ToArray(), g => Assert.Equal(0f, g));
        buffer.Values[0] = 123f;
        Assert.Equal(123f, m.Fc1.Weight.Data[0]); // parameters are views into the buffer
    }

    [Fact]
    public void Parameters_PackedByAnOuterModule_CannotBeRepackedByAChild()
    {
        var m = new TwoLayer(new RandomGenerator(1));
        var buffer = m.Parameters();
        Assert.Same(buffer, m.Parameters());
        Assert.Contains("outermost", Assert.Throws<InvalidOperationException>(() => m.Fc1.Parameters()).Message);
    }

    [Fact]
    public void LoadStateDict_RejectsMissingAndMisshapenEntries()
    {
        var m = new TwoLayer(new RandomGenerator(1));
        var state = m.StateDict().ToDictionary(e => e.Name, e => (e.Tensor.Shape.ToArray(), e.Tensor.ToArray()));
        var other = new TwoLayer(new RandomGenerator(9));
        other.LoadStateDict(state);
        Assert.Equal(m.Fc1.Weight.ToArray(), other.Fc1.Weight.ToArray());

        state.Remove("fc1.bias");
        Assert.Contains("fc1.bias", Assert.Throws<InvalidDataException>(() => other.LoadStateDict(state, "model.safetensors")).Message);
        state["fc1.bias"] = ([4], new float[4]);
        var ex = Assert.Throws<InvalidDataException>(() => other.LoadStateDict(state, "model.safetensors"));
        Assert.Contains("model.safetensors", ex.Message);
        Assert.Contains("[4], expected [3]", ex.Message);
    }

    [Fact]
    public void TrainEval_PropagatesToChildren()
    {
        var m = new TwoLayer(new RandomGenerator(1));
        m.Eval();
        Assert.False(m.Body.Layers[1].Training);
        m.Train();
        Assert.True(m.Fc1.Training);
    }

    [Fact]
    public void Linear_GradientsCheck() =>
        GradCheck.Assert([5, 4], x => new Linear(4, 3, new RandomGenerator(1), activation: Activation.Tanh).Forward(x));
}
