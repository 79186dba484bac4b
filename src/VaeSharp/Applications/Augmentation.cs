using VaeSharp.Data;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Evaluation;
using VaeSharp.Imaging;
using VaeSharp.Models;

namespace VaeSharp.Applications;

// New labelled examples from a trained model:
//   conditional model     x = E[x | z, y = c],  z ~ p(z)                           (the class is the condition)
//   unconditional model   x = E[x | z],  z = μ(x_r) + s·σ(x_r)·ε,  x_r a random real example of class c
//                         (a draw from its posterior, widened by the spread s; the label is x_r's)
// and two ways to write them that the data loaders read back: MNIST-format idx files (train-images-idx3-ubyte,
// train-labels-idx1-ubyte) and an image folder (one sub-folder per class, one PNG per example).

/// <summary>Generates labelled examples with a trained model and writes them as idx files or an image folder.</summary>
public static class Augmentation
{
    /// <summary><paramref name="perClass"/> new examples of every class of <paramref name="source"/>, class after class.</summary>
    /// <param name="model">A trained model; conditional models generate by class, others perturb real examples' posteriors.</param>
    /// <param name="source">Labelled real examples (those an unconditional model perturbs; their classes and names).</param>
    /// <param name="perClass">Examples per class.</param>
    /// <param name="rng">The draws (which real example, ε or z).</param>
    /// <param name="spread">s: the posterior's standard deviation is multiplied by it (unconditional models).</param>
    /// <exception cref="ArgumentException">The source has no labels, a class has no examples, or a count is out of range.</exception>
    public static ArrayDataset Generate(LatentVariableModel model, IDataset source, int perClass, RandomGenerator rng, float spread = 1f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (source.ClassCount == 0) throw new ArgumentException($"Data set {source.Name} has no labels; augmentation makes labelled examples.");
        if (perClass < 1) throw new ArgumentException($"count {perClass}: expected a positive number of examples per class.");
        if (!(spread >= 0) || !float.IsFinite(spread)) throw new ArgumentException($"spread {spread}: expected a number ≥ 0.");
        BatchLoader.CheckFits(source, model);
        int classes = source.ClassCount, size = source.ExampleShape.Aggregate(1, (a, b) => a * b), d = model.LatentDim;
        var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < source.Count; i++) byClass[source.Label(i)].Add(i);
        var labels = new int[classes * perClass];
        var values = new float[labels.Length * size];
        const int chunk = 500;
        Inference.Run(model, () =>
        {
            for (int c = 0; c < classes; c++)
            {
                if (!model.IsConditional && byClass[c].Count == 0) throw new ArgumentException($"Class {c} of {source.Name} has no examples to perturb.");
                for (int done = 0; done < perClass; done += chunk)
                {
                    int n = Math.Min(chunk, perClass - done), offset = c * perClass + done;
                    using var _ = TensorScope.Begin();
                    var y = Enumerable.Repeat(c, n).ToArray();
                    Tensor x;
                    if (model.IsConditional) x = model.Generate(n, rng, y);
                    else
                    {
                        var picked = new int[n];
                        for (int i = 0; i < n; i++) picked[i] = byClass[c][rng.NextInt(byClass[c].Count)];
                        var q = model.Encode(BatchLoader.Load(source, picked));
                        if (q is not Distributions.DiagonalGaussian g) throw new NotSupportedException($"Perturbing a {q.GetType().Name} posterior is not implemented.");
                        var eps = Tensor.Zeros(n, d);
                        rng.FillNormal(eps.Data, 0f, spread);
                        x = model.DecodeMean(g.Reparameterize(eps));
                    }
                    x.Data.CopyTo(values.AsSpan(offset * size, n * size));
                    Array.Fill(labels, c, offset, n);
                }
            }
            return 0;
        });
        return new ArrayDataset(source.Name + "-generated", values, source.ExampleShape, labels, classes, source.ClassNames);
    }

    /// <summary>Writes <paramref name="data"/> as MNIST-format idx files in <paramref name="folder"/>: <c>{prefix}-images-idx3-ubyte</c>
    /// (or idx4 for several channels) and <c>{prefix}-labels-idx1-ubyte</c>, values as bytes ⌊255·v + ½⌋.</summary>
    /// <returns>The two files.</returns>
    public static string[] WriteIdx(IDataset data, string folder, string prefix = "train")
    {
        var shape = data.ExampleShape;
        int size = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[data.Count * size];
        data.CopyExamples([.. Enumerable.Range(0, data.Count)], values);
        var bytes = new byte[values.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = ToByte(values[i]);
        // MNIST's images are rank 3 (N, H, W); colour images keep their channels (N, C, H, W).
        int[] dims = shape.Length == 3 && shape[0] == 1 ? [data.Count, shape[1], shape[2]] : [data.Count, .. shape];
        Directory.CreateDirectory(folder);
        string images = Path.Combine(folder, $"{prefix}-images-idx{dims.Length}-ubyte"), labelsFile = Path.Combine(folder, $"{prefix}-labels-idx1-ubyte");
        IdxFile.Write(images, dims, bytes);
        IdxFile.Write(labelsFile, [data.Count], [.. Enumerable.Range(0, data.Count).Select(i => (byte)data.Label(i))]);
        return [images, labelsFile];
    }

    /// <summary>Writes <paramref name="data"/> as an image folder: <c>folder/{class}/{index:D5}.png</c>, the class folders named by the
    /// class names (with '/' as '-') or numbers.</summary>
    /// <returns>The number of files written.</returns>
    public static int WriteImageFolder(IDataset data, string folder)
    {
        var shape = data.ExampleShape;
        if (shape.Length is not (2 or 3) || (shape.Length == 3 && shape[0] is not (1 or 3)))
            throw new ArgumentException($"Examples of shape [{string.Join(", ", shape)}] are not grey or RGB images.");
        int channels = shape.Length == 3 ? shape[0] : 1, size = shape.Aggregate(1, (a, b) => a * b);
        var one = new float[size];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyExamples([i], one);
            int label = data.Label(i);
            string name = data.ClassNames is { } names && label < names.Count ? names[label].Replace('/', '-') : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string dir = Path.Combine(folder, name);
            Directory.CreateDirectory(dir);
            ImageGrid.SavePng(Path.Combine(dir, $"{i:D5}.png"), one, 1, channels, shape[^2], shape[^1], 1, padding: 0);
        }
        return data.Count;
    }

    /// <summary>The augmentation experiment: for each seed, pick <paramref name="realPerClass"/> random training examples per class, train
    /// the <see cref="PixelClassifier"/> on them alone and on them plus <paramref name="generatedPerClass"/> generated per class (an
    /// unconditional model perturbs only the picked examples), and measure both on <paramref name="test"/>.</summary>
    /// <returns>Per seed: the test accuracy without and with the generated examples.</returns>
    public static IReadOnlyList<(ulong Seed, double Real, double Augmented)> Experiment(LatentVariableModel model, IDataset train, IDataset test,
        IReadOnlyList<ulong> seeds, int realPerClass = 100, int generatedPerClass = 1000, float spread = 1f)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.ClassCount == 0) throw new ArgumentException($"Data set {train.Name} has no labels.");
        var results = new List<(ulong, double, double)>();
        var byClass = Enumerable.Range(0, train.ClassCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < train.Count; i++) byClass[train.Label(i)].Add(i);
        int size = train.ExampleShape.Aggregate(1, (a, b) => a * b);
        foreach (ulong seed in seeds)
        {
            var rng = RngStreams.Create(seed, RngStream.ApplicationSampling);
            var picked = new List<int>();
            foreach (var members in byClass)
            {
                if (members.Count < realPerClass) throw new ArgumentException($"A class of {train.Name} has {members.Count} examples; {realPerClass} are asked for.");
                var copy = members.ToArray();
                rng.Shuffle(copy.AsSpan());
                picked.AddRange(copy.Take(realPerClass));
            }
            var real = new SubsetDataset(train, picked);
            var generated = Generate(model, real, generatedPerClass, rng, spread);
            var values = new float[(real.Count + generated.Count) * size];
            real.CopyExamples([.. Enumerable.Range(0, real.Count)], values);
            generated.CopyExamples([.. Enumerable.Range(0, generated.Count)], values.AsSpan(real.Count * size));
            var labels = Enumerable.Range(0, real.Count).Select(real.Label).Concat(Enumerable.Range(0, generated.Count).Select(generated.Label)).ToArray();
            var both = new ArrayDataset(train.Name + "-augmented", values, train.ExampleShape, labels, train.ClassCount, train.ClassNames);
            results.Add((seed, PixelClassifier.Train(real, (int)seed).Accuracy(test), PixelClassifier.Train(both, (int)seed).Accuracy(test)));
        }
        return results;
    }

    private static byte ToByte(float v) => float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(MathF.Floor(v * 255f + 0.5f), 0f, 255f);
}
