using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
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
/// same numbers. An epoch can be stopped between steps and continued later, also in another process from a
/// <see cref="TrainerState"/> (<see cref="CaptureState"/>, <see cref="RestoreState"/>): the result is the same to the bit.
/// A non-finite loss or gradient stops the step before the optimiser touches the weights
/// (<see cref="TrainingDivergedException"/>). <see cref="TrainingRun"/> drives it for a run folder.
/// </summary>
public sealed class Trainer
{
    private const int NormHistory = 8;
    private readonly LatentVariableModel _model;
    private readonly RandomGenerator _shuffle, _binarize, _noise;
    private readonly Applications.NoiseSpec? _trainNoise;
    private readonly ILearningRateSchedule _lr;
    private readonly float[] _norms = new float[NormHistory];
    private TrainingObjective? _objective;
    private long _step;
    private int _epochsCompleted;
    // The epoch in progress, if any: its order, how far it got, its sums and time so far.
    private int[]? _order;
    private int _epochStep;
    private RandomState _shuffleAtEpochStart;
    private LossSummary.Accumulator? _partial;
    private double _partialSeconds;
    private float _lrScale = 1f;
    private int _normsKnown;              // entries of _norms from steps taken in this process since the last restore
    private readonly Stopwatch _epochClock = new();
    private float[]? _bufferBackup;       // skip-batch: batch-norm statistics before the forward pass
    private int _rollbacks;
    private long _skipped;

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
        _trainNoise = options.TrainNoise is string noise ? Applications.NoiseSpec.Parse(noise) : null;
    }

    /// <summary>The options in use.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public LatentVariableModel Model => _model;

    /// <summary>The optimiser (Adam).</summary>
    public Adam Optimizer { get; }

    /// <summary>Training steps taken so far.</summary>
    public long Step => _step;

    /// <summary>Epochs finished so far.</summary>
    public int EpochsCompleted => _epochsCompleted;

    /// <summary>True between a stopped step and the end of its epoch.</summary>
    public bool EpochInProgress => _order is not null;

    /// <summary>The objective (made on the first epoch, when the run's length in steps is known).</summary>
    public TrainingObjective Objective(int trainCount) =>
        _objective ??= TrainingObjective.Create(Options.Objective, (long)StepsPerEpoch(trainCount) * Math.Max(1, Options.Epochs), trainCount, _model);

    /// <summary>Steps in an epoch over <paramref name="trainCount"/> examples.</summary>
    public int StepsPerEpoch(int trainCount) => (trainCount + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (1-based): the schedule's, times <see cref="LearningRateScale"/>.</summary>
    public float LearningRateAt(int epoch) => _lrScale == 1f ? _lr.LearningRate(epoch - 1) : _lr.LearningRate(epoch - 1) * _lrScale;

    /// <summary>The factor on the schedule's learning rate: 1, halved by each rollback.</summary>
    public float LearningRateScale => _lrScale;

    /// <summary>Rollbacks taken so far (<see cref="NonFinitePolicy.Rollback"/>).</summary>
    public int Rollbacks => _rollbacks;

    /// <summary>Batches skipped so far for a non-finite loss or gradient (<see cref="NonFinitePolicy.SkipBatch"/>).</summary>
    public long SkippedBatches => _skipped;

    /// <summary>After a rollback to a checkpoint: halve the learning rate and count it.</summary>
    /// <exception cref="InvalidOperationException">No rollbacks are left.</exception>
    public void HalveLearningRateForRollback()
    {
        if (_rollbacks >= Options.MaxRollbacks) throw new InvalidOperationException($"All {Options.MaxRollbacks} rollbacks are used.");
        _rollbacks++;
        _lrScale *= 0.5f;
    }

    /// <summary>Runs the next epoch (or the rest of the one in progress) over <paramref name="train"/>, then evaluates on <paramref name="test"/> (if given).</summary>
    /// <param name="epoch">The epoch number (1-based): the one after the last completed.</param>
    /// <param name="train">The training set (shuffled each epoch).</param>
    /// <param name="test">The test set, or null to skip evaluation.</param>
    /// <param name="progress">Called after each step with (steps done, steps in the epoch, running loss).</param>
    public EpochReport TrainEpoch(int epoch, IDataset train, IDataset? test, Action<int, int, double>? progress = null) =>
        ContinueEpoch(epoch, train, test, stop: null, progress)!;

    /// <summary>As <see cref="TrainEpoch"/>, asking <paramref name="stop"/> after each step: true stops the epoch there, and
    /// a later call (or a trainer restored from <see cref="CaptureState"/>) continues it.</summary>
    /// <returns>The epoch's figures, or null when <paramref name="stop"/> stopped it.</returns>
    public EpochReport? ContinueEpoch(int epoch, IDataset train, IDataset? test, Func<bool>? stop, Action<int, int, double>? progress = null)
    {
        if (epoch != _epochsCompleted + 1) throw new ArgumentException($"Epoch {epoch}: the next epoch to train is {_epochsCompleted + 1}.");
        if (train.Count == 0) throw new ArgumentException($"Data set {train.Name}: the training set is empty.");
        BatchLoader.CheckFits(train, _model);
        if (test is not null) BatchLoader.CheckFits(test, _model);
        _model.Train();
        _epochClock.Restart();
        var sw = _epochClock;
        int n = train.Count, batchSize = Options.BatchSize;
        int steps = StepsPerEpoch(n);
        var objective = Objective(n);
        if (_order is null) BeginEpoch(n, objective);
        else if (_order.Length != n) throw new ArgumentException($"Data set {train.Name} has {n} examples; the epoch in progress was over {_order.Length}.");
        float lr = LearningRateAt(epoch);
        Optimizer.LearningRate = lr;
        var totals = _partial!;
        var binarize = Options.Binarize == Binarization.Dynamic ? _binarize : null;
        var parameters = _model.Parameters();
        for (int s = _epochStep; s < steps; s++)
        {
            int start = s * batchSize, count = Math.Min(batchSize, n - start);
            using (TensorScope.Begin())
            {
                var batch = BatchLoader.Load(train, _order.AsSpan(start, count), _model.IsConditional, binarize);
                if (_trainNoise is not null)
                {
                    // The denoising VAE: encode a corrupted copy, score the clean batch. The draws are a function of the step,
                    // so a resumed run corrupts as the uninterrupted one did.
                    var corrupted = Engine.Tensors.Tensor.FromArray(batch.X.Data, batch.X.Shape.ToArray());
                    _trainNoise.Apply(corrupted.Data, RngStreams.Create(Options.Seed, RngStream.Corruption).Fork((ulong)_step));
                    batch = batch with { X = corrupted, Target = batch.X };
                }
                if (Options.OnNonFinite == NonFinitePolicy.SkipBatch) BackUpBuffers();
                var loss = objective.Compute(_model, batch, _noise, _step);
                bool finite = float.IsFinite(loss.Total.Item());
                if (!finite && Options.OnNonFinite != NonFinitePolicy.SkipBatch) throw Diverged(epoch, loss, null, lr);
                float norm = float.NaN;
                if (finite)
                {
                    Optimizer.ZeroGrad();
                    loss.Total.Backward();
                    norm = Options.ClipGradNorm is float max ? GradientClipping.ClipNorm(parameters, max) : TensorPrimitives.Norm(parameters.Gradients);
                    finite = float.IsFinite(norm);
                    if (!finite && Options.OnNonFinite != NonFinitePolicy.SkipBatch) throw Diverged(epoch, loss, norm, lr);
                }
                if (finite)
                {
                    _norms[_step % NormHistory] = norm;
                    _normsKnown++;
                    Optimizer.Step();
                    totals.Add(loss, count);
                }
                else
                {
                    // skip-batch: no update and nothing added to the epoch's figures (the forward pass's batch-norm
                    // statistics are put back); the step still counts, so the schedules and the noise streams go on.
                    RestoreBuffers();
                    _skipped++;
                    _normsKnown = 0;
                }
                _step++;
            }
            _epochStep = s + 1;
            progress?.Invoke(s + 1, steps, totals.RunningLoss);
            if (s + 1 < steps && stop?.Invoke() == true)
            {
                _partialSeconds += sw.Elapsed.TotalSeconds;
                sw.Stop();
                return null;
            }
        }
        double seconds = _partialSeconds + sw.Elapsed.TotalSeconds;
        sw.Stop();
        if (totals.Count == 0)
            throw new TrainingDivergedException($"training diverged in epoch {epoch}: every batch's loss or gradient was non-finite and skipped (--on-nonfinite skip-batch). " +
                $"Try a lower learning rate (--lr {(lr / 10).ToString(CultureInfo.InvariantCulture)}).", _step, epoch);
        var result = totals.Result();
        _order = null;
        _partial = null;
        _epochStep = 0;
        _partialSeconds = 0;
        _epochsCompleted = epoch;
        var statistics = _model is IEpochStatistics family ? family.TakeEpochStatistics() : [];
        var testSummary = test is null ? null : LossEvaluation.Evaluate(_model, test, Options.Binarize, Options.Seed);
        return new EpochReport(epoch, result.Loss, result.Terms, testSummary, seconds, n / seconds, lr) { Statistics = statistics };
    }

    private void BeginEpoch(int n, TrainingObjective objective)
    {
        _shuffleAtEpochStart = _shuffle.State;
        _order = new int[n];
        for (int i = 0; i < n; i++) _order[i] = i;
        _shuffle.Shuffle(_order.AsSpan());
        _partial = new LossSummary.Accumulator(objective.TermNames(_model));
        _epochStep = 0;
        _partialSeconds = 0;
    }

    private void BackUpBuffers()
    {
        var buffers = _model.NamedBuffers().ToList();
        if (buffers.Count == 0) return;
        _bufferBackup ??= new float[buffers.Sum(b => b.Tensor.Size)];
        int at = 0;
        foreach (var (_, t) in buffers) { t.Data.CopyTo(_bufferBackup.AsSpan(at)); at += t.Size; }
    }

    private void RestoreBuffers()
    {
        if (_bufferBackup is null) return;
        int at = 0;
        foreach (var (_, t) in _model.NamedBuffers()) { _bufferBackup.AsSpan(at, t.Size).CopyTo(t.Data); at += t.Size; }
    }

    /// <summary>Where training stands, for a checkpoint (with the model's weights and <see cref="Optimizer"/>'s state).</summary>
    public TrainerState CaptureState()
    {
        var (loss, terms, count) = _partial?.Sums ?? (0, [], 0);
        // Mid-epoch (a timed checkpoint between steps) the epoch's clock is running: include it.
        double seconds = _order is null ? 0 : _partialSeconds + (_epochClock.IsRunning ? _epochClock.Elapsed.TotalSeconds : 0);
        return new TrainerState(_step, _epochsCompleted, _epochStep, _order is null ? null : _shuffleAtEpochStart,
            _shuffle.State, _binarize.State, _noise.State, loss, terms, count, seconds, _lrScale, _rollbacks, _skipped);
    }

    /// <summary>Continues from <paramref name="state"/>; the epoch in progress (if any) is over <paramref name="train"/>, which must be the data set it started on.</summary>
    /// <exception cref="InvalidDataException">The state does not fit this trainer or data set.</exception>
    public void RestoreState(TrainerState state, IDataset train)
    {
        ArgumentNullException.ThrowIfNull(state);
        // Every step is one batch of the same data: the counters agree with each other and with the data set (a
        // batch skipped for a non-finite loss counts as a step but adds no examples to the epoch's sums).
        int steps = StepsPerEpoch(train.Count);
        bool inProgress = state.ShuffleAtEpochStart is not null;
        long examplesSoFar = Math.Min((long)state.EpochStep * Options.BatchSize, train.Count);
        if (state.Step < 0 || state.EpochsCompleted < 0 || state.EpochStep < 0 || state.EpochStep > steps
            || state.Step != (long)state.EpochsCompleted * steps + state.EpochStep
            || (!inProgress && (state.EpochStep != 0 || state.PartialCount != 0))
            || (inProgress && (state.PartialCount > examplesSoFar || (state.SkippedBatches == 0 && state.PartialCount != examplesSoFar))))
            throw new InvalidDataException($"Trainer state: step {state.Step}, epoch {state.EpochsCompleted}, epoch step {state.EpochStep}, {state.PartialCount} examples in the epoch so far do not fit {train.Count} examples in batches of {Options.BatchSize}.");
        if (!state.Shuffle.IsValid() || !state.Binarize.IsValid() || !state.Noise.IsValid() || state.ShuffleAtEpochStart?.IsValid() == false)
            throw new InvalidDataException("Trainer state: a random stream is in a position no generator can be in.");
        if (!(state.LearningRateScale > 0f && state.LearningRateScale <= 1f) || state.Rollbacks < 0 || state.SkippedBatches < 0)
            throw new InvalidDataException($"Trainer state: learning-rate scale {state.LearningRateScale}, {state.Rollbacks} rollbacks, {state.SkippedBatches} skipped batches are out of range.");
        _step = state.Step;
        _epochsCompleted = state.EpochsCompleted;
        _lrScale = state.LearningRateScale;
        _normsKnown = 0;
        _rollbacks = state.Rollbacks;
        _skipped = state.SkippedBatches;
        _order = null;
        _partial = null;
        if (state.ShuffleAtEpochStart is RandomState atStart)
        {
            _shuffle.State = atStart;
            BeginEpoch(train.Count, Objective(train.Count));   // the same order as the epoch drew
            _partial!.Restore(state.PartialLoss, state.PartialTerms, state.PartialCount);
            _epochStep = state.EpochStep;
            _partialSeconds = state.PartialSeconds;
        }
        _shuffle.State = state.Shuffle;
        _binarize.State = state.Binarize;
        _noise.State = state.Noise;
    }

    // The diagnosis of a non-finite loss (norm null) or gradient, before the optimiser has touched the weights.
    private TrainingDivergedException Diverged(int epoch, ModelLoss loss, float? norm, float lr)
    {
        var inv = CultureInfo.InvariantCulture;
        string what;
        if (norm is null)
        {
            var bad = loss.Terms.FirstOrDefault(t => !float.IsFinite(t.Value.Item()));
            what = bad.Name is null ? $"the loss is {loss.Total.Item().ToString(inv)} (its terms are finite)" : $"the loss term '{bad.Name}' is {bad.Value.Item().ToString(inv)}";
        }
        else
        {
            var first = _model.Parameters().Entries.FirstOrDefault(e => e.Tensor.Grad is { } g && g.ToArray().Any(v => !float.IsFinite(v)));
            what = first.Name is null ? $"the gradient norm is {norm.Value.ToString(inv)}" : $"the gradient of '{first.Name}' is not finite (norm {norm.Value.ToString(inv)})";
        }
        int known = Math.Min(_normsKnown, NormHistory);
        var history = Enumerable.Range(0, known).Select(i => _norms[(_step - known + i) % NormHistory].ToString("G4", inv));
        string clip = Options.ClipGradNorm is null ? " or clip gradients (--clip-grad 10)" : "";
        return new TrainingDivergedException(
            $"training diverged at step {_step} (epoch {epoch}): {what}. The weights are those before this step. " +
            $"Learning rate {lr.ToString(inv)}; gradient norms of the last {known} steps: {(known == 0 ? "none" : string.Join(", ", history))}. " +
            $"Try a lower learning rate (--lr {(lr / 10).ToString(inv)}){clip}.", _step, epoch);
    }
}
