namespace VaeSharp.Models;

/// <summary>A registered model family: its config.json name, its configuration type and how to build it.</summary>
/// <param name="Name">The <c>family</c> value in config.json and on the command line.</param>
/// <param name="ConfigType">The family's <see cref="ModelConfig"/> record.</param>
/// <param name="Summary">One line for help texts.</param>
/// <param name="Build">Builds the model from a configuration of <paramref name="ConfigType"/>.</param>
/// <param name="Configure">Makes the family's configuration from the common settings of a training request.</param>
public sealed record ModelFamily(string Name, Type ConfigType, string Summary,
    Func<ModelConfig, LatentVariableModel> Build, Func<ModelSettings, ModelConfig> Configure)
{
    /// <summary>A family whose configuration is <typeparamref name="TConfig"/>.</summary>
    public static ModelFamily Of<TConfig>(string name, string summary, Func<TConfig, LatentVariableModel> build, Func<ModelSettings, TConfig> configure)
        where TConfig : ModelConfig =>
        new(name, typeof(TConfig), summary, c => build((TConfig)c), s => configure(s));
}
