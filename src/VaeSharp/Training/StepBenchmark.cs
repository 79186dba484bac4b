using System.Diagnostics;
using VaeSharp.Data;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Training;

/// <summary>Median times of one training step's phases, in milliseconds.</summary>
/// <param name="Forward">Forward pass and loss.</param>
/// <param name="ForwardBackward">Forward, loss and backward.</param>
/// <param name="FullStep">Forward, loss, backward and the Adam update: one training step.</param>
/// <param name="BatchSize">Examples per step.</param>
public sealed record StepTimings(double Forward, double ForwardBackward, double FullStep, int BatchSize)
{
    /// <summary>Examples per second of the full step.</summary>
    public double ExamplesPerSecond => BatchSize / (FullStep / 1000.0);
}

/// <summary>
/// Times a model's training step on synthetic data (uniform values in [0, 1]): forward only, forward + backward,
/// and the full step with Adam; each the median of <c>repeats</c> rounds after a time-based warm-up
/// (tiered compilation promotes the generic kernels only after some seconds). A round times the three
/// phases one after the other, so that a change in the machine's load shifts all three alike.
/// </summary>
public static class StepBenchmark
{
    /// <summary>Runs the benchmark on the model <paramref name="config"/> describes.</summary>
    public static StepTimings Run(ModelConfig config, int batchSize, int stepsPerRound = 20, int repeats = 5, double warmupSeconds = 3)
    {
        var model = ModelFamilies.Create(config);
        var adam = new Adam(model.Parameters(), 1e-3f);
        var shape = new int[config.InputShape.Length + 1];
        shape[0] = batchSize;
        config.InputShape.CopyTo(shape, 1);
        var x = Tensor.Uniform(RngStreams.Create(config.Seed, RngStream.BenchmarkData), 0f, 1f, shape);
        int[]? labels = model.IsConditional ? Enumerable.Range(0, batchSize).Select(i => i % model.ClassCount).ToArray() : null;
        var batch = new Batch(x, labels);
        var context = LossContext.Plain(RngStreams.Create(config.Seed, RngStream.TrainingNoise));

        void Step(int phase)
        {
            using var _ = TensorScope.Begin();
            var loss = model.Loss(batch, context);
            if (phase == 0) return;
            adam.ZeroGrad();
            loss.Total.Backward();
            if (phase == 2) adam.Step();
        }

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmupSeconds) Step(2);
        var times = new double[3][];
        for (int phase = 0; phase < 3; phase++) times[phase] = new double[repeats];
        for (int r = 0; r < repeats; r++)
            for (int phase = 0; phase < 3; phase++)
            {
                var sw = Stopwatch.StartNew();
                for (int s = 0; s < stepsPerRound; s++) Step(phase);
                times[phase][r] = sw.Elapsed.TotalMilliseconds / stepsPerRound;
            }
        double Median(int phase)
        {
            Array.Sort(times[phase]);
            return times[phase][repeats / 2];
        }
        return new StepTimings(Median(0), Median(1), Median(2), batchSize);
    }
}
