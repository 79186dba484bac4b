using Microsoft.ML;
using Microsoft.ML.Data;
using VaeSharp.Data;

namespace VaeSharp.Applications;

// The small classifier of the augmentation experiment: multinomial logistic regression on the flattened values
// (ML.NET's L-BFGS maximum-entropy trainer, its defaults), trained on a labelled data set and scored by accuracy.

/// <summary>A multinomial logistic regression on a data set's flattened values (ML.NET), for measuring what augmentation buys.</summary>
public sealed class PixelClassifier
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly int _dim;

    private PixelClassifier(MLContext ml, ITransformer model, int dim)
    {
        _ml = ml;
        _model = model;
        _dim = dim;
    }

    /// <summary>Trains on <paramref name="train"/> (labelled) with ML.NET seeded by <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The data set has no labels.</exception>
    public static PixelClassifier Train(IDataset train, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.ClassCount == 0) throw new ArgumentException($"Data set {train.Name} has no labels to learn.");
        int dim = train.ExampleShape.Aggregate(1, (a, b) => a * b);
        var ml = new MLContext(seed);
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(nameof(Row.Label), nameof(Row.Features)));
        return new PixelClassifier(ml, pipeline.Fit(ToDataView(ml, train, dim)), dim);
    }

    /// <summary>The fraction of <paramref name="test"/>'s examples whose label the classifier predicts.</summary>
    public double Accuracy(IDataset test)
    {
        int dim = test.ExampleShape.Aggregate(1, (a, b) => a * b);
        if (dim != _dim) throw new ArgumentException($"Data set {test.Name} has {dim} values per example; the classifier was trained on {_dim}.");
        var metrics = _ml.MulticlassClassification.Evaluate(_model.Transform(ToDataView(_ml, test, dim)), nameof(Row.Label));
        return metrics.MicroAccuracy;
    }

    private static IDataView ToDataView(MLContext ml, IDataset data, int dim) =>
        MlNetData.Load(ml, MlNetData.Features(data, dim).Select((f, i) => new Row { Features = f, Label = (uint)data.Label(i) }), dim);

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }
}
