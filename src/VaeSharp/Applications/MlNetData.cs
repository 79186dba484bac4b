using Microsoft.ML;
using Microsoft.ML.Data;
using VaeSharp.Data;

namespace VaeSharp.Applications;

// A data set's examples as ML.NET rows (the baselines: PcaBaseline, PixelClassifier): one float vector of the example's
// values per row, read lazily, one example at a time.
internal static class MlNetData
{
    /// <summary>The values of each example of <paramref name="data"/>, in order (<paramref name="dim"/> per example).</summary>
    public static IEnumerable<float[]> Features(IDataset data, int dim)
    {
        var index = new int[1];
        for (int i = 0; i < data.Count; i++)
        {
            index[0] = i;
            var features = new float[dim];
            data.CopyExamples(index, features);
            yield return features;
        }
    }

    /// <summary>An ML.NET view of <paramref name="rows"/>, whose <c>Features</c> column is a vector of <paramref name="dim"/> floats.</summary>
    public static IDataView Load<TRow>(MLContext ml, IEnumerable<TRow> rows, int dim) where TRow : class
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dim);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}
