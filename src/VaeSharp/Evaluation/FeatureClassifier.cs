using System.Globalization;
using System.Security.Cryptography;
using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Tensors;
using VaeSharp.Serialization;

namespace VaeSharp.Evaluation;

/// <summary>
/// The small classifier whose penultimate layer is the feature space of the sample-quality scores (FID, precision and
/// recall) — the standard practice for MNIST-like data, where Inception features do not fit 28×28 digits — and whose
/// predictions say which class a sample shows. Trained with the engine on a data set's training split, once, and
/// cached under the data cache (<c>classifiers/NAME-FINGERPRINT.safetensors</c>, the fingerprint a SHA-256 of the
/// training values, labels and the architecture), with its test-set accuracy in the file's header.
/// <code>
///   images (C, H, W), H and W divisible by 4:  conv 3×3/2 C→16 + ReLU, conv 3×3/2 16→32 + ReLU, flatten,
///                                              dense → 128 + ReLU (the features), dense → classes
///   other shapes:                              dense → 256 + ReLU, dense → 128 + ReLU (the features), dense → classes
///   training: cross-entropy, Adam 1e-3, batch 128, 3 epochs; weights and order from the FeatureClassifier stream (seed 1)
/// </code>
/// </summary>
public sealed class FeatureClassifier : Module
{
    /// <summary>Width of the feature vectors.</summary>
    public const int FeatureWidth = 128;

    /// <summary>Bumped when the architecture or the training changes, so cached classifiers are retrained.</summary>
    public const string ArchitectureVersion = "feature-classifier-v1";

    /// <summary>Epochs of training.</summary>
    public const int Epochs = 3;

    private const int BatchSize = 128;
    private const ulong Seed = 1;

    private readonly Sequential _features;
    private readonly Linear _head;

    /// <summary>An untrained classifier for examples of <paramref name="exampleShape"/> and <paramref name="classCount"/> classes.</summary>
    public FeatureClassifier(int[] exampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(exampleShape);
        if (classCount < 2) throw new ArgumentException($"A classifier needs at least 2 classes; the data set has {classCount}.");
        ExampleShape = (int[])exampleShape.Clone();
        ClassCount = classCount;
        var rng = RngStreams.Create(Seed, RngStream.FeatureClassifier);
        _features = new Sequential();
        if (exampleShape is [int c, int h, int w] && h % 4 == 0 && w % 4 == 0)
        {
            _features.Add(new Conv2d(c, 16, 3, rng, stride: 2, padding: 1, activation: Activation.Relu));
            _features.Add(new Conv2d(16, 32, 3, rng, stride: 2, padding: 1, activation: Activation.Relu));
            _features.Add(new Flatten());
            _features.Add(new Linear(32 * (h / 4) * (w / 4), FeatureWidth, rng, activation: Activation.Relu));
        }
        else
        {
            int size = exampleShape.Aggregate(1, (a, b) => a * b);
            _features.Add(new Flatten());
            _features.Add(new Linear(size, 256, rng, activation: Activation.Relu));
            _features.Add(new Linear(256, FeatureWidth, rng, activation: Activation.Relu));
        }
        _head = new Linear(FeatureWidth, classCount, rng);
        RegisterModule("features", _features);
        RegisterModule("head", _head);
    }

    /// <summary>Shape of one example.</summary>
    public int[] ExampleShape { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Accuracy on the data set's test split, measured after training (NaN before).</summary>
    public double TestAccuracy { get; private set; } = double.NaN;

    /// <summary>Number of test examples <see cref="TestAccuracy"/> was measured on.</summary>
    public int TestCount { get; private set; }

    /// <summary>The cache file this classifier was loaded from or saved to, if any.</summary>
    public string? File { get; private set; }

    /// <summary>Class logits (N, classes) for a batch x (N, example shape).</summary>
    public Tensor Logits(Tensor x) => _head.Forward(_features.Forward(x));

    /// <summary>The features (count × <see cref="FeatureWidth"/>) of <paramref name="count"/> examples stored one after another.</summary>
    public float[] Features(ReadOnlySpan<float> examples, int count) => Run(examples, count, FeatureWidth, x => _features.Forward(x));

    /// <summary>The predicted class of each of <paramref name="count"/> examples stored one after another.</summary>
    public int[] Predict(ReadOnlySpan<float> examples, int count)
    {
        var logits = Run(examples, count, ClassCount, Logits);
        var predicted = new int[count];
        for (int i = 0; i < count; i++)
        {
            int best = 0;
            for (int c = 1; c < ClassCount; c++) if (logits[i * ClassCount + c] > logits[i * ClassCount + best]) best = c;
            predicted[i] = best;
        }
        return predicted;
    }

    /// <summary>The features of the first <paramref name="limit"/> examples of <paramref name="data"/> (all by default).</summary>
    public float[] Features(IDataset data, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        BatchLoader.CheckShape(data, ExampleShape);
        int n = Math.Min(limit ?? data.Count, data.Count), size = ExampleShape.Aggregate(1, (a, b) => a * b);
        var values = new float[(long)n * size];
        var index = Enumerable.Range(0, n).ToArray();
        data.CopyExamples(index, values);
        return Features(values, n);
    }

    /// <summary>The fraction of the first <paramref name="limit"/> examples of <paramref name="data"/> (all by default) classified as labelled.</summary>
    public double Accuracy(IDataset data, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        BatchLoader.CheckShape(data, ExampleShape);
        if (data.ClassCount == 0) throw new ArgumentException($"Data set {data.Name} has no labels to measure accuracy against.");
        int n = Math.Min(limit ?? data.Count, data.Count), size = ExampleShape.Aggregate(1, (a, b) => a * b), right = 0;
        if (n == 0) return double.NaN;
        var values = new float[Math.Min(n, 1000) * size];
        for (int start = 0; start < n; start += 1000)
        {
            int m = Math.Min(1000, n - start);
            var index = Enumerable.Range(start, m).ToArray();
            data.CopyExamples(index, values.AsSpan(0, m * size));
            var predicted = Predict(values.AsSpan(0, m * size), m);
            for (int i = 0; i < m; i++) if (predicted[i] == data.Label(start + i)) right++;
        }
        return (double)right / n;
    }

    /// <summary>The classifier for <paramref name="train"/>: loaded from <paramref name="cacheFolder"/> when one was trained
    /// on exactly these training values and labels, else trained (3 epochs), measured on <paramref name="test"/> and saved there.</summary>
    /// <param name="train">The training split (labelled).</param>
    /// <param name="test">The test split (labelled), for the stated accuracy.</param>
    /// <param name="cacheFolder">Where classifiers are kept (the CLI: <c>$VAESHARP_DATA/classifiers</c>).</param>
    /// <param name="progress">Told about a training run (one line per epoch), or null.</param>
    /// <returns>The classifier and whether it was trained now.</returns>
    /// <exception cref="ArgumentException">The data set has no labels, fewer than 2 classes, or the splits differ in shape.</exception>
    public static (FeatureClassifier Classifier, bool Trained) LoadOrTrain(IDataset train, IDataset test, string cacheFolder, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentException.ThrowIfNullOrEmpty(cacheFolder);
        if (train.ClassCount < 2)
            throw new ArgumentException($"Data set {train.Name} has {(train.ClassCount == 0 ? "no labels" : "one class")}; the sample-quality scores need a classifier trained on labelled data (2 classes or more).");
        BatchLoader.CheckShape(test, train.ExampleShape);
        string fingerprint = Fingerprint(train);
        string file = Path.Combine(cacheFolder, $"{SafeName(train.Name)}-{fingerprint[..16]}.safetensors");
        var classifier = new FeatureClassifier(train.ExampleShape, train.ClassCount);
        if (System.IO.File.Exists(file))
        {
            // A cached file that is damaged, of another fingerprint or without its figures is replaced by a new training.
            try
            {
                var content = SafeTensorsFile.Read(file);
                if (content.Metadata.TryGetValue("fingerprint", out var stored) && stored == fingerprint
                    && content.Metadata.TryGetValue("test_accuracy", out var accuracy) && double.TryParse(accuracy, NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                    && content.Metadata.TryGetValue("test_examples", out var examples) && int.TryParse(examples, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    ModelIO.Load(classifier, file);
                    classifier.TestAccuracy = a;
                    classifier.TestCount = n;
                    classifier.File = file;
                    return (classifier, false);
                }
            }
            catch (FileFormatException)
            {
                classifier = new FeatureClassifier(train.ExampleShape, train.ClassCount);   // a partial load is discarded
            }
        }
        classifier.Fit(train, progress);
        classifier.TestAccuracy = classifier.Accuracy(test);
        classifier.TestCount = test.Count;
        Directory.CreateDirectory(cacheFolder);
        ModelIO.Save(classifier, file, new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["producer"] = "VaeSharp",
            ["architecture"] = ArchitectureVersion,
            ["fingerprint"] = fingerprint,
            ["data"] = train.Name,
            ["train_examples"] = train.Count.ToString(CultureInfo.InvariantCulture),
            ["test_examples"] = test.Count.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = classifier.TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        });
        classifier.File = file;
        return (classifier, true);
    }

    /// <summary>Trains the classifier on <paramref name="train"/> for <see cref="Epochs"/> epochs (cross-entropy, Adam 1e-3, batch 128).</summary>
    public void Fit(IDataset train, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        BatchLoader.CheckShape(train, ExampleShape);
        if (train.ClassCount == 0 || train.ClassCount > ClassCount) throw new ArgumentException($"Data set {train.Name} has {train.ClassCount} classes; the classifier has {ClassCount}.");
        var order = RngStreams.Create(Seed, RngStream.FeatureClassifier).Fork(1);
        var parameters = Parameters();
        var adam = new Adam(parameters, 1e-3f);
        var index = Enumerable.Range(0, train.Count).ToArray();
        Train();
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            order.Shuffle(index.AsSpan());
            double total = 0;
            for (int start = 0; start < index.Length; start += BatchSize)
            {
                int n = Math.Min(BatchSize, index.Length - start);
                using (TensorScope.Begin())
                {
                    var batch = BatchLoader.Load(train, index.AsSpan(start, n), withLabels: true);
                    var loss = CrossEntropy(Logits(batch.X), batch.Labels!);
                    adam.ZeroGrad();
                    loss.Backward();
                    adam.Step();
                    total += loss.Item() * n;
                }
            }
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"feature classifier for {train.Name}: epoch {epoch}/{Epochs}, cross-entropy {total / index.Length:F4}"));
        }
        Eval();
    }

    // −(1/N) Σᵢ log softmax(logitsᵢ)[yᵢ]
    private Tensor CrossEntropy(Tensor logits, int[] labels)
    {
        var oneHot = Tensor.Zeros(labels.Length, ClassCount);
        for (int i = 0; i < labels.Length; i++) oneHot.Data[i * ClassCount + labels[i]] = 1f;
        return Ops.Sum(Ops.LogSoftmax(logits, 1) * oneHot) * (-1f / labels.Length);
    }

    private float[] Run(ReadOnlySpan<float> examples, int count, int width, Func<Tensor, Tensor> forward)
    {
        int size = ExampleShape.Aggregate(1, (a, b) => a * b);
        if (examples.Length != (long)count * size) throw new ArgumentException($"{examples.Length} values are not {count} examples of shape [{string.Join(", ", ExampleShape)}].");
        var result = new float[(long)count * width];
        var all = examples.ToArray();
        var shape = new int[ExampleShape.Length + 1];
        ExampleShape.CopyTo(shape, 1);
        Inference.Run(this, () =>
        {
            for (int start = 0; start < count; start += Inference.DefaultBatchSize)
            {
                int n = Math.Min(Inference.DefaultBatchSize, count - start);
                shape[0] = n;
                using (TensorScope.Begin())
                    forward(Tensor.FromArray(all.AsSpan(start * size, n * size), shape)).Data.CopyTo(result.AsSpan(start * width, n * width));
            }
            return 0;
        });
        return result;
    }

    // SHA-256 of the architecture version, the shape, the class count and every training value and label.
    private static string Fingerprint(IDataset train)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{ArchitectureVersion};{string.Join(",", train.ExampleShape)};{train.ClassCount};{train.Count};"));
        int size = train.ExampleShape.Aggregate(1, (a, b) => a * b), chunk = Math.Max(1, (1 << 20) / size);
        var values = new float[chunk * size];
        var labels = new int[chunk];
        for (int start = 0; start < train.Count; start += chunk)
        {
            int n = Math.Min(chunk, train.Count - start);
            var index = Enumerable.Range(start, n).ToArray();
            train.CopyExamples(index, values.AsSpan(0, n * size));
            for (int i = 0; i < n; i++) labels[i] = train.Label(start + i);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(0, n * size)));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan(0, n)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string SafeName(string name)
    {
        var chars = name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_').ToArray();
        var text = new string(chars);
        return text.Length == 0 ? "data" : text.Length > 40 ? text[..40] : text;
    }
}
