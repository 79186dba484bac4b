namespace VaeSharp.Engine.Tensors;

/// <summary>
/// A region whose temporaries (op outputs and their gradients) take their storage from a
/// per-thread pool and give it back when the scope ends, so a training step allocates no
/// tensor storage in steady state. <c>using (TensorScope.Begin()) { loss = ...; loss.Backward(); opt.Step(); }</c>
/// </summary>
/// <remarks>
/// Tensors created inside the scope are released when it is disposed: reading one afterwards throws
/// <see cref="ObjectDisposedException"/>. Copy out what you need (<see cref="Tensor.Item"/>,
/// <see cref="Tensor.ToArray"/>, <see cref="Tensor.Clone"/> outside the scope) before it ends.
/// Tensors created outside any scope (parameters, data) are ordinary garbage-collected objects.
/// Scopes nest; each releases only what was created inside it.
/// </remarks>
public readonly struct TensorScope : IDisposable
{
    [ThreadStatic] private static List<List<Tensor>>? _frames;
    [ThreadStatic] private static int _depth;

    private readonly int _level;

    private TensorScope(int level) => _level = level;

    /// <summary>Starts a scope on the current thread.</summary>
    public static TensorScope Begin()
    {
        var frames = _frames ??= new List<List<Tensor>>();
        if (frames.Count == _depth) frames.Add(new List<Tensor>(256));
        _depth++;
        return new TensorScope(_depth);
    }

    /// <summary>True when a scope is active on this thread.</summary>
    public static bool IsActive => _depth > 0;

    internal static void Track(Tensor tensor) => _frames![_depth - 1].Add(tensor);

    /// <summary>Releases every tensor created in this scope and returns its storage to the pool.</summary>
    public void Dispose()
    {
        if (_level == 0) return;
        if (_level != _depth) throw new InvalidOperationException("Tensor scopes must be disposed in reverse order of creation.");
        var frame = _frames![_depth - 1];
        for (int i = frame.Count - 1; i >= 0; i--) frame[i].Release();
        frame.Clear();
        _depth--;
    }
}
