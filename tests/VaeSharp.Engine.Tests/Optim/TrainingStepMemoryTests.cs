using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using Xunit.Abstractions;

namespace VaeSharp.Engine.Tests.Optim;

// The engine's memory target (DESIGN.md, "Memory"): a training step inside a TensorScope allocates
// nothing in steady state but small bookkeeping objects. Model: the MNIST MLP autoencoder's shape,
// 784-400-20-400-784 (x is (128, 784)), BCE with logits summed over pixels and averaged over the
// batch, an Adam step. Bytes are counted on the test's thread (GC.GetAllocatedBytesForCurrentThread),
// so other tests running in parallel do not count; a kernel that allocated on worker threads would
// not show here either.
public class TrainingStepMemoryTests(ITestOutputHelper output)
{
    private const int Batch = 128, Warmup = 3, Measured = 100;
    private const long BoundBytesPerStep = 16 * 1024;

    [Fact]
    public void TrainingStep_InATensorScope_AllocatesUnder16KB()
    {
        var rng = new RandomGenerator(11);
        var model = new Sequential(
            new Linear(784, 400, rng, activation: Activation.Relu),
            new Linear(400, 20, rng),
            new Linear(20, 400, rng, activation: Activation.Relu),
            new Linear(400, 784, rng));
        var opt = new Adam(model.Parameters(), 1e-3f);
        var x = Tensor.Uniform(rng, 0f, 1f, Batch, 784); // outside any scope: the data set's batch buffer

        float firstLoss = 0, lastLoss = 0;
        void Step()
        {
            using (TensorScope.Begin())
            {
                var logits = model.Forward(x);
                var loss = Ops.BinaryCrossEntropyWithLogits(logits, x, Reduction.Sum) * (1f / Batch);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
                lastLoss = loss.Item();
            }
        }

        for (int i = 0; i < Warmup; i++)
        {
            Step();
            if (i == 0) firstLoss = lastLoss;
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < Measured; i++) Step();
        clock.Stop();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / Measured;

        output.WriteLine($"{perStep} bytes allocated per training step (784-400-20-400-784, batch {Batch}, Adam), " +
            $"{clock.Elapsed.TotalMilliseconds / Measured:F1} ms per step; loss {firstLoss:F2} → {lastLoss:F2}");
        Assert.True(perStep < BoundBytesPerStep, $"{perStep} bytes per step, bound {BoundBytesPerStep}");
        Assert.True(lastLoss < firstLoss, $"loss {firstLoss} → {lastLoss}: the steps did not train");
    }

    [Fact]
    public void OptimizerStepAndClipping_AllocateNothing()
    {
        var buffer = OptimTestData.Buffer(1003);
        OptimTestData.Gradients(1, 1003)[0].CopyTo(buffer.Gradients);
        Optimizer[] optimizers =
        [
            new Adam(buffer, weightDecay: 0.01f), new AdamW(buffer), new Sgd(buffer, 0.1f),
            new Sgd(buffer, 0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
        ];
        foreach (var opt in optimizers) opt.Step(); // JIT and first-step paths
        GradientClipping.ClipNorm(buffer, 1f);
        GradientClipping.ClipValue(buffer, 1f);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            foreach (var opt in optimizers) opt.Step();
            GradientClipping.ClipNorm(buffer, 1f);
            GradientClipping.ClipValue(buffer, 1f);
            optimizers[0].ZeroGrad();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
