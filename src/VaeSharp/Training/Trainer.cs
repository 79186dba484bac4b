using System.Diagnostics;
using VaeSharp.Data;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Objectives;

namespace VaeSharp.Training;

/// <summary>
/// Trains a model with Adam on minibatches, one epoch at a time, and evaluates it. Each step runs in a
/// <see cref="TensorScope"/>, so steady-state steps allocate no tensor storage. Same seeds and thread count ⇒
/// same numbers. <see cref="TrainingRun"/> drives it for a run folder; use it directly for full control.
/// </summary>
public sealed class Trainer
{
    private readonly LatentVariableModel _model;
    private readonly RandomGenerator _shuffle, _binarize, _noise;
    private readonly ILearningRateSchedule _lr;
    private TrainingObjective? _objective;
    private long _step;

    /// <summary>Prepares training of <paramref name="model"/> with <paramref name="options"/>.</summary>
    public Trainer(LatentVariableModel model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        if (options.Objective.Objective == ObjectiveKind.Iwae && model.Config is IKlWeighted { Beta: not 1f } weighted)
            throw new ArgumentException($"objective iwae: the IWAE bound has no KL weight; β = {weighted.Beta} applies to the ELBO objective only.");
        _model = model;
        Options = options;
        Optimizer = new Adam(model.Parameters(), options.LearningRate, epsilon: options.AdamEpsilon);
        _lr = options.CreateLrSchedule();
        _shuffle = RngStreams.Create(options.Seed, RngStream.Shuffle);
        _binarize = RngStreams.Create(options.Seed, RngStream.TrainingBinarization);
        _noise = RngStreams.Create(options.Seed, RngStream.TrainingNoise);
    }

    /// <summary>The options in use.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public LatentVariableModel Model => _model;

    /// <summary>The optimiser (Adam).</summary>
    public Adam Optimizer { get; }

    /// <summary>Training steps taken so far.</summary>
    public long Step => _step;

    /// <summary>The objective (made on the first epoch, when the run's length in steps is known).</summary>
    public TrainingObjective Objective(int trainCount) =>
        _objective ??= TrainingObjective.Create(Options.Objective, (long)StepsPerEpoch(trainCount) * Math.Max(1, Options.Epochs));

    /// <summary>Steps in an epoch over <paramref name="trainCount"/> examples.</summary>
    public int StepsPerEpoch(int trainCount) => (trainCount + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (1-based).</summary>
    public float LearningRateAt(int epoch) => _lr.LearningRate(epoch - 1);

    /// <summary>Runs one epoch over <paramref name="train"/>, then evaluates on <paramref name="test"/> (if given).</summary>
    /// <param name="epoch">The epoch number (1-based), reported back and used for the learning rate.</param>
    /// <param name="train">The training set (shuffled each epoch).</param>
    /// <param name="test">The test set, or null to skip evaluation.</param>
    /// <param name="progress">Called after each step with (steps done, steps in the epoch, running loss).</param>
    public EpochReport TrainEpoch(int epoch, IDataset train, IDataset? test, Action<int, int, double>? progress = null)
    {
        if (train.Count == 0) throw new ArgumentException($"Data set {train.Name}: the training set is empty.");
        BatchLoader.CheckFits(train, _model);
        if (test is not null) BatchLoader.CheckFits(test, _model);
        _model.Train();
        var sw = Stopwatch.StartNew();
        int n = train.Count, batchSize = Options.BatchSize;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        _shuffle.Shuffle(order.AsSpan());
        int steps = StepsPerEpoch(n);
        var objective = Objective(n);
        float lr = LearningRateAt(epoch);
        Optimizer.LearningRate = lr;
        var totals = new LossSummary.Accumulator(objective.TermNames(_model));
        var binarize = Options.Binarize == Binarization.Dynamic ? _binarize : null;
        for (int s = 0; s < steps; s++)
        {
            int start = s * batchSize, count = Math.Min(batchSize, n - start);
            using (TensorScope.Begin())
            {
                var batch = BatchLoader.Load(train, order.AsSpan(start, count), _model.IsConditional, binarize);
                var loss = objective.Compute(_model, batch, _noise, _step++);
                Optimizer.ZeroGrad();
                loss.Total.Backward();
                Optimizer.Step();
                totals.Add(loss, count);
            }
            progress?.Invoke(s + 1, steps, totals.RunningLoss);
        }
        double seconds = sw.Elapsed.TotalSeconds;
        var result = totals.Result();
        var testSummary = test is null ? null : LossEvaluation.Evaluate(_model, test, Options.Binarize, Options.Seed);
        return new EpochReport(epoch, result.Loss, result.Terms, testSummary, seconds, n / seconds, lr);
    }
}
