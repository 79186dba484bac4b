using System.Diagnostics;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Training;

/// <summary>
/// Trains a <see cref="Vae"/> with Adam on minibatches, one epoch at a time, and evaluates it.
/// Each step runs in a <see cref="TensorScope"/>, so steady-state steps allocate no tensor storage.
/// Same seeds and thread count ⇒ same numbers.
/// </summary>
public sealed class Trainer
{
    private readonly Vae _model;
    private readonly RandomGenerator _shuffle, _binarize;

    /// <summary>Prepares training of <paramref name="model"/> with <paramref name="options"/>.</summary>
    public Trainer(Vae model, TrainingOptions options)
    {
        options.Validate();
        _model = model;
        Options = options;
        Optimizer = new Adam(model.Parameters(), options.LearningRate);
        _shuffle = new RandomGenerator(options.Seed, stream: 2);
        _binarize = new RandomGenerator(options.Seed, stream: 3);
        model.Noise = new RandomGenerator(options.Seed, stream: 1);
    }

    /// <summary>The options in use.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The optimiser (Adam).</summary>
    public Adam Optimizer { get; }

    /// <summary>Runs one epoch over <paramref name="train"/>, then evaluates on <paramref name="test"/> (if given).</summary>
    /// <param name="epoch">The epoch number (1-based), reported back in the metrics.</param>
    /// <param name="train">The training set (shuffled each epoch).</param>
    /// <param name="test">The test set, or null to skip evaluation.</param>
    /// <param name="progress">Called after each step with (steps done, steps in the epoch, running loss).</param>
    public EpochMetrics TrainEpoch(int epoch, IDataset train, IDataset? test, Action<int, int, double>? progress = null)
    {
        CheckShape(train);
        _model.Train();
        var sw = Stopwatch.StartNew();
        int n = train.Count, batchSize = Options.BatchSize;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        _shuffle.Shuffle(order.AsSpan());
        int steps = (n + batchSize - 1) / batchSize;
        double loss = 0, recon = 0, kl = 0;
        var exampleShape = _model.Config.InputShape;
        for (int s = 0; s < steps; s++)
        {
            int start = s * batchSize, count = Math.Min(batchSize, n - start);
            using (TensorScope.Begin())
            {
                var x = LoadBatch(train, order.AsSpan(start, count), exampleShape, Options.Binarize == "dynamic" ? _binarize : null);
                var l = _model.Loss(x);
                Optimizer.ZeroGrad();
                l.Total.Backward();
                Optimizer.Step();
                loss += l.Total.Item() * count;
                recon += l.Reconstruction.Item() * count;
                kl += l.Kl.Item() * count;
            }
            progress?.Invoke(s + 1, steps, loss / (start + count));
        }
        double seconds = sw.Elapsed.TotalSeconds;
        var t = test is null ? new LossTotals(double.NaN, double.NaN, double.NaN, 0) : Evaluate(_model, test, Options.Binarize, Options.Seed);
        return new EpochMetrics(epoch, loss / n, recon / n, kl / n, t.Loss, t.Reconstruction, t.Kl, seconds, n / seconds);
    }

    /// <summary>Per-example loss terms over a whole data set, without gradients. Deterministic: the noise
    /// (and, with dynamic binarisation, the binary sample of the set) comes from generators seeded by <paramref name="seed"/>.</summary>
    public static LossTotals Evaluate(Vae model, IDataset data, string binarize = "none", ulong seed = 1, int batchSize = 500)
    {
        bool wasTraining = model.Training;
        var noise = model.Noise;
        model.Eval();
        model.Noise = new RandomGenerator(seed, stream: 4);
        var bin = binarize == "dynamic" ? new RandomGenerator(seed, stream: 5) : null;
        double loss = 0, recon = 0, kl = 0;
        var index = new int[Math.Min(batchSize, data.Count)];
        try
        {
            using var _ = GradMode.NoGrad();
            for (int start = 0; start < data.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, data.Count - start);
                for (int i = 0; i < count; i++) index[i] = start + i;
                using (TensorScope.Begin())
                {
                    var x = LoadBatch(data, index.AsSpan(0, count), model.Config.InputShape, bin);
                    var l = model.Loss(x);
                    loss += l.Total.Item() * count;
                    recon += l.Reconstruction.Item() * count;
                    kl += l.Kl.Item() * count;
                }
            }
        }
        finally
        {
            model.Noise = noise;
            model.Train(wasTraining);
        }
        return new LossTotals(loss / data.Count, recon / data.Count, kl / data.Count, data.Count);
    }

    /// <summary>Copies the examples at <paramref name="indices"/> into a (N, example shape) tensor; binarised when <paramref name="binarize"/> is given.</summary>
    public static Tensor LoadBatch(IDataset data, ReadOnlySpan<int> indices, int[] exampleShape, RandomGenerator? binarize = null)
    {
        var shape = new int[exampleShape.Length + 1];
        shape[0] = indices.Length;
        exampleShape.CopyTo(shape, 1);
        var x = Tensor.Zeros(shape);
        var values = x.Data;
        data.CopyExamples(indices, values);
        if (binarize is not null)
            for (int i = 0; i < values.Length; i++) values[i] = binarize.NextFloat() < values[i] ? 1f : 0f;
        return x;
    }

    private void CheckShape(IDataset data)
    {
        if (!data.ExampleShape.SequenceEqual(_model.Config.InputShape))
            throw new ArgumentException($"Data set {data.Name} has examples of shape [{string.Join(", ", data.ExampleShape)}]; the model expects [{string.Join(", ", _model.Config.InputShape)}].");
    }
}
