using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae transfer RUN: with a conditional model, each source image encoded with its label and decoded with every label
// (same style, other class): a PNG grid, rows = source images (the original first), columns = labels.
internal static class TransferCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var images = new Option<string?>("--images") { Description = "Test images to transfer, comma-separated indices (default: the first 8)." };
        var image = new Option<string?>("--image") { Description = "Instead: an image file of the model's size (with --label, its class)." };
        var label = new Option<int?>("--label") { Description = "--image: the class the image shows." };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/transfer.png)." };
        var measure = new Option<int>("--measure") { Description = "Measure the transfer on this many test images, each decoded with every other label: the fraction the feature classifier assigns to that label (0: do not).", DefaultValueFactory = _ => 500 };
        var offset = new Option<bool>("--class-offset") { Description = "Also move each code by the difference of the classes' mean codes (z + m_target − m_source, means over the training set): removes the class z still carries, keeps the style." };
        var classifierCache = new Option<string?>("--classifier-cache") { Description = "Folder of the cached feature classifiers (default: the data cache's classifiers/)." };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("transfer", "Conditional models: keep an image's style, change its class — encode with its label, decode with every label (rows = images, columns = labels).")
            { runArg, images, image, label, output, offset, measure, classifierCache, dataDir, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(image) is not null && p.GetValue(images) is not null) throw new UsageException("--images (test images) and --image (a file): choose one.");
            if (p.GetValue(image) is not null && p.GetValue(label) is null) throw new UsageException("--image needs --label C, the class the image shows.");
            if (p.GetValue(image) is null && p.GetValue(label) is not null) throw new UsageException("--label goes with --image (test images carry their own labels).");
            if (p.GetValue(measure) is < 0 or > 10_000) throw new UsageException($"--measure {p.GetValue(measure)}: expected 0 to 10,000 test images.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            if (!model.IsConditional)
                throw new UsageException($"vae transfer needs a conditional model (it decodes an image's code with other labels); {runPath} is a {model.Description}, trained without --conditional. " +
                    "For an unconditional model, 'vae attribute' moves images along a class direction instead.");
            string file = p.GetValue(output) ?? Path.Combine(runPath, "transfer.png");
            ImageOutput.EnsureFolder(file);
            int size = model.Config.InputSize, classes = model.ClassCount;
            float[] sources;
            int[] labels;
            int[]? indices = null;
            if (p.GetValue(image) is string imageFile)
            {
                int c = p.GetValue(label)!.Value;
                if (c < 0 || c >= classes) throw new UsageException($"--label {c}: expected a class from 0 to {classes - 1}.");
                sources = GenerationInputs.ReadImage(imageFile, model.InputShape);
                labels = [c];
            }
            else
            {
                var (_, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
                BatchLoader.CheckFits(test, model);
                indices = p.GetValue(images) is string text ? GenerationInputs.ParseIndices(text, "--images", test) : [.. Enumerable.Range(0, Math.Min(8, test.Count))];
                var batch = BatchLoader.Load(test, indices, withLabels: true);
                sources = batch.X.ToArray();
                labels = batch.Labels!;
            }
            int count = labels.Length;
            float[]? classMeans = p.GetValue(offset) ? LabelTransfer.ClassMeans(model, DatasetCatalog.Load(config, p.GetValue(dataDir)).Train, config.TrainLimit) : null;
            var grid = LabelTransfer.Grid(model, sources, count, labels, classMeans);
            int columns = classes + 1;
            var tiles = new float[(long)count * columns * size];
            for (int i = 0; i < count; i++)
            {
                sources.AsSpan(i * size, size).CopyTo(tiles.AsSpan(i * columns * size));
                grid.AsSpan(i * classes * size, classes * size).CopyTo(tiles.AsSpan((i * columns + 1) * size));
            }
            ImageOutput.SaveGrid(file, tiles, count * columns, model.InputShape, columns);

            double? success = null;
            double[]? perLabel = null;
            double? classifierAccuracy = null;
            int measured = 0;
            if (p.GetValue(measure) > 0)
            {
                var (train, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
                string cache = p.GetValue(classifierCache) ?? Path.Combine(new DataCache().Root, "classifiers");
                var (classifier, _) = FeatureClassifier.LoadOrTrain(train, test, cache, p.GetValue(json) ? null : line => console.Line(line));
                (double overall, perLabel) = LabelTransfer.SuccessRate(model, test, p.GetValue(measure), (images, n) => classifier.Predict(images, n), classMeans);
                success = overall;
                classifierAccuracy = classifier.TestAccuracy;
                measured = Math.Min(p.GetValue(measure), test.Count);
            }
            if (p.GetValue(json))
                console.Line(JsonSerializer.Serialize(new
                {
                    output = file, images = indices, source_labels = labels, classes, columns, first_column = "original", class_offset = classMeans is not null,
                    success_rate = success, success_rate_per_label = perLabel, measured_on = measured,
                    classifier_test_accuracy = classifierAccuracy,
                }, JsonOut.Options));
            else
            {
                console.Line($"Wrote {count} image{(count == 1 ? "" : "s")} × {classes} labels to {file} (first column: the original)");
                if (success is double rate)
                    console.Line(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"Transfer success on {measured} test images × {classes - 1} other labels, by the feature classifier ({classifierAccuracy:P2} right on the test set): {rate:P1}  (per label: {string.Join(" ", perLabel!.Select(v => v.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)))})"));
            }
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
