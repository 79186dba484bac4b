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

    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>; names and shapes must match exactly.</summary>
    public static void Load(Module module, string path)
    {
        if (!File.Exists(path)) throw new FileFormatException(path, "file not found");
        var content = SafeTensorsFile.Read(path);
        var state = content.Tensors.ToDictionary(t => t.Name, t => (t.Shape, t.Data));
        module.LoadStateDict(state, path); // InvalidDataException naming the file, the entry and the expected shape
    }
}
