using VaeSharp.Data;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Explorer;

// A run opened for exploring: its model, the test examples on the map, the map itself, and the model calls the API
// makes, each through the session's InferenceGate (one model call at a time). Everything is read when the session
// opens: afterwards the server reads no file (the page is in the assembly), so only the run folder given at start
// is ever read. Examples must be images, (C, H, W) with C = 1 or 3, or (H, W).

/// <summary>A run's model, examples and latent map, with gated inference for the explorer's API.</summary>
public sealed class ExplorerSession : IDisposable
{
    private readonly IDataset _examples;
    private readonly CancellationTokenSource _stop = new();

    private ExplorerSession(string runPath, RunConfig config, LatentVariableModel model, IDataset examples, LatentMap map,
        IReadOnlyList<ILatentSampler> samplers, InferenceGate gate, ExplorerSessionOptions options)
    {
        RunPath = runPath;
        Config = config;
        Model = model;
        _examples = examples;
        Map = map;
        Samplers = samplers;
        Gate = gate;
        (Channels, Height, Width) = ImageShape(model.InputShape)!.Value;
        // A run with a fitted detector (vae detect --fit): every map point's anomaly score, by the threshold's score.
        Threshold = Applications.AnomalyThreshold.Load(runPath);
        if (Threshold is not null)
            AnomalyScores = Applications.AnomalyScoring.Score(model, examples, Threshold.Score == Applications.AnomalyScoreKind.Nll ? Threshold.ImportanceSamples : 0)
                .Of(Threshold.Score);
        if (options.TsnePoints > 0 && map.Count >= 2)
            Tsne = TsneLayout.Start(map, runPath, options.TsnePoints, Engine.EngineSettings.Threads, options.Warn, _stop.Token);
    }

    /// <summary>The run's anomaly threshold (<c>vae detect --fit</c>, RUN/threshold.json), or null when it has none.</summary>
    public Applications.AnomalyThreshold? Threshold { get; }

    /// <summary>With a <see cref="Threshold"/>: each map point's anomaly score by the threshold's score (seed 1, as
    /// <c>vae detect</c> scores by default), in example order; else null.</summary>
    public double[]? AnomalyScores { get; }

    /// <summary>The t-SNE view (computing in the background until <see cref="TsneLayout.Coordinates"/> is set), or null when off.</summary>
    public TsneLayout? Tsne { get; }

    /// <summary>Stops a t-SNE computation still running.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try { Tsne?.Completion.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _stop.Dispose();
    }

    /// <summary>The run folder.</summary>
    public string RunPath { get; }

    /// <summary>The run's config.json.</summary>
    public RunConfig Config { get; }

    /// <summary>The model (call it only through <see cref="Gate"/>).</summary>
    public LatentVariableModel Model { get; }

    /// <summary>The map of the examples.</summary>
    public LatentMap Map { get; }

    /// <summary>The samplers, the prior first.</summary>
    public IReadOnlyList<ILatentSampler> Samplers { get; }

    /// <summary>The gate every model call passes.</summary>
    public InferenceGate Gate { get; }

    /// <summary>Examples on the map.</summary>
    public int ExampleCount => _examples.Count;

    /// <summary>The data set's name.</summary>
    public string DataName => _examples.Name;

    /// <summary>The data set's class names, or null.</summary>
    public IReadOnlyList<string>? ClassNames => _examples.ClassCount > 0 ? _examples.ClassNames : null;

    /// <summary>The data set's number of label classes (0 without labels).</summary>
    public int DataClassCount => _examples.ClassCount;

    /// <summary>Image channels (1 or 3).</summary>
    public int Channels { get; }

    /// <summary>Image rows.</summary>
    public int Height { get; }

    /// <summary>Image columns.</summary>
    public int Width { get; }

    /// <summary>Loads the run at <paramref name="runPath"/>, its test set through <see cref="DatasetCatalog"/>, and its map (cached in the folder).</summary>
    /// <exception cref="Engine.IO.FileFormatException">The run folder is missing or malformed.</exception>
    /// <exception cref="ArgumentException">The run's examples are not images, or a limit is out of range.</exception>
    public static ExplorerSession Open(string runPath, ExplorerSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runPath);
        options ??= new ExplorerSessionOptions();
        var (config, model) = RunFolder.Load(runPath);
        if (ImageShape(model.InputShape) is null)
            throw new ArgumentException($"{runPath}: the explorer shows images, of shape (C, H, W) with 1 or 3 channels; this run's examples have shape [{string.Join(", ", model.InputShape)}].");
        if (options.TsnePoints is < 0 or 1 or > Applications.TSne.MaxPoints)
            throw new ArgumentException($"t-SNE points {options.TsnePoints}: expected 0 (none) or 2 to {Applications.TSne.MaxPoints:N0}.");
        if (options.MapLimit is int m && (m < 1 || m > ExplorerSessionOptions.MaxMapPoints))
            throw new ArgumentException($"map limit {m}: expected 1 to {ExplorerSessionOptions.MaxMapPoints:N0} examples.");
        var (_, test) = DatasetCatalog.Load(config, options.DataDir);
        int count = Math.Min(test.Count, options.MapLimit ?? Math.Min(config.TestLimit ?? test.Count, ExplorerSessionOptions.MaxMapPoints));
        IDataset examples = new FirstExamples(test, count);
        BatchLoader.CheckFits(examples, model);
        return Create(runPath, config, model, examples, options);
    }

    /// <summary>A session over a model and examples already in memory (the run folder still holds the cache).</summary>
    public static ExplorerSession Create(string runPath, RunConfig config, LatentVariableModel model, IDataset examples, ExplorerSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        options ??= new ExplorerSessionOptions();
        if (ImageShape(model.InputShape) is null)
            throw new ArgumentException($"the explorer shows images; the model's examples have shape [{string.Join(", ", model.InputShape)}].");
        var map = LatentMap.Compute(model, examples, runPath, options.UseCache, options.Warn);
        var samplers = new List<ILatentSampler> { new PriorSampler(model) };
        foreach (var s in options.Samplers)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(s.Name, "^[a-z0-9-]{1,32}$") || samplers.Any(o => o.Name == s.Name))
                throw new ArgumentException($"sampler name '{s.Name}': expected a new name of 1 to 32 lowercase letters, digits or '-'.");
            samplers.Add(s);
        }
        return new ExplorerSession(runPath, config, model, examples, map, samplers, new InferenceGate(options.MaxWaiting), options);
    }

    /// <summary>The label of example <paramref name="index"/>, or null for unlabelled data.</summary>
    public int? Label(int index) => _examples.ClassCount > 0 ? _examples.Label(index) : null;

    /// <summary>The example's posterior mean (from the map).</summary>
    public float[] Mean(int index)
    {
        var z = new float[Map.LatentDim];
        for (int u = 0; u < z.Length; u++) z[u] = Map.Means[index, u];
        return z;
    }

    /// <summary>Example <paramref name="index"/> as a PNG (no model call).</summary>
    public byte[] ExamplePng(int index)
    {
        var x = new float[Model.Config.InputSize];
        _examples.CopyExamples([index], x);
        return ImageCodec.EncodePng(ImageGrid.Compose(x, 1, Channels, Height, Width, columns: 1, padding: 0));
    }

    /// <summary>E[x | z] for <paramref name="count"/> codes (row-major), as one PNG of <paramref name="columns"/> tiles a row, edge to edge.</summary>
    public async Task<byte[]> DecodePngAsync(float[] codes, int count, int? label, int columns, CancellationToken cancel = default)
    {
        int latent = Model.LatentDim;
        int[]? labels = label is int c ? Enumerable.Repeat(c, count).ToArray() : null;
        var images = await Gate.RunAsync(() => Inference.Run(Model, () =>
        {
            using (TensorScope.Begin()) return Model.DecodeMean(Tensor.FromArray(codes, count, latent), labels).ToArray();
        }), cancel).ConfigureAwait(false);
        return ImageCodec.EncodePng(ImageGrid.Compose(images, count, Channels, Height, Width, Math.Min(columns, count), padding: 0));
    }

    /// <summary>The posterior mean E_q[z | x] of one input (C × H × W values in [0, 1]).</summary>
    public Task<float[]> EncodeAsync(float[] input, int? label, CancellationToken cancel = default)
    {
        var shape = new int[Model.InputShape.Length + 1];
        shape[0] = 1;
        Model.InputShape.CopyTo(shape, 1);
        int[]? labels = label is int c ? [c] : null;
        return Gate.RunAsync(() => Inference.Run(Model, () =>
        {
            using (TensorScope.Begin()) return Model.Encode(new Batch(Tensor.FromArray(input, shape), labels)).Mean.ToArray();
        }), cancel);
    }

    /// <summary><paramref name="count"/> codes from <paramref name="sampler"/>, drawn from the sampling stream of <paramref name="seed"/>
    /// (of class <paramref name="label"/> for a class-conditional sampler).</summary>
    public Task<float[]> SampleAsync(ILatentSampler sampler, int count, ulong seed, CancellationToken cancel = default, int? label = null) =>
        Gate.RunAsync(() => Inference.Run(Model, () => sampler.Sample(count, RngStreams.Create(seed, RngStream.Sampling), label)), cancel);

    private static (int C, int H, int W)? ImageShape(int[] shape) => shape switch
    {
        [int c, int h, int w] when c is 1 or 3 => (c, h, w),
        [int h, int w] => (1, h, w),
        _ => null,
    };

    // The first `count` examples of a data set (the test_limit of the run, or the map limit).
    private sealed class FirstExamples(IDataset data, int count) : IDataset
    {
        public string Name => data.Name;
        public int Count => count;
        public int[] ExampleShape => data.ExampleShape;
        public int ClassCount => data.ClassCount;
        public IReadOnlyList<string>? ClassNames => data.ClassNames;
        public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
        {
            foreach (int i in indices)
                if ((uint)i >= (uint)count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Examples are 0 to {count - 1}.");
            data.CopyExamples(indices, destination);
        }
        public int Label(int index) => data.Label(index);
    }
}
