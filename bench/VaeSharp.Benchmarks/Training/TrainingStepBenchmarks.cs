// One full training step of the seeds' MLP VAE shape (784-400-20-400-784, batch 128): forward, loss
// (BCE-with-logits summed + analytic KL), backward and Adam, inside a TensorScope as the trainer runs
// it; on 1 and 2 threads. Built from engine parts only (the benchmark project references the engine).
//   dotnet run -c Release --project bench/VaeSharp.Benchmarks -- --filter '*TrainingStep*'
using BenchmarkDotNet.Attributes;
using VaeSharp.Engine;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Benchmarks.Kernels;

namespace VaeSharp.Benchmarks.Training;

/// <summary>Forward + backward + Adam of the MLP VAE shape at batch 128.</summary>
[Config(typeof(GemmBenchmarkConfig))]
public class TrainingStepBenchmarks
{
    private sealed class MlpVae : Module
    {
        public MlpVae(RandomGenerator rng)
        {
            Fc1 = RegisterModule("fc1", new Linear(784, 400, rng, activation: Activation.Relu));
            Fc21 = RegisterModule("fc21", new Linear(400, 20, rng));
            Fc22 = RegisterModule("fc22", new Linear(400, 20, rng));
            Fc3 = RegisterModule("fc3", new Linear(20, 400, rng, activation: Activation.Relu));
            Fc4 = RegisterModule("fc4", new Linear(400, 784, rng));
        }
        public Linear Fc1 { get; }
        public Linear Fc21 { get; }
        public Linear Fc22 { get; }
        public Linear Fc3 { get; }
        public Linear Fc4 { get; }
    }

    private MlpVae _model = null!;
    private Adam _adam = null!;
    private Tensor _x = null!;
    private RandomGenerator _noise = null!;

    /// <summary>Kernel threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the model, optimiser and a batch of uniform "pixels".</summary>
    [GlobalSetup]
    public void Setup()
    {
        EngineSettings.Threads = Threads;
        var rng = new RandomGenerator(1);
        _model = new MlpVae(rng);
        _adam = new Adam(_model.Parameters(), 1e-3f);
        _x = Tensor.Uniform(rng, 0f, 1f, 128, 784);
        _noise = new RandomGenerator(2);
    }

    /// <summary>One step; returns the loss so the work is observable.</summary>
    [Benchmark]
    public float Step()
    {
        using var _ = TensorScope.Begin();
        var h = _model.Fc1.Forward(_x);
        var mu = _model.Fc21.Forward(h);
        var logVar = _model.Fc22.Forward(h);
        var z = Ops.Reparameterize(mu, logVar, Tensor.RandnLike(_noise, mu));
        var logits = _model.Fc4.Forward(_model.Fc3.Forward(z));
        var loss = (Ops.BinaryCrossEntropyWithLogits(logits, _x) + Ops.KlStandardNormal(mu, logVar)) * (1f / 128);
        _adam.ZeroGrad();
        loss.Backward();
        _adam.Step();
        return loss.Item();
    }
}
