using System.Text.Json;
using System.Text.Json.Serialization;
using VaeSharp.Models;
using VaeSharp.Training;

namespace VaeSharp.Cli;

// The --json output of every verb: snake_case keys; a figure that does not exist (NaN, e.g. no test set) is null,
// never the string "NaN"; an epoch is written with the keys of metrics.csv (epoch, loss, {term}_loss, test_loss,
// test_{term}_loss, seconds, examples_per_second) plus learning_rate, and eval uses the same {term}_loss keys.
internal static class JsonOut
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new FiniteOrNull(), new FiniteOrNullSingle() },
    };

    /// <summary>Writes a JSON report to <paramref name="path"/> (atomically: complete or not at all); nothing when null.</summary>
    public static void WriteFile(string? path, string report)
    {
        if (path is null) return;
        var bytes = System.Text.Encoding.UTF8.GetBytes(report);
        Engine.IO.AtomicFile.Write(path, s => s.Write(bytes));
    }

    public static Dictionary<string, object?> Epoch(EpochReport r)
    {
        var fields = new Dictionary<string, object?> { ["epoch"] = r.Epoch, ["loss"] = r.Loss };
        foreach (var t in r.Terms) fields[LossTermLabels.Column(t.Name)] = t.Value;
        foreach (var s in r.Statistics) fields[s.Name] = s.Value;
        fields["test_loss"] = r.Test?.Loss;
        if (r.Test is not null)
            foreach (var t in r.Test.Terms) fields["test_" + LossTermLabels.Column(t.Name)] = t.Value;
        fields["seconds"] = r.Seconds;
        fields["examples_per_second"] = r.ExamplesPerSecond;
        fields["learning_rate"] = r.LearningRate;
        return fields;
    }

    private sealed class FiniteOrNull : JsonConverter<double>
    {
        public override bool HandleNull => false;
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();
        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }

    private sealed class FiniteOrNullSingle : JsonConverter<float>
    {
        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetSingle();
        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
        {
            if (float.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
