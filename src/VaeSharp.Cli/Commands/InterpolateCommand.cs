using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae interpolate RUN: decoded paths between two latent codes (the posterior means of two test images or image files,
// or two prior draws), lerp or slerp, as a PNG (one row per pair; image endpoints shown beside their path), and for a
// conditional model either z's path with the label fixed or the label's path with z fixed.
internal static class InterpolateCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var from = new Option<string?>("--from") { Description = "Test image(s) at the start of the path(s), comma-separated indices (default 0)." };
        var to = new Option<string?>("--to") { Description = "Test image(s) at the end, one per --from index (default 1)." };
        var fromImage = new Option<string?>("--from-image") { Description = "An image file at the start (the model's size; with --to-image)." };
        var toImage = new Option<string?>("--to-image") { Description = "An image file at the end." };
        var prior = new Option<int?>("--prior") { Description = "Instead of images: N paths between pairs of draws from the prior N(0, I)." };
        var steps = new Option<int>("--steps") { Description = "Points per path, both ends included.", DefaultValueFactory = _ => 10 };
        var mode = CommonOptions.Choice<InterpolationMode>("--mode", "lerp = the straight line; slerp = the great circle (White 2016; keeps Gaussian codes at a typical norm). Default slerp.");
        var label = new Option<int?>("--label") { Description = "Conditional models: decode every point with this class (default for test images: the start image's class)." };
        var labelFrom = new Option<int?>("--label-from") { Description = "Conditional models: move from this class ... (with --label-to; z fixed at the start code)." };
        var labelTo = new Option<int?>("--label-to") { Description = "... to this class." };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/interpolation.png)." };
        var dataDir = CommonOptions.DataDir();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("interpolate", "Morph one image into another: decode the latent path between two codes (test images, image files or prior draws), lerp or slerp.")
            { runArg, from, to, fromImage, toImage, prior, steps, mode, label, labelFrom, labelTo, output, dataDir, seed, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int n = p.GetValue(steps);
            if (n is < 2 or > 100) throw new UsageException($"--steps {n}: expected 2 to 100 points per path.");
            var how = p.GetValue(mode) is string m ? ConfigJson.Parse<InterpolationMode>(m, "--mode") : InterpolationMode.Slerp;
            bool files = p.GetValue(fromImage) is not null || p.GetValue(toImage) is not null;
            bool indices = p.GetValue(from) is not null || p.GetValue(to) is not null;
            int? priorPairs = p.GetValue(prior);
            if ((files ? 1 : 0) + (indices ? 1 : 0) + (priorPairs is null ? 0 : 1) > 1)
                throw new UsageException("Choose one kind of endpoints: --from/--to (test images), --from-image/--to-image (files) or --prior N.");
            if (priorPairs is < 1 or > GenerationInputs.MaxImages) throw new UsageException($"--prior {priorPairs}: expected 1 to {GenerationInputs.MaxImages} paths.");
            bool labelPath = p.GetValue(labelFrom) is not null || p.GetValue(labelTo) is not null;
            if (labelPath && (p.GetValue(labelFrom) is null || p.GetValue(labelTo) is null)) throw new UsageException("--label-from and --label-to go together.");
            // A label path keeps z at the start code: it has no end image.
            if (labelPath && (p.GetValue(to) is not null || p.GetValue(toImage) is not null))
                throw new UsageException("--label-from/--label-to keep z fixed at the start code: give --from or --from-image (or --prior), without --to or --to-image.");
            if (!labelPath && files && (p.GetValue(fromImage) is null || p.GetValue(toImage) is null)) throw new UsageException("--from-image and --to-image go together.");
            if (labelPath && files && p.GetValue(fromImage) is null) throw new UsageException("--to-image needs --from-image.");
            if (labelPath && p.GetValue(label) is not null) throw new UsageException("--label fixes the class of a path of z; --label-from/--label-to move the class with z fixed: choose one.");

            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            string file = p.GetValue(output) ?? Path.Combine(runPath, "interpolation.png");
            ImageOutput.EnsureFolder(file);
            if (!model.IsConditional && (p.GetValue(label) is not null || labelPath))
                throw new UsageException($"--label, --label-from and --label-to need a conditional model; {runPath} was trained without --conditional.");
            foreach (var (option, value) in new[] { ("--label", p.GetValue(label)), ("--label-from", p.GetValue(labelFrom)), ("--label-to", p.GetValue(labelTo)) })
                if (value is int c && (c < 0 || c >= model.ClassCount)) throw new UsageException($"{option} {c}: expected a class from 0 to {model.ClassCount - 1}.");

            // The endpoints: codes (pairs × D) and, for images, the originals to show beside the path.
            int d = model.LatentDim, size = model.Config.InputSize, pairs;
            float[] start, end;
            float[]? startImages = null, endImages = null;
            int[]? ownLabels = null;
            string endpoints;
            if (priorPairs is int pp)
            {
                pairs = pp;
                var codes = Interpolation.PriorCodes(model, 2 * pairs, p.GetValue(seed));
                start = new float[pairs * d];
                end = new float[pairs * d];
                for (int i = 0; i < pairs; i++)
                {
                    codes.AsSpan(2 * i * d, d).CopyTo(start.AsSpan(i * d));
                    codes.AsSpan((2 * i + 1) * d, d).CopyTo(end.AsSpan(i * d));
                }
                endpoints = $"{pairs} pair{(pairs == 1 ? "" : "s")} of prior draws (seed {p.GetValue(seed)})";
                if (model.IsConditional && p.GetValue(label) is null && !labelPath)
                    throw new UsageException($"{runPath} is a conditional model: give --label C (0 to {model.ClassCount - 1}) to decode the prior draws with, or --label-from/--label-to.");
            }
            else if (files)
            {
                pairs = 1;
                startImages = GenerationInputs.ReadImage(p.GetValue(fromImage)!, model.InputShape);
                endImages = labelPath ? startImages : GenerationInputs.ReadImage(p.GetValue(toImage)!, model.InputShape);
                if (model.IsConditional && p.GetValue(label) is null && p.GetValue(labelFrom) is null)
                    throw new UsageException($"{runPath} is a conditional model: image files carry no label; give --label C (0 to {model.ClassCount - 1}) or --label-from/--label-to.");
                int[]? encodeWith = model.IsConditional ? [p.GetValue(label) ?? p.GetValue(labelFrom)!.Value] : null;
                start = Interpolation.EncodeMeans(model, startImages, 1, encodeWith);
                end = Interpolation.EncodeMeans(model, endImages, 1, encodeWith);
                endpoints = labelPath ? p.GetValue(fromImage)! : $"{p.GetValue(fromImage)} → {p.GetValue(toImage)}";
            }
            else
            {
                var (_, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
                BatchLoader.CheckFits(test, model);
                var a = GenerationInputs.ParseIndices(p.GetValue(from) ?? "0", "--from", test);
                var b = labelPath ? a : GenerationInputs.ParseIndices(p.GetValue(to) ?? "1", "--to", test);
                if (a.Length != b.Length) throw new UsageException($"--from has {a.Length} indices and --to {b.Length}: give one end for each start.");
                pairs = a.Length;
                start = Interpolation.EncodeMeans(model, test, a);
                end = Interpolation.EncodeMeans(model, test, b);
                startImages = BatchLoader.Load(test, a).X.ToArray();
                endImages = BatchLoader.Load(test, b).X.ToArray();
                if (test.ClassCount > 0) ownLabels = BatchLoader.Labels(test, a);
                endpoints = labelPath ? $"{config.Data} test image{(a.Length == 1 ? "" : "s")} {string.Join(",", a)}"
                    : $"{config.Data} test images {string.Join(",", a)} → {string.Join(",", b)}";
            }

            InterpolationResult result;
            if (labelPath)
                result = Interpolation.BetweenLabels(model, start, pairs, p.GetValue(labelFrom)!.Value, p.GetValue(labelTo)!.Value, n);
            else
            {
                int[]? labels = model.IsConditional ? Enumerable.Repeat(0, pairs).Select((_, i) => p.GetValue(label) ?? ownLabels![i]).ToArray() : null;
                result = Interpolation.BetweenCodes(model, start, end, pairs, n, how, labels);
            }

            // The picture: one row per pair; [start image] path [end image] when the ends are images (the end image is
            // not shown for a label path, whose ends are the same z).
            bool showStart = startImages is not null, showEnd = endImages is not null && !labelPath;
            int columns = n + (showStart ? 1 : 0) + (showEnd ? 1 : 0);
            var tiles = new float[(long)pairs * columns * size];
            for (int i = 0; i < pairs; i++)
            {
                int at = i * columns;
                if (showStart) startImages.AsSpan(i * size, size).CopyTo(tiles.AsSpan(at++ * size));
                result.Images.AsSpan(i * n * size, n * size).CopyTo(tiles.AsSpan(at * size));
                at += n;
                if (showEnd) endImages.AsSpan(i * size, size).CopyTo(tiles.AsSpan(at * size));
            }
            ImageOutput.SaveGrid(file, tiles, pairs * columns, model.InputShape, columns);

            if (p.GetValue(json))
            {
                var path = Enumerable.Range(0, pairs).Select(i => Enumerable.Range(0, n).Select(s => result.Code(i, s).ToArray()).ToArray()).ToArray();
                var weights = result.ClassWeights is null ? null : Enumerable.Range(0, pairs).Select(i => Enumerable.Range(0, n)
                    .Select(s => result.ClassWeights.AsSpan((i * n + s) * model.ClassCount, model.ClassCount).ToArray()).ToArray()).ToArray();
                console.Line(JsonSerializer.Serialize(new
                {
                    output = file, endpoints, pairs, steps = n, mode = labelPath ? "label" : ConfigJson.Name(how),
                    columns, originals_shown = showStart, z = path, class_weights = weights,
                }, JsonOut.Options));
            }
            else
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {pairs} path{(pairs == 1 ? "" : "s")} of {n} steps ({(labelPath ? $"class {p.GetValue(labelFrom)} → {p.GetValue(labelTo)}, z fixed" : ConfigJson.Name(how))}; {endpoints}) to {file}"));
            return VaeCli.Ok;
        }));
        return cmd;
    }
}
