using System.Reflection;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Names of ops for the profiler: a backward function kept in a static field is named by its field (LinearBackward →
// Linear), one defined in an op's body by that op (a lambda in MatMul → MatMul); ops that share a backward function
// add what their output records (Binary Mul, ElementwiseLoss Bce, Linear Relu).
public static partial class Ops
{
    private static readonly Dictionary<(MethodInfo, int), string> ProfileNames = new();
    private static Dictionary<MethodInfo, string>? _fieldNames;

    internal static string ProfileName(Action<Tensor> backward, Tensor output)
    {
        var method = backward.Method;
        if (ProfileNames.TryGetValue((method, output.IntArg), out var name)) return name;
        _fieldNames ??= typeof(Ops).GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(f => typeof(Delegate).IsAssignableFrom(f.FieldType) && f.GetValue(null) is Delegate)
            .ToDictionary(f => ((Delegate)f.GetValue(null)!).Method, f => f.Name);
        name = _fieldNames.TryGetValue(method, out var field) ? field : Diagnostics.OpProfiler.OpName(backward);
        if (name.EndsWith("Backward", StringComparison.Ordinal) && name.Length > 8) name = name[..^8];
        name = name switch
        {
            "Binary" => $"{(BinaryOp)output.IntArg}",
            "ElementwiseLoss" => $"{(LossKind)output.IntArg} loss",
            "Linear" when output.IntArg != 0 => $"Linear+{(Activation)output.IntArg}",
            _ => name,
        };
        ProfileNames[(method, output.IntArg)] = name;
        return name;
    }
}
