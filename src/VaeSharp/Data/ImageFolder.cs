using VaeSharp.Imaging;

namespace VaeSharp.Data;

/// <summary>
/// A folder of images as train and test <see cref="ByteImageDataset"/>s, in the ImageFolder convention (torchvision's):
/// <list type="bullet">
/// <item>one subfolder per class gives the labels (class i is the i-th folder name in ordinal order); images directly in the
/// folder, with no class subfolders, give none;</item>
/// <item>subfolders <c>train/</c> and <c>test/</c>, each laid out that way, are the split; otherwise the seeded
/// <see cref="DataOptions.TestFraction"/> of the images is held out.</item>
/// </list>
/// JPEG, PNG, BMP, GIF and WebP files (by extension, case-insensitive; other files are passed over) are decoded by SkiaSharp
/// (<see cref="ImageCodec"/>), brought to <see cref="DataOptions.Channels"/> (default: the first image's, 1 for grey
/// or 3 for colour) and to S×S (<see cref="DataOptions.ImageSize"/>, default the first image's shorter side): the shorter
/// side resized to S, the centre cropped. An image that cannot be decoded stops the read with its path, or with
/// <see cref="DataOptions.SkipBad"/> is left out and listed in <see cref="IDataset.Skipped"/>.
/// </summary>
public static class ImageFolder
{
    /// <summary>The file extensions read as images.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    /// <summary>Reads the folder <paramref name="root"/>.</summary>
    /// <param name="root">The folder.</param>
    /// <param name="options">Image size, channels, split and skip-bad; null for the defaults.</param>
    /// <param name="name">The data set's name; default the folder's name.</param>
    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    /// <exception cref="DataFormatException">No images, an image beside class folders, or (without skip-bad) an image that does not decode.</exception>
    public static (ByteImageDataset Train, ByteImageDataset Test) Load(string root, DataOptions? options = null, string? name = null)
    {
        options ??= new DataOptions();
        options.Validate();
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such folder.");
        name ??= Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
        var plan = Plan(root);
        if (plan.Test is not null)
        {
            if (options.TestFraction is not null)
                throw new ArgumentException($"--test-fraction: {root} has its own train/ and test/ folders, which are the split.");
            var (trainSet, shape) = Decode(name, plan.Train.Paths, plan.Train.Labels, plan.ClassNames, options, null);
            var (testSet, _) = Decode(name, plan.Test.Paths, plan.Test.Labels, plan.ClassNames, options, shape);
            return (testSet.Skipped.Count == 0 ? trainSet : trainSet.WithSkipped([.. trainSet.Skipped, .. testSet.Skipped]), testSet);
        }
        var (all, _) = Decode(name, plan.Train.Paths, plan.Train.Labels, plan.ClassNames, options, null);
        var (trainIds, testIds) = DataSplit.Indices(all.Count, options.EffectiveTestFraction, options.SplitSeed);
        return (all.Select(trainIds), all.Select(testIds));
    }

    // The files of a folder: train/ and test/ (test labels in train's class order), or one listing to split.
    internal sealed record FolderPlan(Listing Train, Listing? Test, IReadOnlyList<string>? ClassNames);

    internal static FolderPlan Plan(string root)
    {
        string train = Path.Combine(root, "train"), test = Path.Combine(root, "test");
        if (!(Directory.Exists(train) && Directory.Exists(test)))
        {
            var files = List(root);
            return new FolderPlan(files, null, files.ClassNames);
        }
        var trainFiles = List(train);
        var testFiles = List(test);
        if ((trainFiles.ClassNames is null) != (testFiles.ClassNames is null))
            throw new DataFormatException(root, "train/ and test/ differ: one has class subfolders, the other images directly; lay both out the same way.");
        if (trainFiles.ClassNames is null) return new FolderPlan(trainFiles, testFiles, null);
        var classNames = trainFiles.ClassNames!;
        if (testFiles.ClassNames!.Except(classNames).FirstOrDefault() is string extra)
            throw new DataFormatException(Path.Combine(test, extra), $"class folder '{extra}' is in test/ but not in train/; the test classes are the training classes.");
        var testClasses = testFiles.ClassNames!;
        var trainIndex = classNames.ToList();
        var testLabels = testFiles.Labels!.Select(l => trainIndex.IndexOf(testClasses[l])).ToArray();
        return new FolderPlan(trainFiles, testFiles with { Labels = testLabels, ClassNames = classNames }, classNames);
    }

    internal sealed record Listing(string[] Paths, int[]? Labels, IReadOnlyList<string>? ClassNames);

    private static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    private static IEnumerable<string> Images(string folder) => Directory.EnumerateFiles(folder)
        .Where(p => IsImage(p) && !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal);

    private static Listing List(string folder)
    {
        var classes = Directory.EnumerateDirectories(folder).Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Where(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Any(IsImage))
            .Order(StringComparer.Ordinal).ToArray();
        var loose = Images(folder).ToArray();
        if (classes.Length == 0)
        {
            if (loose.Length == 0)
                throw new DataFormatException(folder, $"no images ({string.Join(", ", Extensions)}) in the folder or in class subfolders.");
            return new Listing(loose, null, null);
        }
        if (loose.Length > 0)
            throw new DataFormatException(loose[0], $"an image beside the class folders ({string.Join(", ", classes.Take(5).Select(Path.GetFileName))}{(classes.Length > 5 ? ", ..." : "")}); move it into its class's folder.");
        var paths = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classes.Length; c++)
            foreach (var file in Directory.EnumerateFiles(classes[c], "*", SearchOption.AllDirectories).Where(p => IsImage(p) && !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal))
            {
                paths.Add(file);
                labels.Add(c);
            }
        return new Listing([.. paths], [.. labels], [.. classes.Select(d => Path.GetFileName(d)!)]);
    }

    private static (ByteImageDataset Set, int[] Shape) Decode(string name, string[] paths, int[]? labels, IReadOnlyList<string>? classNames,
        DataOptions options, int[]? shape)
    {
        var chunks = new List<byte[]>();
        var result = DecodeInto(paths, options, shape, chunk => chunks.Add(chunk.ToArray()));
        var pixels = new byte[chunks.Sum(c => (long)c.Length)];
        long at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(pixels.AsSpan((int)at));
            at += chunk.Length;
        }
        var keptLabels = labels is null ? null : result.Kept.Select(i => labels[i]).ToArray();
        var set = new ByteImageDataset(name, pixels, result.Kept.Length, result.Shape, keptLabels, classNames?.Count ?? 0, classNames)
        {
            Skipped = result.Skipped,
            Sources = [.. result.Kept.Select(i => paths[i])],
        };
        return (set, result.Shape);
    }

    /// <summary>What <see cref="DecodeInto"/> did: which files it kept (indices into the list), the example shape, what it skipped, and its time.</summary>
    internal sealed record DecodeResult(int[] Kept, int[] Shape, IReadOnlyList<string> Skipped, double Seconds, long FileBytes);

    // Decodes the files in chunks (each chunk in parallel, each image into its own slot, so the bytes do not depend on the
    // threads), brings each to the shape (given, or the first decodable image's channels and shorter side) and hands the
    // chunk's CHW bytes, image after image in file order, to write. Only one chunk of decoded images is held at a time.
    internal static DecodeResult DecodeInto(string[] paths, DataOptions options, int[]? shape, Action<ReadOnlySpan<byte>> write)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int threads = Math.Max(1, Engine.EngineSettings.Threads);
        int chunkSize = 64 * threads;
        var kept = new List<int>();
        var skipped = new List<string>();
        long fileBytes = 0;
        for (int start = 0; start < paths.Length; start += chunkSize)
        {
            int n = Math.Min(chunkSize, paths.Length - start);
            var images = new Image8?[n];
            var errors = new string?[n];
            var sizes = new long[n];
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                string path = paths[start + i];
                try
                {
                    var bytes = File.ReadAllBytes(path);
                    sizes[i] = bytes.Length;
                    images[i] = ImageCodec.Decode(bytes, path);
                }
                catch (Engine.IO.FileFormatException e)
                {
                    errors[i] = e.Message;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors[i] = $"{path}: {e.Message}";
                }
            });
            fileBytes += sizes.Sum();
            for (int i = 0; i < n; i++)
            {
                if (errors[i] is null) continue;
                string path = paths[start + i];
                if (!options.SkipBad) throw new DataFormatException(path, ProblemOf(errors[i]!, path) + " (--skip-bad leaves such files out)");
                skipped.Add(errors[i]!);
            }
            if (shape is null && Array.FindIndex(images, im => im is not null) is int first and >= 0)
            {
                var im = images[first]!;
                shape = [options.Channels ?? (im.Channels <= 2 ? 1 : 3), options.ImageSize ?? Math.Min(im.Width, im.Height), 0];
                shape[2] = shape[1];
            }
            if (shape is null) continue;
            int channels = shape[0], side = shape[1], size = channels * side * side;
            var ok = Enumerable.Range(0, n).Where(i => images[i] is not null).ToArray();
            var chunk = new byte[(long)ok.Length * size];
            Parallel.For(0, ok.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            {
                var image = ImageResize.ShorterSideAndCrop(ImageResize.ToChannels(images[ok[k]]!, channels), side);
                images[ok[k]] = null;
                // Interleaved HWC → planar CHW.
                var dst = chunk.AsSpan(k * size, size);
                int plane = side * side;
                for (int p = 0; p < plane; p++)
                    for (int c = 0; c < channels; c++) dst[c * plane + p] = image.Pixels[p * channels + c];
            });
            write(chunk);
            kept.AddRange(ok.Select(i => start + i));
        }
        if (shape is null || kept.Count == 0)
            throw new DataFormatException(Path.GetDirectoryName(paths[0]) ?? paths[0], "no image in the folder could be decoded; every one was skipped.");
        return new DecodeResult([.. kept], shape, skipped, clock.Elapsed.TotalSeconds, fileBytes);
    }

    private static string ProblemOf(string message, string path) => message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
