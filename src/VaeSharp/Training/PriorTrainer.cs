using System.Diagnostics;
using System.Globalization;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models.Priors;

namespace VaeSharp.Training;

/// <summary>
/// Trains a <see cref="GatedPixelCnn"/> on grids of codes by maximum likelihood: Adam on shuffled minibatches, loss = the mean
/// over the batch of −log p(grid [| y]) in nats per grid. Each step runs in a <see cref="TensorScope"/>. Same seeds and thread
/// count ⇒ same numbers. A non-finite loss stops training before the step changes the weights.
/// </summary>
public sealed class PriorTrainer
{
    private readonly GatedPixelCnn _prior;
    private readonly Adam _adam;
    private readonly RandomGenerator _shuffle;
    private int _epochsCompleted;
    private long _step;

    /// <summary>Prepares training of <paramref name="prior"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public PriorTrainer(GatedPixelCnn prior, PriorTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _prior = prior;
        Options = options;
        _adam = new Adam(prior.Parameters(), options.LearningRate);
        _shuffle = RngStreams.Create(options.Seed, RngStream.PriorTraining).Fork(1);
    }

    /// <summary>The options in use.</summary>
    public PriorTrainingOptions Options { get; }

    /// <summary>Epochs finished so far.</summary>
    public int EpochsCompleted => _epochsCompleted;

    /// <summary>Trains one epoch over <paramref name="train"/> and then scores <paramref name="test"/> (if given).</summary>
    /// <param name="train">The training grids (labels required iff the prior is conditional).</param>
    /// <param name="test">Test grids, or null.</param>
    /// <param name="pixelsPerGrid">Values of the image a grid stands for, for bits per pixel (0 if unknown).</param>
    /// <param name="progress">Called after each step with (steps done, steps in the epoch, running mean NLL).</param>
    /// <exception cref="ArgumentException">The grids do not fit the prior.</exception>
    /// <exception cref="TrainingDivergedException">A step's loss was not finite.</exception>
    public PriorEpochReport TrainEpoch(CodeGrids train, CodeGrids? test = null, int pixelsPerGrid = 0, Action<int, int, double>? progress = null)
    {
        CheckFits(train, "training");
        if (test is not null) CheckFits(test, "test");
        if (train.Count == 0) throw new ArgumentException("The training set has no grids.");
        var clock = Stopwatch.StartNew();
        int epoch = _epochsCompleted + 1, n = train.Count, size = train.GridSize, batch = Options.BatchSize;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        _shuffle.Shuffle(order.AsSpan());
        var codes = new int[Math.Min(batch, n) * size];
        int[]? labels = _prior.Config.IsConditional ? new int[Math.Min(batch, n)] : null;
        int steps = (n + batch - 1) / batch;
        double total = 0;
        _prior.Train();
        for (int s = 0; s < steps; s++)
        {
            int start = s * batch, count = Math.Min(batch, n - start);
            for (int i = 0; i < count; i++)
            {
                train.Grid(order[start + i]).CopyTo(codes.AsSpan(i * size, size));
                if (labels is not null) labels[i] = train.Labels![order[start + i]];
            }
            using (TensorScope.Begin())
            {
                var perGrid = _prior.Loss(codes.AsSpan(0, count * size), count, labels is null ? null : count == labels.Length ? labels : labels[..count]);
                var loss = Engine.Autograd.Ops.Mean(perGrid);
                float value = loss.Item();
                if (!float.IsFinite(value))
                    throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                        $"the prior's training diverged at step {_step} (epoch {epoch}): the loss is {value}; try a lower learning rate (--lr {Options.LearningRate / 10})."), _step, epoch);
                _adam.ZeroGrad();
                loss.Backward();
                _adam.Step();
                total += (double)value * count;
            }
            _step++;
            progress?.Invoke(s + 1, steps, total / Math.Min(n, start + count));
        }
        double testNll = test is null || test.Count == 0 ? double.NaN : Evaluate(test);
        _epochsCompleted = epoch;
        return new PriorEpochReport(epoch, total / n, testNll, size, pixelsPerGrid, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Mean −log p(grid [| y]) of <paramref name="grids"/> in nats per grid (evaluation mode, no gradients).</summary>
    public double Evaluate(CodeGrids grids)
    {
        CheckFits(grids, "evaluation");
        return grids.Count == 0 ? double.NaN : _prior.NegLogLikelihood(grids.Codes, grids.Count, _prior.Config.IsConditional ? grids.Labels : null).Average();
    }

    private void CheckFits(CodeGrids grids, string what)
    {
        if (grids.Height != _prior.Height || grids.Width != _prior.Width)
            throw new ArgumentException($"The {what} grids are {grids.Height} × {grids.Width}; the prior models {_prior.Height} × {_prior.Width}.");
        if (_prior.Config.IsConditional && grids.Labels is null)
            throw new ArgumentException($"The prior is conditional on {_prior.ClassCount} classes; the {what} grids have no labels.");
    }
}
