using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
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
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("transfer", "Conditional models: keep an image's style, change its class — encode with its label, decode with every label (rows = images, columns = labels).")
            { runArg, images, image, label, output, dataDir, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(image) is not null && p.GetValue(images) is not null) throw new UsageException("--images (test images) and --image (a file): choose one.");
            if (p.GetValue(image) is not null && p.GetValue(label) is null) throw new UsageException("--image needs --label C, the class the image shows.");
            if (p.GetValue(image) is null && p.GetValue(label) is not null) throw new UsageException("--label goes with --image (test images carry their own labels).");
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
                var (_, test) = DatasetCatalog.Load(config.Data, p.GetValue(dataDir));
                BatchLoader.CheckFits(test, model);
                indices = p.GetValue(images) is string text ? GenerationInputs.ParseIndices(text, "--images", test) : [.. Enumerable.Range(0, Math.Min(8, test.Count))];
                var batch = BatchLoader.Load(test, indices, withLabels: true);
                sources = batch.X.ToArray();
                labels = batch.Labels!;
            }
            int count = labels.Length;
            var grid = LabelTransfer.Grid(model, sources, count, labels);
            int columns = classes + 1;
            var tiles = new float[(long)count * columns * size];
            for (int i = 0; i < count; i++)
            {
                sources.AsSpan(i * size, size).CopyTo(tiles.AsSpan(i * columns * size));
                grid.AsSpan(i * classes * size, classes * size).CopyTo(tiles.AsSpan((i * columns + 1) * size));
            }
            ImageOutput.SaveGrid(file, tiles, count * columns, model.InputShape, columns);
            if (p.GetValue(json))
                console.Line(JsonSerializer.Serialize(new { output = file, images = indices, source_labels = labels, classes, columns, first_column = "original" }, JsonOut.Options));
            else
                console.Line($"Wrote {count} image{(count == 1 ? "" : "s")} × {classes} labels to {file} (first column: the original)");
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
