using VaeSharp.Data;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VaeSharp.Tests.Data;

// MnistLoader.Load over a folder whose four idx files are valid but one, mutated per input: the byte
// mutations of IdxFileFuzzTests on any of the four (plain, or the gzipped test images), plus MNIST-level
// ones — a label 10..255, an image side other than 28, a label count other than the image count, the
// plain file and its .gz both present. Every input loads — each split then has Count·28·28 image bytes
// and Count labels 0..9, the same as the files — or ends in a DataFormatException naming the mutated file.
public sealed class MnistLoaderFuzzTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private const int InputCount = 1500;
    private const ulong Seed = 15;
    private const int TrainCount = 3, TestCount = 2;

    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, byte[]> _originals = [];

    public MnistLoaderFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        IdxBytes.WriteSyntheticSet(_folder.Path, TrainCount, TestCount);
        // The test images gzipped, so one of the four is always read through gzip.
        string plain = _folder.Combine(MnistLoader.TestImagesFile);
        File.WriteAllBytes(plain + ".gz", IdxBytes.Gzip(File.ReadAllBytes(plain)));
        File.Delete(plain);
        foreach (string f in Directory.GetFiles(_folder.Path)) _originals[Path.GetFileName(f)] = File.ReadAllBytes(f);
    }

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Files =
        [MnistLoader.TrainImagesFile, MnistLoader.TrainLabelsFile, MnistLoader.TestImagesFile + ".gz", MnistLoader.TestLabelsFile];

    // Which file an input replaces is in its mutation text ("<file>: ..."); its bytes are the new content.
    private static string FileOf(FuzzInput input) => input.Mutation[..input.Mutation.IndexOf(": ", StringComparison.Ordinal)];

    private IEnumerable<FuzzInput> Inputs(ulong seed)
    {
        var rng = new RandomGenerator(seed);
        var mutator = new ByteMutator(rng);
        FuzzSeed SeedOf(string file)
        {
            byte[] bytes = _originals[file];
            bool gz = file.EndsWith(".gz", StringComparison.Ordinal);
            byte[] plain = gz ? IdxFuzzSeeds.Inflate(bytes)! : bytes;
            int rank = plain[3];
            var dims = Enumerable.Range(0, rank).Select(i => (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(4 + 4 * i))).ToArray();
            var s = IdxFuzzSeeds.Plain(file, dims, plain[(4 + 4 * rank)..]);
            return gz ? IdxFuzzSeeds.Gzip(s) with { Name = file } : s;
        }
        var seeds = Files.ToDictionary(f => f, SeedOf);
        int index = 0;
        foreach (var s in seeds.Values)
            foreach (var (m, b) in ByteMutator.BoundaryTruncations(s).Concat(ByteMutator.IntFieldSweep(s)))
                yield return new FuzzInput(index++, m, b);
        while (index < InputCount)
        {
            string file = Files[rng.NextInt(Files.Length)];
            if (rng.NextInt(3) == 0 && !file.EndsWith(".gz", StringComparison.Ordinal))
            {
                // MNIST-level, each a valid idx file: a label out of range, one label too many or too few, an image side other than 28.
                byte[] b = (byte[])_originals[file].Clone();
                int n = file.StartsWith("train", StringComparison.Ordinal) ? TrainCount : TestCount;
                if (file.Contains("labels", StringComparison.Ordinal) && rng.NextInt(2) == 0)
                {
                    int at = 8 + rng.NextInt(b.Length - 8);
                    byte label = (byte)(10 + rng.NextInt(246));
                    b[at] = label;
                    yield return new FuzzInput(index++, $"{file}: label {at - 8} := {label}", b);
                }
                else if (file.Contains("labels", StringComparison.Ordinal))
                {
                    int count = rng.NextInt(2) == 0 ? n - 1 : n + 1;
                    yield return new FuzzInput(index++, $"{file}: {count} labels for {n} images", IdxBytes.Idx(0x08, [count], new byte[count]));
                }
                else
                {
                    int side = 26 + rng.NextInt(5) / 2 * 2 + rng.NextInt(2), other = 28;   // 26, 27, 29, 30 or 28
                    if (side == 28) side = 27;
                    int[] dims = rng.NextInt(2) == 0 ? [n, side, other] : [n, other, side];
                    yield return new FuzzInput(index++, $"{file}: images {string.Join("×", dims)}", IdxBytes.Idx(0x08, dims, new byte[n * side * other]));
                }
                continue;
            }
            var (mutation, bytes) = mutator.Mutate(seeds[file]);
            yield return new FuzzInput(index++, mutation, bytes);
        }
    }

    private void Prepare(FuzzInput input)
    {
        foreach (string f in Directory.GetFiles(_folder.Path)) File.Delete(f);
        foreach (var (name, bytes) in _originals) File.WriteAllBytes(_folder.Combine(name), bytes);
        File.WriteAllBytes(_folder.Combine(FileOf(input)), input.Bytes);
        // One input in ten also puts a plain file beside a gzipped one (or the reverse): the plain one must win.
        string other = _folder.Combine(FileOf(input).EndsWith(".gz", StringComparison.Ordinal) ? FileOf(input)[..^3] : FileOf(input) + ".gz");
        if (input.Index % 10 == 0) File.WriteAllBytes(other, other.EndsWith(".gz", StringComparison.Ordinal) ? [0xDE, 0xAD] : input.Bytes);
    }

    // The file the loader reads for the mutated one's name: the plain one when both exist.
    private string Read(string file)
    {
        string plain = _folder.Combine(file.EndsWith(".gz", StringComparison.Ordinal) ? file[..^3] : file);
        return File.Exists(plain) ? plain : plain + ".gz";
    }

    private string? Consistent(FuzzInput input, MnistData data)
    {
        foreach (var (split, images, labels) in new[] { (data.Train, MnistLoader.TrainImagesFile, MnistLoader.TrainLabelsFile), (data.Test, MnistLoader.TestImagesFile, MnistLoader.TestLabelsFile) })
        {
            if (split.Height != 28 || split.Width != 28) return $"images are {split.Height}×{split.Width}";
            if (split.Images.Length != split.Count * 784) return $"{split.Images.Length} image bytes for {split.Count} images";
            if (split.Labels.Length != split.Count) return $"{split.Labels.Length} labels for {split.Count} images";
            if (split.Labels.Any(l => l > 9)) return "a label above 9";
            var idx = IdxFile.Read(Read(images));
            if (!idx.Data.AsSpan().SequenceEqual(split.Images)) return $"the images are not {images}'s";
            if (!IdxFile.Read(Read(labels)).Data.AsSpan().SequenceEqual(split.Labels)) return $"the labels are not {labels}'s";
        }
        return null;
    }

    [Fact]
    public void Fuzz_OneMutatedFileOfFour_LoadsConsistently_OrFailsNamingThatFile()
    {
        var campaign = new FuzzCampaign<MnistData>
        {
            Loader = "MnistLoader.Load",
            Seed = Seed,
            Prepare = Prepare,
            Load = _ => MnistLoader.Load(_folder.Path, "fuzz"),
            Source = input => Read(FileOf(input)),
            IsTypedError = e => e is DataFormatException,
            Check = Consistent,
            CheckMessage = (_, e) => new[] { "magic number", "dimension", "file", "data", "label", "images are", "gzip", "trailing", "truncated" }
                .Any(f => e.Problem.Contains(f, StringComparison.Ordinal)) ? null : "names no field",
            // Four files read through 64 KiB file buffers, the gzip buffer (1 MiB at most before data arrives), the data.
            AllocationBound = input => (2 << 20) + 8L * input.Bytes.Length + 8L * (IdxFuzzSeeds.Inflate(input.Bytes)?.Length ?? 0),
            Budget = TimeSpan.FromSeconds(30),
        };
        var result = campaign.Run(Inputs(Seed));
        result.AssertClean(_output, InputCount);
        Assert.True(result.Loaded > 20, "too few mutations keep a loadable set");
        Assert.Contains(result.Reasons.Keys, r => r.StartsWith("label … is", StringComparison.Ordinal));
        Assert.Contains(result.Reasons.Keys, r => r.StartsWith("label count", StringComparison.Ordinal));
        Assert.Contains(result.Reasons.Keys, r => r.StartsWith("images are", StringComparison.Ordinal));
    }
}
