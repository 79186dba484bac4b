using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using VaeSharp.Models;

namespace VaeSharp.Serialization;

/// <summary>
/// The JSON settings of config.json: snake_case names, enums as their kebab-case names ("gaussian-learned";
/// "leaky_relu" by attribute), unknown fields rejected, and <see cref="ModelConfig"/> polymorphic on its
/// <c>family</c> field with the derived types of <see cref="ModelFamilies.All"/>.
/// </summary>
public static class ConfigJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowOutOfOrderMetadataProperties = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddFamilies } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void AddFamilies(JsonTypeInfo info)
    {
        if (info.Type != typeof(ModelConfig)) return;
        var polymorphism = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "family",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var family in ModelFamilies.All) polymorphism.DerivedTypes.Add(new JsonDerivedType(family.ConfigType, family.Name));
        info.PolymorphismOptions = polymorphism;
    }

    /// <summary>The config.json name of an enum value ("gaussian-learned", "leaky_relu").</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, Options).Trim('"');

    /// <summary>Every config.json name of an enum type, in declaration order.</summary>
    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name).ToArray();

    /// <summary>Parses a config.json name of an enum value.</summary>
    /// <exception cref="ArgumentException">Not one of the names; the message lists them.</exception>
    public static T Parse<T>(string name, string field) where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
            if (Name(value) == name) return value;
        throw new ArgumentException($"{field} '{name}': expected {string.Join(", ", Names<T>())}.");
    }
}
