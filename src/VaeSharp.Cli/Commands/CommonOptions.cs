using System.CommandLine;
using VaeSharp.Engine;

namespace VaeSharp.Cli.Commands;

// Options shared by several verbs, and their checks (messages name the option and the expected value).
internal static class CommonOptions
{
    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for the kernels (results do not depend on it).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of text." };

    public static Option<ulong> Seed(ulong dflt = 1) => new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => dflt };

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Folder with the four MNIST-format idx files (plain or .gz) to use instead of the cache.",
    };

    public static Option<string> Dims() => new("--dims")
    {
        Description = "The two latent dimensions to show, comma-separated: horizontal,vertical.",
        DefaultValueFactory = _ => "0,1",
    };

    // An option whose value is one of the config.json names of enum T (kebab-case: gaussian-learned, leaky_relu).
    public static Option<string> Choice<T>(string name, string description) where T : struct, Enum =>
        Choice(name, description, [.. Serialization.ConfigJson.Names<T>()]);

    public static Option<string> Choice(string name, string description, string[] names)
    {
        var option = new Option<string>(name) { Description = description };
        option.AcceptOnlyFromAmong(names);
        return option;
    }

    public static Argument<string> RunArgument() => new("run") { Description = "A run folder written by 'vae train'." };

    public static void ApplyThreads(int threads)
    {
        if (threads < 1 || threads > 256) throw new UsageException($"--threads {threads}: expected an integer from 1 to 256.");
        EngineSettings.Threads = threads;
    }

    public static void Positive(int value, string option)
    {
        if (value <= 0) throw new UsageException($"{option} {value}: expected a positive integer.");
    }

    public static int[] ParseWidths(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out widths[i]) || widths[i] <= 0)
                throw new UsageException($"{option} '{text}': expected comma-separated positive widths, e.g. 400 or 512,256.");
        return widths;
    }

    // "0" or "0,3,5": distinct class labels ≥ 0.
    public static int[] ParseClasses(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var classes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out classes[i]))
                throw new UsageException($"{option} '{text}': expected comma-separated class labels (whole numbers ≥ 0), e.g. 0 or 0,1.");
        if (classes.Distinct().Count() != classes.Length) throw new UsageException($"{option} '{text}': a class is named twice.");
        return classes;
    }

    // "i,j": two different latent dimensions of a model with `latentDim` of them.
    public static (int X, int Y) ParseDims(string text, int latentDim)
    {
        if (latentDim < 2) throw new UsageException($"--dims: the model has {latentDim} latent dimension; a 2-D picture needs at least 2.");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var style = System.Globalization.NumberStyles.None;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length != 2 || !int.TryParse(parts[0], style, culture, out int x) || !int.TryParse(parts[1], style, culture, out int y)
            || x >= latentDim || y >= latentDim || x == y)
            throw new UsageException($"--dims '{text}': expected two different latent dimensions from 0 to {latentDim - 1}, comma-separated, e.g. 0,1.");
        return (x, y);
    }

    /// <summary>The data a verb works on: the run's own (read as its config.json says: a table with its schema, the
    /// run's data options) unless <paramref name="dataName"/> names another set.</summary>
    public static (Data.IDataset Train, Data.IDataset Test) RunData(Serialization.RunConfig config, string dataName, string? dataDir) =>
        dataName == config.Data ? Data.DatasetCatalog.Load(config, dataDir) : Data.DatasetCatalog.Load(dataName, dataDir);
}
