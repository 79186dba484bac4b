using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Serialization;

// Builds one ONNX graph (the generated types of the OnnxSharp package): typed inputs and outputs with a symbolic batch
// dimension "N", initializers from engine tensors (float32 little-endian raw data), and nodes whose outputs get unique
// names. It checks nothing about operator semantics; OnnxLayers and OnnxExport emit the ops.
internal sealed class OnnxGraphBuilder
{
    public const string BatchDim = "N";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = [];

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    public GraphProto Graph => _graph;

    // A graph input (N, dims...) of the given element type; returns its name.
    public string Input(string name, TensorProto.Types.DataType type, params int[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    // Declares `value` as the graph output `name` (N, dims...), through an Identity when the names differ.
    public void Output(string name, string value, params int[] dims)
    {
        if (value != name) Node("Identity", [value], name, name);
        _graph.Output.Add(ValueInfo(name, TensorProto.Types.DataType.Float, dims));
    }

    // A float32 constant of the tensor's shape, named `name` (a state-dict name where there is one).
    public string Initializer(string name, Tensor tensor) => Initializer(name, tensor.Data, [.. tensor.Shape]);

    public string Initializer(string name, ReadOnlySpan<float> values, int[] dims)
    {
        Claim(name);
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in dims) t.Dims.Add(d);
        if (BitConverter.IsLittleEndian) t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        else foreach (float v in values) t.FloatData.Add(v);
        _graph.Initializer.Add(t);
        return name;
    }

    // An int64 vector constant (shapes, depths).
    public string Int64Initializer(string name, params long[] values)
    {
        Claim(name);
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        _graph.Initializer.Add(t);
        return name;
    }

    // Adds node `name` running `op` on `inputs`; its output is `output` (default: the node's name). Returns the output.
    public string Node(string op, string[] inputs, string name, string? output = null, params AttributeProto[] attributes)
    {
        output ??= name;
        Claim(output);
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return output;
    }

    // A name derived from `stem` that no value has yet.
    public string Fresh(string stem)
    {
        if (!_names.Contains(stem)) return stem;
        for (int i = 1; ; i++)
            if (!_names.Contains($"{stem}_{i}")) return $"{stem}_{i}";
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX graph {_graph.Name}: the value name '{name}' is used twice.");
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        foreach (int d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
