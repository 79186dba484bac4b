using VaeSharp.Engine.Autograd;

namespace VaeSharp.Engine.Tensors;

public sealed partial class Tensor
{
    /// <summary>Element-wise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    /// <summary>Element-wise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    /// <summary>Element-wise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    /// <summary>Element-wise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Ops.Neg(a);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, float s) => Ops.AddScalar(a, s);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(float s, Tensor a) => Ops.AddScalar(a, s);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, float s) => Ops.AddScalar(a, -s);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(float s, Tensor a) => Ops.RSubScalar(s, a);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, float s) => Ops.MulScalar(a, s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(float s, Tensor a) => Ops.MulScalar(a, s);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, float s) => Ops.MulScalar(a, 1f / s);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(float s, Tensor a) => Ops.RDivScalar(s, a);

    /// <summary>A view with a new shape (one dimension may be −1); shares storage.</summary>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);

    /// <summary>Flattens dimensions from <paramref name="startDim"/> on into one (default: keep the batch dimension).</summary>
    public Tensor Flatten(int startDim = 1) => Ops.Flatten(this, startDim);

    /// <summary>Rows [start, start+count) of the first (batch) dimension; a view that shares storage.</summary>
    public Tensor Rows(int start, int count) => Ops.Rows(this, start, count);

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Ops.Sum(this);

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Ops.Mean(this);
}
