namespace VaeSharp.Engine.IO;

// One named float32 tensor as it is stored in a safetensors file: a name, a row-major shape and
// its elements. A plain-array carrier: it does not copy, and it checks nothing when built;
// SafeTensorsFile.Write checks that the shape matches the data before anything is written.

/// <summary>A named float32 tensor for <see cref="SafeTensorsFile"/>: row-major (C order) data with its shape.</summary>
/// <param name="Name">The tensor's name, e.g. <c>encoder.fc1.weight</c> (PyTorch <c>state_dict</c> convention).</param>
/// <param name="Shape">The dimensions, outermost first; an empty array is a scalar (one element).</param>
/// <param name="Data">The elements in row-major order; its length is the product of <paramref name="Shape"/>.</param>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data)
{
    /// <summary>The number of elements the shape describes (1 for a scalar, 0 if any dimension is 0).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int dim in Shape) count *= dim;
            return count;
        }
    }
}
