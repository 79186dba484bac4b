using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// All parameters of a model in one contiguous array, and all their gradients in another, so the
/// optimiser is one flat loop and saving is one write (DESIGN.md, "Memory"). Each parameter tensor
/// becomes a view into <see cref="Values"/>, its gradient a view into <see cref="Gradients"/>.
/// </summary>
public sealed class ParameterBuffer
{
    private readonly float[] _values;
    private readonly float[] _grads;

    private ParameterBuffer(IReadOnlyList<(string Name, Tensor Tensor)> parameters, float[] values, float[] grads)
    {
        Entries = parameters;
        _values = values;
        _grads = grads;
    }

    internal static ParameterBuffer Pack(IReadOnlyList<(string Name, Tensor Tensor)> parameters)
    {
        long total = parameters.Sum(p => (long)p.Tensor.Size);
        if (total > int.MaxValue) throw new InvalidOperationException($"{total} parameters do not fit one buffer.");
        foreach (var (name, t) in parameters)
            if (t.PackedBy is not null)
                throw new InvalidOperationException($"Parameter '{name}' already lives in another module's parameter buffer; call Parameters() once, on the outermost module.");
        var values = new float[total];
        var grads = new float[total];
        int offset = 0;
        foreach (var (_, t) in parameters)
        {
            t.Rebind(values, offset);
            t.Grad = new Tensor(grads, offset, t.ShapeArray);
            offset += t.Size;
        }
        var buffer = new ParameterBuffer(parameters, values, grads);
        foreach (var (_, t) in parameters) t.PackedBy = buffer;
        return buffer;
    }

    /// <summary>The parameters (name, tensor) in buffer order.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Entries { get; }

    /// <summary>Number of values.</summary>
    public int Count => _values.Length;

    /// <summary>All parameter values.</summary>
    public Span<float> Values => _values;

    /// <summary>All gradients, aligned with <see cref="Values"/>.</summary>
    public Span<float> Gradients => _grads;

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad() => Array.Clear(_grads);
}
