using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Optim;

public class OptimizerStateTests
{
    private static Sequential Model(ulong seed)
    {
        var rng = new RandomGenerator(seed);
        return new Sequential(new Linear(3, 8, rng, activation: Activation.Tanh), new Linear(8, 2, rng));
    }

    private static Optimizer Create(string kind, ParameterBuffer p) => kind switch
    {
        "adam" => new Adam(p, 1e-2f, weightDecay: 1e-3f),
        "adamw" => new AdamW(p, 1e-2f),
        "sgd" => new Sgd(p, 1e-2f, momentum: 0.9f, nesterov: true, weightDecay: 1e-3f),
        _ => new Sgd(p, 1e-2f),
    };

    // One training step on a batch that depends only on the step index, with a cosine schedule.
    private static void TrainStep(Sequential model, Optimizer opt, int step)
    {
        var rng = new RandomGenerator(100, (ulong)step);
        opt.LearningRate = new CosineAnnealingLr(1e-2f, 20).LearningRate(step);
        using var scope = TensorScope.Begin();
        var x = Tensor.Normal(rng, 0f, 1f, 16, 3);
        var y = Tensor.Normal(rng, 0f, 1f, 16, 2);
        var loss = Ops.MseLoss(model.Forward(x), y);
        opt.ZeroGrad();
        loss.Backward();
        GradientClipping.ClipNorm(opt.Parameters, 1f);
        opt.Step();
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("sgd")]
    [InlineData("plain-sgd")]
    public void Train_ResumedFromSavedState_GivesBitIdenticalWeights(string kind)
    {
        const int before = 7, after = 8;
        var straight = Model(1);
        var straightOpt = Create(kind, straight.Parameters());
        for (int s = 0; s < before + after; s++) TrainStep(straight, straightOpt, s);

        var first = Model(1);
        var firstOpt = Create(kind, first.Parameters());
        for (int s = 0; s < before; s++) TrainStep(first, firstOpt, s);
        var weights = first.StateDict().ToDictionary(e => e.Name, e => (e.Tensor.Shape.ToArray(), e.Tensor.ToArray()));
        var state = firstOpt.StateDict();
        TrainStep(first, firstOpt, before); // the saved state is a copy: training on does not change it

        var resumed = Model(2); // different initial weights, overwritten by the load
        resumed.LoadStateDict(weights);
        var resumedOpt = Create(kind, resumed.Parameters());
        resumedOpt.LearningRate = 0.5f;
        resumedOpt.LoadState(state);
        Assert.Equal(before, resumedOpt.StepCount);
        Assert.Equal(state["lr"][0], resumedOpt.LearningRate);
        for (int s = before; s < before + after; s++) TrainStep(resumed, resumedOpt, s);

        Assert.Equal(before + after, resumedOpt.StepCount);
        Assert.Equal(straight.Parameters().Values.ToArray(), resumed.Parameters().Values.ToArray());
    }

    [Fact]
    public void StateDict_HasStepLrAndPyTorchNamedBuffers()
    {
        var model = Model(1);
        var opt = new Adam(model.Parameters(), 3e-4f);
        TrainStep(model, opt, 0);
        opt.LearningRate = 3e-4f;
        var state = opt.StateDict();
        Assert.Equal(["step", "lr", "exp_avg", "exp_avg_sq"], state.Keys);
        Assert.Equal([1f], state["step"]);
        Assert.Equal([3e-4f], state["lr"]);
        Assert.Equal(model.Parameters().Count, state["exp_avg"].Length);
        Assert.Equal(["step", "lr"], new Sgd(model.Parameters(), 0.1f).StateDict().Keys);
    }

    [Fact]
    public void LoadState_RejectsWrongEntries_AndChangesNothing()
    {
        var model = Model(1);
        var opt = new Adam(model.Parameters());
        TrainStep(model, opt, 0);
        var good = opt.StateDict();
        var untouched = opt.StateDict();

        InvalidDataException Load(Action<Dictionary<string, float[]>> edit)
        {
            var state = good.ToDictionary(e => e.Key, e => (float[])e.Value.Clone());
            edit(state);
            return Assert.Throws<InvalidDataException>(() => opt.LoadState(state, "run/optimizer.safetensors"));
        }

        var ex = Load(s => s.Remove("exp_avg_sq"));
        Assert.Contains("run/optimizer.safetensors", ex.Message);
        Assert.Contains("missing exp_avg_sq", ex.Message);
        Assert.Contains("unexpected entries momentum_buffer", Load(s => s["momentum_buffer"] = new float[good["exp_avg"].Length]).Message);
        Assert.Contains($"'exp_avg' has 5 values, expected {good["exp_avg"].Length}", Load(s => s["exp_avg"] = new float[5]).Message);
        Assert.Contains("'step' is 2.5", Load(s => s["step"] = [2.5f]).Message);
        Assert.Contains("'step' is -1", Load(s => s["step"] = [-1f]).Message);
        Assert.Contains("'lr' must hold exactly one value", Load(s => s["lr"] = [1f, 2f]).Message);
        Assert.Contains("'lr' is NaN", Load(s => s["lr"] = [float.NaN]).Message);

        var now = opt.StateDict();
        foreach (var (name, values) in untouched) Assert.Equal(values, now[name]);
    }

    [Fact]
    public void LoadState_RefusesAnSgdStateForAdam()
    {
        var model = Model(1);
        var sgd = new Sgd(model.Parameters(), 0.1f, momentum: 0.9f);
        sgd.Step();
        var ex = Assert.Throws<InvalidDataException>(() => new Adam(model.Parameters()).LoadState(sgd.StateDict()));
        Assert.Contains("Adam state is missing exp_avg, exp_avg_sq", ex.Message);
    }
}
