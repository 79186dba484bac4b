using Microsoft.ML;
using Microsoft.ML.Data;
using VaeSharp.Data;

namespace VaeSharp.Applications;

// The baseline anomaly detector of the one-class tables: ML.NET's randomized PCA (Halko, Martinsson & Tropp 2011)
// fitted on the normal training examples' feature vectors (the flattened values), its score the distance of an
// example from the rank-r principal subspace, as ML.NET computes it. Any IDataset works: images are flattened.

/// <summary>ML.NET's RandomizedPca anomaly detector over a data set's flattened examples.</summary>
public sealed class PcaBaseline
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly int _dim;

    private PcaBaseline(MLContext ml, ITransformer model, int dim, int rank)
    {
        _ml = ml;
        _model = model;
        _dim = dim;
        Rank = rank;
    }

    /// <summary>The rank of the principal subspace.</summary>
    public int Rank { get; }

    /// <summary>Fits the detector on <paramref name="train"/> (normal examples) with a subspace of <paramref name="rank"/> dimensions.</summary>
    /// <exception cref="ArgumentException">The rank is not between 1 and the feature count.</exception>
    public static PcaBaseline Fit(IDataset train, int rank = 20, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(train);
        int dim = train.ExampleShape.Aggregate(1, (a, b) => a * b);
        if (rank < 1 || rank > dim) throw new ArgumentException($"PCA rank {rank}: expected 1 to {dim} (the feature count).");
        var ml = new MLContext(seed);
        var view = ToDataView(ml, train, dim);
        var trainer = ml.AnomalyDetection.Trainers.RandomizedPca(new Microsoft.ML.Trainers.RandomizedPcaTrainer.Options
        {
            FeatureColumnName = nameof(Row.Features), Rank = rank, Seed = seed, EnsureZeroMean = true,
        });
        return new PcaBaseline(ml, trainer.Fit(view), dim, rank);
    }

    /// <summary>The anomaly score (higher = further from the subspace) of every example of <paramref name="data"/>, in order.</summary>
    /// <exception cref="ArgumentException">The examples have another size than the training examples.</exception>
    public double[] Score(IDataset data)
    {
        int dim = data.ExampleShape.Aggregate(1, (a, b) => a * b);
        if (dim != _dim) throw new ArgumentException($"Data set {data.Name} has {dim} values per example; the PCA detector was fitted on {_dim}.");
        var scored = _model.Transform(ToDataView(_ml, data, dim));
        return [.. scored.GetColumn<float>("Score").Select(s => (double)s)];
    }

    private static IDataView ToDataView(MLContext ml, IDataset data, int dim) =>
        MlNetData.Load(ml, MlNetData.Features(data, dim).Select(f => new Row { Features = f }), dim);

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
