using System.CommandLine;
using VaeSharp.Data;

namespace VaeSharp.Cli.Commands;

// The options that say how a table, an image folder or a fetched set is read (train, data import), and their checks.
// --image-channels, not --channels: train's --channels already lists the conv layers' widths.
internal sealed class DataOptionSet
{
    private readonly Option<string?> _columns = new("--columns") { Description = "Tables: column types overriding the inferred ones, e.g. 'age:numeric,city:categorical,id:ignore' (numeric, binary, categorical, ignore)." };
    private readonly Option<string?> _labelColumn = new("--label-column") { Description = "Tables: the column holding each row's class (used for labels, not modelled). The fetched tables: target." };
    private readonly Option<double?> _testFraction = new("--test-fraction") { Description = "Tables, image folders without train/ and test/, fetched sets: the part held out for testing (seeded). Default 0.2." };
    private readonly Option<ulong?> _splitSeed = new("--split-seed") { Description = "Seed of that split (independent of --seed). Default 1." };
    private readonly Option<int?> _imageSize = new("--image-size") { Description = "Image folders: side S of the square images (shorter side resized to S, centre cropped). Default: the first image's shorter side." };
    private readonly Option<int?> _channels = new("--image-channels") { Description = "Image folders: 1 (grey) or 3 (colour). Default: the first image's." };
    private readonly Option<bool> _skipBad = new("--skip-bad") { Description = "Leave out images that do not decode and table rows that do not parse, listing each, instead of stopping at the first." };

    // train takes them all; data import only those fixed at import (the split of an imported set is drawn when it is loaded).
    public void AddTo(Command command, bool forImport = false)
    {
        Option[] options = forImport ? [_imageSize, _channels, _skipBad] : [_columns, _labelColumn, _testFraction, _splitSeed, _imageSize, _channels, _skipBad];
        foreach (var o in options) command.Options.Add(o);
    }

    // The options given, or null when none are (MNIST runs keep config.json as it was).
    public DataOptions? Parse(ParseResult p)
    {
        if (p.GetValue(_testFraction) is double f && !(f > 0 && f < 1)) throw new UsageException($"--test-fraction {f}: expected a number between 0 and 1, e.g. 0.2.");
        if (p.GetValue(_imageSize) is int s && (s < 1 || s > 4096)) throw new UsageException($"--image-size {s}: expected a side from 1 to 4096 pixels.");
        if (p.GetValue(_channels) is int c && c is not (1 or 3)) throw new UsageException($"--image-channels {c}: expected 1 (grey) or 3 (colour).");
        var options = new DataOptions
        {
            Columns = p.GetValue(_columns), LabelColumn = p.GetValue(_labelColumn), TestFraction = p.GetValue(_testFraction),
            SplitSeed = p.GetValue(_splitSeed) ?? 1, ImageSize = p.GetValue(_imageSize), Channels = p.GetValue(_channels), SkipBad = p.GetValue(_skipBad),
        };
        return options.IsDefault ? null : options;
    }

    public static void ReportSkipped(CliConsole console, IDataset data)
    {
        if (data.Skipped.Count == 0) return;
        console.Error($"Skipped {data.Skipped.Count} bad {(data.Table is null ? "file" : "row")}{(data.Skipped.Count == 1 ? "" : "s")} (--skip-bad):");
        foreach (var line in data.Skipped.Take(50)) console.Error("  " + line);
        if (data.Skipped.Count > 50) console.Error($"  ... and {data.Skipped.Count - 50} more");
    }
}
