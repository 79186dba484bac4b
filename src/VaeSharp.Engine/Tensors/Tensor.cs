using System.Globalization;
using System.Text;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tensors;

/// <summary>
/// A float32 tensor: a shape, contiguous row-major storage and an optional gradient.
/// Images are NCHW. Views share storage only where that is free (reshape, leading rows);
/// every other op copies.
/// </summary>
/// <remarks>
/// Differentiable ops live in <see cref="Ops"/> (and the arithmetic operators here). A tensor whose
/// <see cref="RequiresGrad"/> is set records the ops that use it; <see cref="Backward"/> on a scalar
/// result fills <see cref="Grad"/> of every tensor it depends on.
/// </remarks>
public sealed partial class Tensor
{
    private float[] _storage;
    private int _offset;
    private readonly int[] _shape;
    private readonly bool _ownsPooledStorage;
    private bool _released;

    // Autograd node: the op that produced this tensor, its inputs and what its backward needs.
    internal Action<Tensor>? BackwardFn;
    internal Tensor? In0, In1, In2;
    internal Tensor[]? Inputs;
    internal object? Saved;
    internal int IntArg;
    internal float FloatArg;
    internal int VisitEpoch;

    // The parameter buffer this tensor's storage belongs to, once packed (Module.Parameters()).
    internal object? PackedBy;

    internal Tensor(float[] storage, int offset, int[] shape, bool ownsPooledStorage = false)
    {
        _storage = storage;
        _offset = offset;
        _shape = shape;
        Size = ShapeUtil.Product(shape);
        _ownsPooledStorage = ownsPooledStorage;
        IsPooled = ownsPooledStorage;
    }

    /// <summary>The shape, outermost dimension first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    internal int[] ShapeArray => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>Size of dimension <paramref name="axis"/>; negative counts from the end.</summary>
    public int Dim(int axis) => _shape[ShapeUtil.NormalizeAxis(axis, _shape.Length)];

    /// <summary>The values, row-major.</summary>
    public Span<float> Data
    {
        get
        {
            if (_released) ThrowReleased();
            return new Span<float>(_storage, _offset, Size);
        }
    }

    internal float[] Storage => _storage;

    // Moves this tensor's values into `storage` at `offset` (parameter packing); the tensor becomes a view there.
    internal void Rebind(float[] storage, int offset)
    {
        Data.CopyTo(storage.AsSpan(offset, Size));
        _storage = storage;
        _offset = offset;
    }
    internal int Offset => _offset;

    /// <summary>True when the storage came from a <see cref="TensorScope"/> and goes back when it ends.</summary>
    internal bool IsPooled { get; init; }

    /// <summary>Whether gradients flow to this tensor. Set it on leaves (parameters, inputs to optimise).</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient, same shape as this tensor; null until a backward pass reaches it.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True for tensors not produced by a recorded op (data, parameters).</summary>
    public bool IsLeaf => BackwardFn is null;

    /// <summary>Optional name (parameters carry their state_dict name here).</summary>
    public string? Name { get; set; }

    private static void ThrowReleased() =>
        throw new ObjectDisposedException(nameof(Tensor), "This tensor belonged to a TensorScope that has ended; copy values out before the scope is disposed.");

    internal void Release()
    {
        if (_released) return;
        _released = true;
        if (_ownsPooledStorage) BufferPool.Return(_storage);
        _storage = [];
        if (Grad is { IsPooled: true } g) g.Release();
        BackwardFn = null; In0 = In1 = In2 = null; Inputs = null; Saved = null;
    }

    // ---- creation ----

    /// <summary>Uninitialised storage: pooled inside a <see cref="TensorScope"/>, a new array otherwise.</summary>
    internal static Tensor Empty(int[] shape)
    {
        int size = ShapeUtil.Product(shape);
        if (TensorScope.IsActive)
        {
            var t = new Tensor(BufferPool.Rent(size), 0, shape, ownsPooledStorage: true);
            TensorScope.Track(t);
            return t;
        }
        return new Tensor(new float[size], 0, shape);
    }

    internal static Tensor EmptyLike(Tensor t) => Empty(t._shape);

    internal static Tensor ZerosInternal(int[] shape)
    {
        var t = Empty(shape);
        if (t.IsPooled) t.Data.Clear();
        return t;
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => ZerosInternal(ShapeUtil.Validate(shape));

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(ShapeUtil.Validate(shape));
        t.Data.Fill(value);
        return t;
    }

    /// <summary>A scalar (shape []).</summary>
    public static Tensor Scalar(float value) => Full(value);

    /// <summary>A tensor holding a copy of <paramref name="values"/> in the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        ShapeUtil.Validate(shape);
        int size = ShapeUtil.Product(shape);
        if (values.Length != size)
            throw new ArgumentException($"{values.Length} values cannot fill shape {ShapeUtil.Format(shape)} ({size} elements).", nameof(values));
        var t = Empty((int[])shape.Clone());
        values.CopyTo(t.Data);
        return t;
    }

    /// <summary>Wraps <paramref name="storage"/> without copying (changes to either show in both).</summary>
    public static Tensor Wrap(float[] storage, params int[] shape)
    {
        ShapeUtil.Validate(shape);
        if (storage.Length != ShapeUtil.Product(shape))
            throw new ArgumentException($"{storage.Length} values cannot fill shape {ShapeUtil.Format(shape)}.", nameof(storage));
        return new Tensor(storage, 0, (int[])shape.Clone());
    }

    // A view sharing `parent`'s storage. Inside a scope it is released with the scope; its gradient
    // is pooled exactly when the parent's storage is.
    internal static Tensor ViewOf(Tensor parent, int offset, int[] shape)
    {
        var t = new Tensor(parent._storage, parent._offset + offset, shape) { IsPooled = parent.IsPooled };
        if (TensorScope.IsActive) TensorScope.Track(t);
        return t;
    }

    /// <summary>Values drawn uniformly from [low, high).</summary>
    public static Tensor Uniform(RandomGenerator rng, float low, float high, params int[] shape)
    {
        var t = Empty(ShapeUtil.Validate(shape));
        rng.FillUniform(t.Data, low, high);
        return t;
    }

    /// <summary>Values drawn from N(mean, std²).</summary>
    public static Tensor Normal(RandomGenerator rng, float mean, float std, params int[] shape)
    {
        var t = Empty(ShapeUtil.Validate(shape));
        rng.FillNormal(t.Data, mean, std);
        return t;
    }

    /// <summary>Standard normal values in the shape of <paramref name="like"/>.</summary>
    public static Tensor RandnLike(RandomGenerator rng, Tensor like)
    {
        var t = Empty(like._shape);
        rng.FillNormal(t.Data);
        return t;
    }

    // ---- reading ----

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item() needs a tensor of one element; this one has shape {ShapeUtil.Format(_shape)}.");
        return Data[0];
    }

    /// <summary>A copy of the values.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary>The value at a multi-dimensional index.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[params int[] index]
    {
        get => Data[ShapeUtil.FlatIndex(_shape, index)];
        set => Data[ShapeUtil.FlatIndex(_shape, index)] = value;
    }

    /// <summary>A copy with its own storage and no autograd history (never pooled).</summary>
    public Tensor Clone()
    {
        var t = new Tensor(new float[Size], 0, (int[])_shape.Clone());
        Data.CopyTo(t.Data);
        return t;
    }

    /// <summary>The same values without autograd history; shares storage.</summary>
    public Tensor Detach()
    {
        _ = Data; // throws if released
        return ViewOf(this, 0, _shape);
    }

    // ---- autograd ----

    /// <summary>Back-propagates from this scalar: adds d(this)/d(t) into <c>t.Grad</c> for every tensor it depends on.</summary>
    public void Backward() => AutogradEngine.Backward(this);

    /// <summary>Sets <see cref="Grad"/> to zero (if present).</summary>
    public void ZeroGrad() => Grad?.Data.Clear();

    /// <summary>The span gradients are accumulated into, created (zeroed) on first use.</summary>
    internal Span<float> GradSpan()
    {
        if (Grad is null)
        {
            // A gradient lives as long as its tensor: pooled only when the tensor itself is.
            Grad = IsPooled ? ZerosInternal(_shape) : new Tensor(new float[Size], 0, _shape);
        }
        else if (Grad.Size != Size)
        {
            throw new InvalidOperationException($"Gradient shape {ShapeUtil.Format(Grad._shape)} does not match tensor shape {ShapeUtil.Format(_shape)}.");
        }
        return Grad.Data;
    }

    /// <summary>
    /// The span for a backward that writes every element of this tensor's gradient. A gradient created here
    /// is not zeroed and <paramref name="overwrite"/> is true: store into it. An existing one (a second
    /// contribution, or a second Backward) must be added to: <paramref name="overwrite"/> is false.
    /// </summary>
    /// <remarks>Saves a pass that zeroes the gradient and a read of those zeros in the first (often the only)
    /// contribution to an activation's gradient.</remarks>
    internal Span<float> GradSpanForWrite(out bool overwrite)
    {
        overwrite = Grad is null;
        if (overwrite) Grad = IsPooled ? Empty(_shape) : new Tensor(new float[Size], 0, _shape);
        return GradSpan();
    }

    /// <summary>Shape and the first values, e.g. <c>Tensor[2, 3] requires_grad [0.1, 0.2, 0.3, 0.4, ...]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Tensor").Append(ShapeUtil.Format(_shape));
        if (RequiresGrad) sb.Append(" requires_grad");
        if (_released) return sb.Append(" (released)").ToString();
        sb.Append(" [");
        var data = Data;
        int shown = Math.Min(data.Length, 8);
        for (int i = 0; i < shown; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(data[i].ToString("G5", CultureInfo.InvariantCulture));
        }
        if (data.Length > shown) sb.Append(", ...");
        return sb.Append(']').ToString();
    }
}
