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

    public static JsonObject Parse(byte[] bytes, string file)
    {
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new FileFormatException(file, "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new FileFormatException(file, $"invalid JSON{(e.Path is null ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
    }
}
