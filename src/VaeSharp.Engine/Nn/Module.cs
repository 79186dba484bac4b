using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>
/// Base of every network part: named parameters, buffers and submodules with PyTorch's
/// <c>state_dict</c> names (<c>encoder.fc1.weight</c>), train/eval mode, and one contiguous
/// parameter buffer (<see cref="ParameterBuffer"/>) per model.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private ParameterBuffer? _packed;

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Creates a trainable parameter named <paramref name="name"/>, initialised from <paramref name="values"/>.</summary>
    protected Tensor RegisterParameter(string name, Tensor values)
    {
        CheckName(name);
        values.RequiresGrad = true;
        values.Name = name;
        _parameters.Add((name, values));
        return values;
    }

    /// <summary>Registers state that is saved with the model but not trained (running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor values)
    {
        CheckName(name);
        values.Name = name;
        _buffers.Add((name, values));
        return values;
    }

    /// <summary>Registers a submodule; its entries are prefixed with <c>name.</c>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"Invalid module entry name '{name}'.", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}.", nameof(name));
    }

    /// <summary>Submodules, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> Children() => _children;

    /// <summary>All trainable parameters with their dotted names, depth-first in registration order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (name, t) in _parameters) yield return (prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var p in child.NamedParameters(prefix + name + ".")) yield return p;
    }

    /// <summary>All buffers with their dotted names.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, t) in _buffers) yield return (prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var b in child.NamedBuffers(prefix + name + ".")) yield return b;
    }

    /// <summary>Parameters then buffers per module, as PyTorch's <c>state_dict()</c> orders them.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateDict(string prefix = "")
    {
        foreach (var (name, t) in _parameters) yield return (prefix + name, t);
        foreach (var (name, t) in _buffers) yield return (prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var e in child.StateDict(prefix + name + ".")) yield return e;
    }

    /// <summary>Copies values into this module's parameters and buffers. Every entry must be present with the right shape.</summary>
    /// <param name="state">Name → (shape, values).</param>
    /// <param name="source">Where the values came from, for error messages (a file path).</param>
    public void LoadStateDict(IReadOnlyDictionary<string, (int[] Shape, float[] Values)> state, string source = "state dict")
    {
        var expected = StateDict().ToList();
        var missing = expected.Where(e => !state.ContainsKey(e.Name)).Select(e => e.Name).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"{source}: missing entries {string.Join(", ", missing)}.");
        var unexpected = state.Keys.Except(expected.Select(e => e.Name)).ToList();
        if (unexpected.Count > 0) throw new InvalidDataException($"{source}: unexpected entries {string.Join(", ", unexpected)}.");
        foreach (var (name, t) in expected)
        {
            var (shape, values) = state[name];
            if (!shape.AsSpan().SequenceEqual(t.Shape))
                throw new InvalidDataException($"{source}: '{name}' has shape {ShapeUtil.Format(shape)}, expected {ShapeUtil.Format(t.Shape)}.");
        }
        foreach (var (name, t) in expected) state[name].Values.CopyTo(t.Data);
    }

    /// <summary>Number of trainable values.</summary>
    public long ParameterCount() => NamedParameters().Sum(p => (long)p.Tensor.Size);

    /// <summary>Sets training mode on this module and all submodules.</summary>
    public Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    /// <summary>Evaluation mode: <c>Train(false)</c>.</summary>
    public Module Eval() => Train(false);

    /// <summary>Packs all parameters and their gradients into one contiguous buffer (done once; later calls return it).</summary>
    public ParameterBuffer Parameters() => _packed ??= ParameterBuffer.Pack(NamedParameters().ToList());

    /// <summary>Sets every parameter gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.ZeroGrad();
    }
}
