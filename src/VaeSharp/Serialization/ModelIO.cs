using VaeSharp.Engine.IO;
using VaeSharp.Engine.Nn;

namespace VaeSharp.Serialization;

/// <summary>Saves and loads a module's state dict as safetensors (F32, PyTorch names and layouts).</summary>
public static class ModelIO
{
    /// <summary>Writes every parameter and buffer of <paramref name="module"/> to <paramref name="path"/> (atomically).</summary>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = module.StateDict().Select(e => new SafeTensor(e.Name, e.Tensor.Shape.ToArray(), e.Tensor.ToArray()));
        SafeTensorsFile.Write(path, tensors, metadata ?? new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "VaeSharp" });
    }

    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>; names and shapes must match exactly, and every
    /// value must be finite (training never writes a NaN or an infinity: a non-finite step stops before the weights change).</summary>
    /// <exception cref="FileFormatException">The file is missing, malformed, or does not fit the module; the message names
    /// the file and the tensor.</exception>
    public static void Load(Module module, string path)
    {
        if (!File.Exists(path)) throw new FileFormatException(path, "file not found");
        var content = SafeTensorsFile.Read(path);
        foreach (var tensor in content.Tensors)
        {
            int bad = Array.FindIndex(tensor.Data, v => !float.IsFinite(v));
            if (bad >= 0) throw new FileFormatException(path, $"tensor '{tensor.Name}': value {bad} is {tensor.Data[bad]}; a model's weights are finite numbers.");
        }
        var state = content.Tensors.ToDictionary(t => t.Name, t => (t.Shape, t.Data));
        try
        {
            module.LoadStateDict(state, path);
        }
        catch (InvalidDataException e)
        {
            throw new FileFormatException(path, WithoutSource(e.Message, path), e);
        }
    }

    // The engine's messages start with the source they were given ("<path>: ..."); the FileFormatException adds it again.
    internal static string WithoutSource(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
