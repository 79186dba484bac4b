namespace VaeSharp.Engine.IO;

// What SafeTensorsFile.Read returns: the tensors in the order their data appears in the file,
// the "__metadata__" strings, and lookup by name. Immutable once built (the float arrays are the
// caller's to use).

/// <summary>The contents of a safetensors file: its tensors in file order and its metadata.</summary>
public sealed class SafeTensorsContent
{
    private readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsContent(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, SafeTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (SafeTensor tensor in tensors) _byName.Add(tensor.Name, tensor);
    }

    /// <summary>The tensors, in the order their data appears in the file.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The tensor names, in the order their data appears in the file.</summary>
    public IEnumerable<string> Names => Tensors.Select(t => t.Name);

    /// <summary>The <c>__metadata__</c> string map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafeTensor this[string name] =>
        _byName.TryGetValue(name, out SafeTensor? tensor)
            ? tensor
            : throw new KeyNotFoundException($"No tensor named '{name}' in the file.");

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="tensor">The tensor, when found.</param>
    /// <returns>Whether a tensor with that name exists.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SafeTensor tensor) =>
        _byName.TryGetValue(name, out tensor);
}
