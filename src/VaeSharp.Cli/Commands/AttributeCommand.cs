using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae attribute RUN: latent arithmetic. A direction = mean posterior mean of the training examples with an attribute −
// of those without (classes, ink, or a CSV column), saved by name in RUN/directions/; applied to test images at several
// strengths (PNG: rows = images, columns = strengths) and measured: the fraction of edited images whose attribute
// changes as intended (the feature classifier for classes, the ink itself for ink).
internal static class AttributeCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var positive = new Option<string?>("--positive") { Description = "Class attribute: the class(es) with it, comma-separated (e.g. 7)." };
        var negative = new Option<string?>("--negative") { Description = "Class attribute: the class(es) without it (default: every other class)." };
        var ink = new Option<bool>("--ink") { Description = "The 'thick strokes' attribute: the training images in the top quarter of ink (mean pixel value) − those in the bottom quarter." };
        var csv = new Option<string?>("--csv") { Description = "An attribute from a CSV beside the data: one row per training example (in order, or by an 'index' column), header row first." };
        var column = new Option<string?>("--column") { Description = "--csv: the column holding the attribute (1/0, true/false, yes/no, or a number compared with --threshold; empty = unknown)." };
        var threshold = new Option<double>("--threshold") { Description = "--csv: a number above this has the attribute.", DefaultValueFactory = _ => 0.5 };
        var name = new Option<string?>("--name") { Description = "Save the direction under this name in RUN/directions/ (default: one made from the attribute)." };
        var use = new Option<string?>("--use") { Description = "Reuse a direction saved in the run by this name." };
        var list = new Option<bool>("--list") { Description = "List the directions saved in the run." };
        var images = new Option<string?>("--images") { Description = "Test images to edit, comma-separated indices (default: the first 8 without the attribute)." };
        var strengths = new Option<string>("--strengths") { Description = "Multiples of the direction to add, comma-separated.", DefaultValueFactory = _ => "-1,-0.5,0,0.5,1,1.5,2" };
        var measure = new Option<int>("--measure") { Description = "Measure the edit's success on this many test images without the attribute (0: do not).", DefaultValueFactory = _ => 500 };
        var classifierCache = new Option<string?>("--classifier-cache") { Description = "Folder of the cached feature classifiers (default: the data cache's classifiers/)." };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/attribute_NAME.png)." };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("attribute", "Latent arithmetic: compute an attribute direction (mean code with − without), save it by name, apply it to images at several strengths, and measure the edit.")
            { runArg, positive, negative, ink, csv, column, threshold, name, use, list, images, strengths, measure, classifierCache, output, dataDir, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            string runPath = p.GetValue(runArg)!;
            if (p.GetValue(list))
            {
                if (!Directory.Exists(runPath)) throw new Engine.IO.FileFormatException(runPath, "run folder not found");
                var names = AttributeDirection.List(runPath);
                if (p.GetValue(json)) console.Line(JsonSerializer.Serialize(new { run = runPath, directions = names }, JsonOut.Options));
                else console.Line(names.Count == 0 ? $"No directions saved in {runPath}." : string.Join(Environment.NewLine, names));
                return VaeCli.Ok;
            }
            int kinds = (p.GetValue(positive) is not null ? 1 : 0) + (p.GetValue(ink) ? 1 : 0) + (p.GetValue(csv) is not null ? 1 : 0) + (p.GetValue(use) is not null ? 1 : 0);
            if (kinds != 1) throw new UsageException("Give one attribute: --positive C [--negative C] (classes), --ink, --csv FILE --column NAME, or --use NAME (a saved direction).");
            if (p.GetValue(negative) is not null && p.GetValue(positive) is null) throw new UsageException("--negative goes with --positive.");
            if ((p.GetValue(column) is not null) != (p.GetValue(csv) is not null)) throw new UsageException("--csv and --column go together.");
            if (p.GetValue(use) is not null && p.GetValue(name) is not null) throw new UsageException("--use reads a saved direction; --name saves a new one: choose one.");
            if (p.GetValue(measure) is < 0 or > 10_000) throw new UsageException($"--measure {p.GetValue(measure)}: expected 0 to 10,000 test images.");
            if (p.GetValue(name) is string givenName)
            {
                try { AttributeDirection.CheckName(givenName); }
                catch (ArgumentException e) { throw new UsageException("--name: " + e.Message); }
            }
            var strengthValues = GenerationInputs.ParseNumbers(p.GetValue(strengths)!, "--strengths");

            var (config, model) = RunFolder.Load(runPath);
            var (train, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
            BatchLoader.CheckFits(test, model);
            string modelHash = LatentSamplers.ModelHash(runPath);

            AttributeDirection direction;
            bool saved = false;
            if (p.GetValue(use) is string useName)
            {
                direction = AttributeDirection.Load(runPath, useName);
                if (direction.Vector.Length != model.LatentDim)
                    throw new UsageException($"Direction '{useName}' has {direction.Vector.Length} values; the model's latent dimension is {model.LatentDim}.");
                if (direction.ModelSha256 != modelHash)
                    console.Error($"warning: direction '{useName}' was computed for another model.safetensors (the run was trained further or replaced); recompute it for exact results.");
            }
            else
            {
                direction = Compute(p, model, train, config, modelHash, positive, negative, ink, csv, column, threshold, name, runPath);
                saved = true;
                direction.Save(runPath);
            }

            // The images to edit: given, or the first 8 test images without the attribute.
            int[] sources = p.GetValue(images) is string text ? GenerationInputs.ParseIndices(text, "--images", test) : [.. WithoutAttribute(direction, test).Take(8)];
            if (sources.Length == 0) throw new UsageException("No test image lacks the attribute; give --images.");
            var codes = Interpolation.EncodeMeans(model, test, sources);
            int[]? labels = model.IsConditional ? BatchLoader.Labels(test, sources) : null;
            var edited = LatentArithmetic.Apply(model, codes, sources.Length, direction.Vector, strengthValues, labels);
            string file = p.GetValue(output) ?? Path.Combine(runPath, $"attribute_{direction.Name}.png");
            ImageOutput.SaveGrid(file, edited, sources.Length * strengthValues.Length, model.InputShape, strengthValues.Length);

            // The measurement.
            double[]? rates = null, classKept = null;
            string? measuredBy = null;
            int measured = 0;
            if (p.GetValue(measure) > 0 && (direction.PositiveClasses is not null || direction.HighThresholds is not null))
            {
                var group = WithoutAttribute(direction, test).Take(p.GetValue(measure)).ToArray();
                measured = group.Length;
                if (measured > 0)
                {
                    var groupCodes = Interpolation.EncodeMeans(model, test, group);
                    int[]? groupLabels = model.IsConditional ? BatchLoader.Labels(test, group) : null;
                    int[]? sourceClasses = test.ClassCount > 0 ? BatchLoader.Labels(test, group) : null;
                    FeatureClassifier? classifier = null;
                    if (direction.PositiveClasses is not null || sourceClasses is not null)
                    {
                        string cache = p.GetValue(classifierCache) ?? Path.Combine(new DataCache().Root, "classifiers");
                        (classifier, _) = FeatureClassifier.LoadOrTrain(train, test, cache, p.GetValue(json) ? null : line => console.Line(line));
                    }
                    Func<float[], int, int> success;
                    if (direction.PositiveClasses is int[] wanted)
                    {
                        measuredBy = string.Create(CultureInfo.InvariantCulture, $"the feature classifier ({classifier!.TestAccuracy:P2} right on the test set): predicted class in {{{string.Join(",", wanted)}}}");
                        success = (imgs, count) => classifier.Predict(imgs, count).Count(wanted.Contains);
                    }
                    else
                    {
                        measuredBy = sourceClasses is null
                            ? string.Create(CultureInfo.InvariantCulture, $"ink ≥ {direction.HighFor(0):F4} (the training set's top-quarter boundary)")
                            : "ink ≥ the top-quarter boundary of the image's class in the training set";
                        success = (imgs, count) => LatentArithmetic.Ink(imgs, count).Where((v, i) => v >= direction.HighFor(sourceClasses?[i] ?? 0)).Count();
                        if (classifier is not null && !model.IsConditional)
                            classKept = LatentArithmetic.SuccessRates(model, groupCodes, measured, direction.Vector, strengthValues,
                                (imgs, count) => classifier.Predict(imgs, count).Where((c, i) => c == sourceClasses![i]).Count(), groupLabels);
                    }
                    rates = LatentArithmetic.SuccessRates(model, groupCodes, measured, direction.Vector, strengthValues, success, groupLabels);
                }
            }

            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    output = file, direction = direction.Name, definition = direction.Definition, saved,
                    direction_file = AttributeDirection.FileIn(runPath, direction.Name), positive_count = direction.PositiveCount, negative_count = direction.NegativeCount,
                    length = direction.Length, images = sources, strengths = strengthValues, success_rates = rates, measured_on = measured, measured_by = measuredBy, class_kept_rates = classKept,
                }, JsonOut.Options));
                return VaeCli.Ok;
            }
            if (saved) console.Line(string.Create(CultureInfo.InvariantCulture,
                $"Direction '{direction.Name}' ({direction.Definition}; {direction.PositiveCount} with, {direction.NegativeCount} without; length {direction.Length:F3}) saved to {AttributeDirection.FileIn(runPath, direction.Name)}"));
            console.Line($"Wrote {sources.Length} images × {strengthValues.Length} strengths ({string.Join(", ", strengthValues.Select(s => s.ToString(CultureInfo.InvariantCulture)))}) to {file}");
            if (rates is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Success on {measured} test images without the attribute, by {measuredBy}: {string.Join("  ", strengthValues.Select((s, j) => $"s={s}: {rates[j]:P1}"))}"));
            if (classKept is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Still classified as their class: {string.Join("  ", strengthValues.Select((s, j) => $"s={s}: {classKept[j]:P1}"))}"));
            else if (p.GetValue(measure) > 0 && direction.PositiveClasses is null && direction.HighThresholds is null)
                console.Line("Not measured: a CSV attribute has no classifier here.");
            return VaeCli.Ok;
        }));
        return cmd;
    }

    private static AttributeDirection Compute(ParseResult p, LatentVariableModel model, IDataset train, RunConfig config, string modelHash,
        Option<string?> positive, Option<string?> negative, Option<bool> ink, Option<string?> csv, Option<string?> column, Option<double> threshold,
        Option<string?> name, string runPath)
    {
        int? limit = config.TrainLimit;
        int n = Math.Min(limit ?? train.Count, train.Count);
        if (p.GetValue(positive) is string pos)
        {
            if (model.IsConditional)
                throw new UsageException($"{runPath} is a conditional model: its class is an input, not a direction in z. Use 'vae transfer' to change the class, or --ink / --csv for a style attribute.");
            if (train.ClassCount == 0) throw new UsageException($"--positive: data set {train.Name} has no labels; use --ink or --csv.");
            var with = GenerationInputs.ParseClasses(pos, "--positive", train.ClassCount);
            var without = p.GetValue(negative) is string neg ? GenerationInputs.ParseClasses(neg, "--negative", train.ClassCount)
                : [.. Enumerable.Range(0, train.ClassCount).Except(with)];
            if (with.Intersect(without).Any()) throw new UsageException($"--positive and --negative share class(es) {string.Join(",", with.Intersect(without))}.");
            var (vector, np, nn) = LatentArithmetic.Direction(model, train, i => with.Contains(train.Label(i)) ? true : without.Contains(train.Label(i)) ? false : null, limit);
            string definition = $"class {string.Join("+", with)} − class {string.Join("+", without)}";
            return new AttributeDirection
            {
                Name = p.GetValue(name) ?? $"class{string.Join("_", with)}-minus-{(p.GetValue(negative) is null ? "rest" : "class" + string.Join("_", without))}",
                Definition = definition, Vector = vector, PositiveCount = np, NegativeCount = nn, Data = train.Name, ModelSha256 = modelHash,
                PositiveClasses = with, NegativeClasses = without,
            };
        }
        if (p.GetValue(ink))
        {
            // Quarters within each class when there are labels: both groups then hold every class alike, and the
            // direction thickens strokes without turning 1s into 0s and 8s (the digits with the most ink).
            var scores = LatentArithmetic.Ink(train, limit);
            int classes = train.ClassCount;
            int[] labels = classes > 0 ? BatchLoader.Labels(train, Enumerable.Range(0, scores.Length).ToArray()) : new int[scores.Length];
            int classGroups = Math.Max(1, classes);
            var low = new double[classGroups];
            var high = new double[classGroups];
            for (int c = 0; c < classGroups; c++)
            {
                var members = scores.Where((_, i) => labels[i] == c).ToArray();
                if (members.Length == 0) { low[c] = double.NegativeInfinity; high[c] = double.PositiveInfinity; continue; }
                low[c] = LatentArithmetic.Quantile(members, 0.25);
                high[c] = LatentArithmetic.Quantile(members, 0.75);
            }
            var (vector, np, nn) = LatentArithmetic.Direction(model, train, i => scores[i] >= high[labels[i]] ? true : scores[i] <= low[labels[i]] ? false : null, limit);
            return new AttributeDirection
            {
                Name = p.GetValue(name) ?? "ink",
                Definition = classes > 0 ? "ink (mean pixel value): top quarter − bottom quarter within each class"
                    : string.Create(CultureInfo.InvariantCulture, $"ink (mean pixel value): top quarter (≥ {high[0]:F4}) − bottom quarter (≤ {low[0]:F4})"),
                Vector = vector, PositiveCount = np, NegativeCount = nn, Data = train.Name, ModelSha256 = modelHash, LowThresholds = low, HighThresholds = high,
            };
        }
        string csvFile = p.GetValue(csv)!, columnName = p.GetValue(column)!;
        var groups = ReadCsvAttribute(csvFile, columnName, p.GetValue(threshold), n);
        var (v, pc, nc) = LatentArithmetic.Direction(model, train, i => groups[i], limit);
        return new AttributeDirection
        {
            Name = p.GetValue(name) ?? SafeName(columnName), Definition = $"column '{columnName}' of {Path.GetFileName(csvFile)}: with − without",
            Vector = v, PositiveCount = pc, NegativeCount = nc, Data = train.Name, ModelSha256 = modelHash,
        };
    }

    // The test examples (in order) that lack the attribute: not in the positive classes (in the negative ones), or low ink.
    private static IEnumerable<int> WithoutAttribute(AttributeDirection direction, IDataset test)
    {
        if (direction.NegativeClasses is int[] without && test.ClassCount > 0)
            return Enumerable.Range(0, test.Count).Where(i => without.Contains(test.Label(i)));
        if (direction.LowThresholds is not null)
        {
            var scores = LatentArithmetic.Ink(test);
            bool byClass = direction.LowThresholds.Length > 1 && test.ClassCount > 0;
            return Enumerable.Range(0, test.Count).Where(i => scores[i] <= direction.LowFor(byClass ? test.Label(i) : 0));
        }
        return Enumerable.Range(0, test.Count);
    }

    // One bool? per training example from the column: 1/true/yes → true, 0/false/no → false, empty → null,
    // a number → (number > threshold). Rows are in example order unless the header has an 'index' column.
    internal static bool?[] ReadCsvAttribute(string file, string columnName, double threshold, int examples)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found.", file);
        var lines = File.ReadAllLines(file);
        if (lines.Length == 0) throw new InvalidDataException($"{file}: empty; expected a header row naming the columns.");
        var header = lines[0].Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        int col = Array.IndexOf(header, columnName);
        if (col < 0) throw new InvalidDataException($"{file}, line 1: no column '{columnName}'; the columns are {string.Join(", ", header)}.");
        int indexCol = Array.IndexOf(header, "index");
        var groups = new bool?[examples];
        int row = 0;
        for (int l = 1; l < lines.Length; l++)
        {
            if (lines[l].Length == 0) continue;
            var cells = lines[l].Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{file}, line {l + 1}: {cells.Length} cells; the header has {header.Length}.");
            int example = row++;
            if (indexCol >= 0 && (!int.TryParse(cells[indexCol].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out example)))
                throw new InvalidDataException($"{file}, line {l + 1}, column 'index': '{cells[indexCol]}' is not an example index (0 or more).");
            if (example >= examples) throw new InvalidDataException($"{file}, line {l + 1}: example {example}, but the training set has {examples} (0 to {examples - 1}).");
            string cell = cells[col].Trim().Trim('"').ToLowerInvariant();
            groups[example] = cell switch
            {
                "" => null,
                "true" or "yes" => true,
                "false" or "no" => false,
                _ when double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) => v > threshold,
                _ => throw new InvalidDataException($"{file}, line {l + 1}, column '{columnName}': '{cells[col]}'; expected 1/0, true/false, yes/no, a number or nothing."),
            };
        }
        return groups;
    }

    private static string SafeName(string text)
    {
        var name = new string([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return name.Length == 0 ? "attribute" : name.Length > 64 ? name[..64] : name;
    }
}
