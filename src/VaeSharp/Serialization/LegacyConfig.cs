using System.Text.Json;
using System.Text.Json.Nodes;
using VaeSharp.Engine.IO;

namespace VaeSharp.Serialization;

// config.json format 1 (VaeSharp's first release): one "model" record for every model, switched by its fields —
//   { "architecture": "mlp"|"conv", "channels", "kernel_size", "batch_norm", "class_count", "input_shape",
//     "hidden", "latent_dim", "activation", "likelihood", "gaussian_std", "beta", "seed", "input_size" (derived) }
// class_count > 0 meant the conditional VAE. The training part had the same fields and names as today's.
// This rewrites such a file's JSON into format 2 before it is read, so old run folders load unchanged.
internal static class LegacyConfig
{
    private static readonly string[] ModelFields =
        ["architecture", "channels", "kernel_size", "batch_norm", "class_count", "input_shape", "hidden", "latent_dim", "activation", "likelihood", "gaussian_std", "beta", "seed", "input_size"];

    // Names format 1 accepted for an activation (the old parser ignored case and knew two aliases), as today's enum names.
    private static readonly Dictionary<string, string> ActivationAliases = new()
    {
        ["relu"] = "relu", ["tanh"] = "tanh", ["sigmoid"] = "sigmoid", ["leaky_relu"] = "leaky_relu", ["leakyrelu"] = "leaky_relu",
        ["elu"] = "elu", ["gelu"] = "gelu", ["silu"] = "silu", ["swish"] = "silu", ["softplus"] = "softplus",
    };

    public static JsonObject Upgrade(JsonObject root, string file)
    {
        if (root["model"] is not JsonObject old) return root;
        foreach (var (name, _) in old)
            if (!ModelFields.Contains(name))
                throw new FileFormatException(file, $"model.{name}: not a field of format 1; expected {string.Join(", ", ModelFields)} (or write format_version {RunConfig.CurrentFormatVersion} with a 'family').");
        int classCount = 0;
        if (old["class_count"] is JsonNode count && !(count is JsonValue v && v.TryGetValue(out classCount) && classCount >= 0))
            throw new FileFormatException(file, $"model.class_count {count.ToJsonString()}: expected 0 (unconditional) or the number of classes.");
        var network = new JsonObject();
        Move(old, network, "architecture", "body");
        foreach (var f in new[] { "hidden", "channels", "kernel_size", "batch_norm" }) Move(old, network, f, f);
        if (old["activation"] is JsonNode activation) network["activation"] = UpgradeActivation(activation, file);
        var model = new JsonObject { ["family"] = classCount > 0 ? "cvae" : "vae" };
        foreach (var f in new[] { "input_shape", "latent_dim", "likelihood", "gaussian_std", "beta", "seed" }) Move(old, model, f, f);
        if (classCount > 0) model["class_count"] = classCount;
        model["network"] = network;
        root["model"] = model;
        root["format_version"] = RunConfig.CurrentFormatVersion;
        return root;
    }

    // Format 1 fused relu, tanh and sigmoid into the linear layer only when written in lower case; written otherwise
    // ("Tanh") they were separate layers, which numbered the state dict differently — a layout this release does not build.
    private static string UpgradeActivation(JsonNode node, string file)
    {
        string? name = node is JsonValue v && v.TryGetValue(out string? text) ? text : null;
        if (name is null || !ActivationAliases.TryGetValue(name.ToLowerInvariant(), out var upgraded))
            throw new FileFormatException(file, $"model.activation {node.ToJsonString()}: expected one of {string.Join(", ", ActivationAliases.Keys)}.");
        if (name != name.ToLowerInvariant() && upgraded is "relu" or "tanh" or "sigmoid")
            throw new FileFormatException(file, $"model.activation '{name}': format 1 laid out a model with a capitalised '{name}' as separate activation layers, which this release cannot rebuild; retrain with '{upgraded}'.");
        return upgraded;
    }

    private static void Move(JsonObject from, JsonObject to, string oldName, string newName)
    {
        if (from[oldName] is JsonNode value) to[newName] = value.DeepClone();
    }

    // The whole document is checked here, so that reading a field later cannot throw: System.Text.Json's nodes are
    // lazy, and a duplicate key (ArgumentException), invalid UTF-8 or a string escaping half a surrogate pair
    // (InvalidOperationException) would otherwise surface only when that part is first touched.
    public static JsonObject Parse(byte[] bytes, string file)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new FileFormatException(file, $"not UTF-8 text (an invalid byte sequence at byte {InvalidUtf8At(bytes)}); config.json is JSON in UTF-8.");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new FileFormatException(file, $"invalid JSON{(e.Path is null ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
        catch (InvalidOperationException e)   // the duplicate-key check reads every key
        {
            throw new FileFormatException(file, $"a key {NotText}: {e.Message}", e);
        }
        if (node is not JsonObject root) throw new FileFormatException(file, "expected a JSON object");
        CheckText(root, "", file);
        return root;
    }

    private const string NotText = "is not valid text (a \\uD800–\\uDFFF escape without its other half)";

    private static void CheckText(JsonNode? node, string path, string file)
    {
        switch (node)
        {
            case JsonObject o:
                try { _ = o.Count; }   // reads the keys
                catch (InvalidOperationException e) { throw new FileFormatException(file, $"a key in {(path.Length == 0 ? "the top level" : path)} {NotText}.", e); }
                foreach (var (name, value) in o) CheckText(value, path.Length == 0 ? name : $"{path}.{name}", file);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) CheckText(a[i], $"{path}[{i}]", file);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try { _ = v.GetValue<string>(); }
                catch (InvalidOperationException e) { throw new FileFormatException(file, $"{path}: the string {NotText}.", e); }
                break;
        }
    }

    private static int InvalidUtf8At(byte[] bytes)
    {
        for (int at = 0; at < bytes.Length;)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes.AsSpan(at), out _, out int consumed);
            if (status != System.Buffers.OperationStatus.Done) return at;
            at += consumed;
        }
        return bytes.Length;
    }
}
