using System.Diagnostics;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Models.Priors;
using VaeSharp.Serialization;

namespace VaeSharp.Training;

/// <summary>
/// The second stage of a VQ-VAE (van den Oord et al. 2017, §3.2): encode the run's training and test sets through the trained
/// VQ-VAE once (the code grids are kept in memory), fit a <see cref="GatedPixelCnn"/> to the training grids by maximum
/// likelihood, score it on the test grids after every epoch, and save it as <c>RUN/prior/</c> with a grid of samples
/// (<c>RUN/prior/samples.png</c>). The model gets the prior as its <see cref="VqVae.CodePrior"/>.
/// </summary>
public static class PriorTraining
{
    /// <summary>The sample grid written beside the prior.</summary>
    public const string SamplesFile = "samples.png";

    /// <summary>Trains and saves the prior of the VQ-VAE run at <paramref name="runPath"/>.</summary>
    /// <param name="runPath">The run folder.</param>
    /// <param name="model">Its VQ-VAE.</param>
    /// <param name="train">The run's training set.</param>
    /// <param name="test">The run's test set.</param>
    /// <param name="request">What to build and how to train it.</param>
    /// <param name="started">Called once the grids are encoded and the network is built: (training grids, test grids, prior, seconds the encoding took).</param>
    /// <param name="epochDone">Called after each epoch.</param>
    /// <exception cref="IOException">The run has a prior and <see cref="PriorTrainingRequest.Overwrite"/> is not set.</exception>
    /// <exception cref="ArgumentException">The request is out of range, or the data does not fit the model.</exception>
    public static PriorTrainingResult Run(string runPath, VqVae model, IDataset train, IDataset test, PriorTrainingRequest request,
        Action<CodeGrids, CodeGrids, GatedPixelCnn, double>? started = null, Action<PriorEpochReport>? epochDone = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        if (PriorFolder.Exists(runPath) && !request.Overwrite)
            throw new IOException($"{PriorFolder.PathOf(runPath)} exists: the run has a prior already (--force replaces it).");
        var options = request.Training with { Seed = request.Seed };
        options.Validate();
        bool conditional = request.Conditional && train.ClassCount > 0;
        var config = new GatedPixelCnnConfig
        {
            CodebookSize = model.CodebookSize, Height = model.GridHeight, Width = model.GridWidth,
            ClassCount = conditional ? train.ClassCount : 0,
            Channels = request.Channels, Layers = request.Layers, FirstKernel = request.FirstKernel, Kernel = request.Kernel, Seed = request.Seed,
        };
        var prior = new GatedPixelCnn(config);
        var clock = Stopwatch.StartNew();
        var trainGrids = CodeGridEncoding.Encode(model, train, conditional);
        var testGrids = CodeGridEncoding.Encode(model, test, conditional);
        started?.Invoke(trainGrids, testGrids, prior, clock.Elapsed.TotalSeconds);
        clock.Restart();
        int pixels = model.InputShape.Aggregate(1, (a, b) => a * b);
        var trainer = new PriorTrainer(prior, options);
        var epochs = new List<PriorEpochReport>();
        for (int e = 1; e <= options.Epochs; e++)
        {
            var report = trainer.TrainEpoch(trainGrids, testGrids, pixels);
            epochs.Add(report);
            epochDone?.Invoke(report);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var record = new PriorRecord
        {
            Model = config, Training = options, EpochsCompleted = epochs.Count, TrainGrids = trainGrids.Count, TestGrids = testGrids.Count,
            PixelsPerGrid = pixels, TestNll = double.IsNaN(epochs[^1].TestNll) ? null : epochs[^1].TestNll, Seconds = seconds,
        };
        var previous = model.CodePrior;
        model.CodePrior = prior;
        try
        {
            PriorFolder.Save(runPath, prior, record, epochs, request.Overwrite, folder => SaveSamples(model, prior, Path.Combine(folder, SamplesFile), request.Seed));
        }
        catch
        {
            model.CodePrior = previous;
            throw;
        }
        return new PriorTrainingResult(prior, record, epochs, PriorFolder.PathOf(runPath), Path.Combine(PriorFolder.PathOf(runPath), SamplesFile));
    }

    /// <summary>Draws a grid of samples through <paramref name="model"/> (which has <paramref name="prior"/> attached): one row of 10 per
    /// class for a conditional prior, 8 × 8 otherwise; the grids come from stream <see cref="RngStream.PriorSampling"/> of <paramref name="seed"/>.</summary>
    public static void SaveSamples(VqVae model, GatedPixelCnn prior, string file, ulong seed)
    {
        int perRow = prior.Config.IsConditional ? 10 : 8, count = prior.Config.IsConditional ? prior.ClassCount * perRow : 64;
        int[]? labels = prior.Config.IsConditional ? [.. Enumerable.Range(0, count).Select(i => i / perRow)] : null;
        var codes = prior.Sample(count, RngStreams.Create(seed, RngStream.PriorSampling), labels);
        var images = Evaluation.Inference.Run(model, () => model.DecodeCodes(codes, count, labels).ToArray());
        ImageGrid.SaveExamples(file, images, count, model.InputShape, perRow);
    }
}
