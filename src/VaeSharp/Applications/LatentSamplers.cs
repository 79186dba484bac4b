using System.Globalization;
using System.Security.Cryptography;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.IO;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Applications;

/// <summary>
/// Makes the samplers of a run, fitting them on first use and keeping them in the run folder:
/// <c>RUN/samplers/gmm-{K}.safetensors</c> (the mixture) and <c>RUN/samplers/posterior.safetensors</c> (every training
/// example's μ and log σ², and for a conditional model its label). For a conditional model both are per class: one
/// mixture per class (tensors <c>class{c}.weights</c>, ...), and draws for class y among the examples of class y. Each file records the SHA-256 of the <c>model.safetensors</c> it was fitted to; a model
/// trained further or replaced makes the sampler be fitted again.
/// </summary>
public static class LatentSamplers
{
    /// <summary>The folder inside a run that holds the fitted samplers.</summary>
    public const string Folder = "samplers";

    /// <summary>The default number of mixture components (pythae's default: 10).</summary>
    public const int DefaultComponents = 10;

    /// <summary>The most mixture components.</summary>
    public const int MaxComponents = 1000;

    /// <summary>The sampler of <paramref name="kind"/> for the model of the run at <paramref name="runPath"/>: loaded from
    /// the run folder when it was fitted to this model, else fitted on <paramref name="train"/> and saved.</summary>
    /// <param name="runPath">The run folder (its model.safetensors identifies the model).</param>
    /// <param name="model">The run's model.</param>
    /// <param name="kind">Which sampler.</param>
    /// <param name="train">Gives the training set, only when a fit is needed (loading data costs time).</param>
    /// <param name="components">K of the mixture.</param>
    /// <param name="trainLimit">Fit on the first N training examples only (a run trained with a limit), or null for all.</param>
    /// <returns>The sampler, whether it was fitted now, and its file (null for the prior, which needs none).</returns>
    /// <exception cref="ArgumentException">Bad components, or a family whose posterior the sampler cannot use.</exception>
    public static (LatentSampler Sampler, bool Fitted, string? File) Open(string runPath, LatentVariableModel model, SamplerKind kind,
        Func<IDataset> train, int components = DefaultComponents, int? trainLimit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runPath);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        if (kind == SamplerKind.Normal) return (new PriorSampler(model), false, null);
        if (components is < 1 or > MaxComponents) throw new ArgumentException($"components {components}: expected 1 to {MaxComponents}.");
        string modelHash = ModelHash(runPath);
        string folder = Path.Combine(runPath, Folder);
        string file = Path.Combine(folder, kind == SamplerKind.Gmm ? $"gmm-{components}.safetensors" : "posterior.safetensors");
        if (File.Exists(file))
        {
            // A file fitted to another model, or damaged, is fitted again (and replaced).
            LatentSampler? stored = null;
            try { stored = TryLoad(file, kind, modelHash, model); }
            catch (FileFormatException) { }
            if (stored is not null) return (stored, false, file);
        }
        var data = train();
        var metadata = new Dictionary<string, string>
        {
            ["model_sha256"] = modelHash,
            ["data"] = data.Name,
            ["examples"] = Math.Min(trainLimit ?? data.Count, data.Count).ToString(CultureInfo.InvariantCulture),
        };
        LatentSampler sampler;
        Directory.CreateDirectory(folder);
        int d = model.LatentDim;
        var (means, logVars, n) = EncodeAll(model, data, trainLimit, withLogVars: kind == SamplerKind.Posterior);
        int[]? labels = model.IsConditional ? BatchLoader.Labels(data, Enumerable.Range(0, n).ToArray()) : null;
        if (kind == SamplerKind.Gmm && labels is null)
        {
            var mixture = GaussianMixture.Fit(means, n, d, components, RngStreams.Create(model.Config.Seed, RngStream.SamplerFit));
            mixture.Save(file, metadata);
            sampler = new MixtureSampler(mixture);
        }
        else if (kind == SamplerKind.Gmm)
        {
            var rng = RngStreams.Create(model.Config.Seed, RngStream.SamplerFit);
            var mixtures = new GaussianMixture[model.ClassCount];
            var tensors = new List<SafeTensor>();
            for (int c = 0; c < mixtures.Length; c++)
            {
                var members = Enumerable.Range(0, n).Where(i => labels![i] == c).ToArray();
                if (members.Length < components)
                    throw new ArgumentException($"Class {c} has {members.Length} training examples, fewer than the {components} mixture components; give --components {Math.Max(1, members.Length)} or less.");
                var points = new float[(long)members.Length * d];
                for (int j = 0; j < members.Length; j++) means.AsSpan(members[j] * d, d).CopyTo(points.AsSpan(j * d));
                mixtures[c] = GaussianMixture.Fit(points, members.Length, d, components, rng.Fork((ulong)c));
                tensors.AddRange(mixtures[c].ToTensors($"class{c}."));
                foreach (var (key, value) in mixtures[c].FitMetadata($"class{c}.")) metadata[key] = value;
            }
            metadata["kind"] = "gaussian-mixture-per-class";
            metadata["classes"] = mixtures.Length.ToString(CultureInfo.InvariantCulture);
            SafeTensorsFile.Write(file, tensors, metadata);
            sampler = new MixtureSampler(mixtures);
        }
        else
        {
            metadata["kind"] = "aggregate-posterior";
            List<SafeTensor> tensors = [new SafeTensor("means", [n, d], means), new SafeTensor("log_vars", [n, d], logVars!)];
            if (labels is not null) tensors.Add(new SafeTensor("labels", [n], [.. labels.Select(l => (float)l)]));
            SafeTensorsFile.Write(file, tensors, metadata);
            sampler = new PosteriorSampler(means, logVars!, n, d, labels, model.ClassCount);
        }
        return (sampler, true, file);
    }

    /// <summary>The posterior means (and, when asked, log-variances) of the first <paramref name="limit"/> examples of
    /// <paramref name="data"/>, count × latent dim each, in example order.</summary>
    /// <exception cref="ArgumentException">Log-variances asked of a family whose posterior is not a diagonal Gaussian.</exception>
    public static (float[] Means, float[]? LogVars, int Count) EncodeAll(LatentVariableModel model, IDataset data, int? limit, bool withLogVars)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        int n = Math.Min(limit ?? data.Count, data.Count), d = model.LatentDim;
        if (n < 1) throw new ArgumentException($"Data set {data.Name} has no examples to fit a sampler on.");
        var means = new float[(long)n * d];
        var logVars = withLogVars ? new float[(long)n * d] : null;
        Inference.ForEachBatch(model, data, (batch, start) =>
        {
            var q = model.Encode(batch);
            q.Mean.Data.CopyTo(means.AsSpan(start * d));
            if (logVars is not null)
            {
                if (q is not DiagonalGaussian g)
                    throw new ArgumentException($"The aggregate-posterior sampler needs a diagonal Gaussian posterior; this {model.Description}'s is a {q.GetType().Name}.");
                g.LogVar.Data.CopyTo(logVars.AsSpan(start * d));
            }
        }, limit: n);
        return (means, logVars, n);
    }

    /// <summary>The SHA-256 (hex) of the run's model.safetensors: which model a fitted sampler or a saved direction belongs to.</summary>
    /// <exception cref="FileFormatException">The run has no model file.</exception>
    public static string ModelHash(string runPath)
    {
        string file = Path.Combine(runPath, Serialization.RunFolder.ModelFile);
        if (!File.Exists(file)) throw new FileFormatException(file, "file not found (is this a run folder written by 'vae train'?)");
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static LatentSampler? TryLoad(string file, SamplerKind kind, string modelHash, LatentVariableModel model)
    {
        int latentDim = model.LatentDim;
        var content = SafeTensorsFile.Read(file);
        if (!content.Metadata.TryGetValue("model_sha256", out var h) || h != modelHash) return null;
        try
        {
            if (kind == SamplerKind.Gmm)
            {
                var mixtures = model.IsConditional
                    ? Enumerable.Range(0, model.ClassCount).Select(c => GaussianMixture.FromTensors(content, file, $"class{c}.")).ToArray()
                    : [GaussianMixture.FromTensors(content, file)];
                if (mixtures.Any(m => m.Dimension != latentDim)) throw new ArgumentException($"a mixture of dimension {mixtures[0].Dimension}; the model's latent dimension is {latentDim}");
                return model.IsConditional ? new MixtureSampler(mixtures) : new MixtureSampler(mixtures[0]);
            }
            if (!content.TryGet("means", out var m) || !content.TryGet("log_vars", out var l) || m.Shape.Length != 2 || m.Shape[1] != latentDim
                || !m.Shape.SequenceEqual(l.Shape))
                throw new ArgumentException($"expected tensors means and log_vars of shape [n, {latentDim}]");
            int[]? labels = null;
            if (model.IsConditional)
            {
                if (!content.TryGet("labels", out var y) || y.Shape.Length != 1 || y.Shape[0] != m.Shape[0])
                    throw new ArgumentException($"expected a tensor labels of shape [{m.Shape[0]}] for the conditional model");
                labels = [.. y.Data.Select(v => (int)v)];
            }
            return new PosteriorSampler(m.Data, l.Data, m.Shape[0], latentDim, labels, model.ClassCount);
        }
        catch (ArgumentException e)
        {
            throw new FileFormatException(file, e.Message, e);
        }
    }
}
