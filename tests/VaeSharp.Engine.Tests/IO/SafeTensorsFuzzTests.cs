using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using VaeSharp.Engine.IO;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VaeSharp.Engine.Tests.IO;

// SafeTensorsFile.Read over mutated files: byte mutations of whole files, every interesting value of the
// 8-byte header length, truncations at every field boundary, JSON mutations of the header (dtype, shape,
// data_offsets, __metadata__, names, duplicate keys, deep nesting, type confusion) re-packed with a fitting
// or a stale length, and NaN/±Inf/-0/denormal floats in the data. Every input loads — and then its tensors'
// data, in file order, is the data section byte for byte and each shape's product is its length — or is a
// SafeTensorsFormatException naming the file and the part of the header at fault.
public sealed class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const int InputCount = 3000;
    private const ulong FuzzSeedValue = 15;
    private const string Source = "fuzz.safetensors";

    private static readonly string[] Places = ["header", "tensor '", "data section", "file", MetadataKeyText, "key '", "the string at '", "a key in '"];
    private const string MetadataKeyText = "'__metadata__'";

    private static FuzzSeed Describe(string name, byte[] file)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        int dataStart = 8 + (int)headerLength;
        var boundaries = new List<(int, string)> { (0, "header length"), (8, "header"), (dataStart, "data") };
        var content = SafeTensorsFile.Read(file);
        int at = dataStart;
        foreach (var t in content.Tensors)
        {
            boundaries.Add((at, $"data of '{t.Name}'"));
            at += t.Data.Length * 4;
        }
        boundaries.Add((file.Length - 4, "last float"));
        return new FuzzSeed(name, file, boundaries, [new IntField("header length", 0, 8, BigEndian: false)]);
    }

    private static List<FuzzSeed> Seeds()
    {
        var rng = new RandomGenerator(3);
        float[] Values(int n) { var v = new float[n]; rng.FillNormal(v); return v; }
        byte[] mixed = SafeTensorsFile.ToBytes(
            [new("a", [2, 3], Values(6)), new("b", [4], Values(4)), new("s", [], Values(1)), new("e", [0, 5], [])],
            new Dictionary<string, string> { ["format"] = "pt" });
        byte[] model = SafeTensorsFile.ToBytes([new("encoder.fc1.weight", [3, 4], Values(12)), new("encoder.fc1.bias", [3], Values(3))]);
        // Hand-made: header keys not in data order, padded with spaces, metadata last.
        string header = """{"z":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]},"y":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}     """;
        byte[] hand = Pack(Encoding.UTF8.GetBytes(header), MemoryMarshal.AsBytes(Values(4).AsSpan()).ToArray());
        return [Describe("mixed", mixed), Describe("model", model), Describe("hand", hand)];
    }

    private static byte[] Pack(byte[] header, byte[] data, ulong? length = null)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, length ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static IEnumerable<FuzzInput> Inputs(ulong seed)
    {
        var seeds = Seeds();
        var rng = new RandomGenerator(seed);
        var bytes = new ByteMutator(rng);
        var json = new JsonMutator(rng);
        int index = 0;
        foreach (var s in seeds)
        {
            foreach (var (m, b) in ByteMutator.BoundaryTruncations(s)) yield return new FuzzInput(index++, m, b);
            foreach (var (m, b) in ByteMutator.IntFieldSweep(s)) yield return new FuzzInput(index++, m, b);
        }
        while (index < InputCount)
        {
            var s = seeds[rng.NextInt(seeds.Count)];
            int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(s.Bytes);
            byte[] header = s.Bytes[8..(8 + headerLength)], data = s.Bytes[(8 + headerLength)..];
            switch (rng.NextInt(6))
            {
                case 0:
                case 1:
                {
                    var (m, b) = bytes.Mutate(s);
                    yield return new FuzzInput(index++, m, b);
                    break;
                }
                case 5:
                {
                    // A special float somewhere in the data: it must come back bit for bit.
                    float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue, BitConverter.Int32BitsToSingle(0x7FC00001)];
                    float value = specials[rng.NextInt(specials.Length)];
                    var b = (byte[])s.Bytes.Clone();
                    int slot = rng.NextInt(data.Length / 4);
                    BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(8 + headerLength + 4 * slot), value);
                    yield return new FuzzInput(index++, $"{s.Name}: float {slot} := {value} (0x{BitConverter.SingleToInt32Bits(value):X8})", b);
                    break;
                }
                default:
                {
                    var (m, text) = json.Mutate(Encoding.UTF8.GetString(header).TrimEnd(' '));
                    byte[] newHeader = Encoding.UTF8.GetBytes(text + new string(' ', rng.NextInt(4) == 0 ? rng.NextInt(8) : 0));
                    bool stale = rng.NextInt(8) == 0;
                    yield return new FuzzInput(index++, $"{s.Name}: header {m}{(stale ? " (old length kept)" : "")}",
                        Pack(newHeader, data, stale ? (ulong)headerLength : null));
                    break;
                }
            }
        }
    }

    private static string? Consistent(FuzzInput input, SafeTensorsContent content)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(input.Bytes);
        var dataSection = input.Bytes.AsSpan(8 + (int)headerLength);
        var concatenated = new List<byte>();
        foreach (var t in content.Tensors)
        {
            long product = 1;
            foreach (int d in t.Shape) product *= d;
            if (product != t.Data.Length) return $"tensor '{t.Name}': shape [{string.Join(",", t.Shape)}] but {t.Data.Length} values";
            if (!ReferenceEquals(content[t.Name], t)) return $"lookup of '{t.Name}' gives another tensor";
            concatenated.AddRange(MemoryMarshal.AsBytes(t.Data.AsSpan()).ToArray());
        }
        if (!dataSection.SequenceEqual(concatenated.ToArray())) return "the tensors' data is not the data section, byte for byte";
        if (content.Metadata.Values.Any(v => v is null)) return "a null metadata value";
        return null;
    }

    [Fact]
    public void Fuzz_MutatedFiles_LoadConsistently_OrFailWithTheTypedError()
    {
        var campaign = new FuzzCampaign<SafeTensorsContent>
        {
            Loader = "SafeTensorsFile.Read",
            Seed = FuzzSeedValue,
            Load = input => SafeTensorsFile.Read(input.Bytes, Source),
            Source = _ => Source,
            IsTypedError = e => e is SafeTensorsFormatException,
            Check = Consistent,
            CheckMessage = (_, e) => Places.Any(p => e.Problem.Contains(p, StringComparison.Ordinal)) ? null : "names no part of the file",
            // The header is copied and parsed (a JsonDocument is a few times its size), the data copied once.
            AllocationBound = input => 64 * 1024 + 16L * input.Bytes.Length,
            Budget = TimeSpan.FromSeconds(30),
        };
        var result = campaign.Run(Inputs(FuzzSeedValue));
        result.AssertClean(output, InputCount);
        // The mutations reach every field check, not only the JSON parser.
        foreach (string check in new[] { "dtype", "shape[", "data_offsets", "appears more than once", "not valid JSON", "expected an object of strings", "missing field", "header length", "not valid text" })
            Assert.True(result.Reasons.Keys.Any(r => r.Contains(check, StringComparison.Ordinal)), $"no input reached the '{check}' check");
    }

    [Theory]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    [InlineData(SafeTensorsFile.MaxHeaderLength)]
    public void HeaderLength_Huge_FailsFast_WithoutAllocatingIt(ulong claimed)
    {
        var file = Pack(Encoding.UTF8.GetBytes("{}"), [], claimed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(file, Source));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024, "allocated as the header length claims");
        Assert.StartsWith(Source + ": header length", e.Message);
    }

    [Theory]
    [InlineData("[1048576,1048576]", "[0,4398046511104]")]   // 2^40 elements
    [InlineData("[1073741824]", "[0,4294967296]")]           // 2^30 elements, in range of one array, not of the file
    [InlineData("[4294967296,4294967296,4294967296]", "[0,16]")]
    [InlineData("[-1,4]", "[0,16]")]
    public void Shape_Huge_Or_Negative_FailsFast_WithoutAllocatingIt(string shape, string offsets)
    {
        var file = Pack(Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}"), new byte[16]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(file, Source));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "allocated as the shape claims");
        Assert.StartsWith(Source + ": tensor 'w'", e.Message);
    }

    [Fact]
    public void Read_FromAPath_NamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaesharp-fuzz-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, Seeds()[0].Bytes[..40]);
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
            Assert.Equal(path, e.FilePath);
            Assert.StartsWith(path + ": ", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("safetensors-lone-surrogate-dtype.safetensors", "the string at 'z.dtype' is not valid text")]
    [InlineData("safetensors-lone-surrogate-key.safetensors", "a key in the header is not valid text")]
    [InlineData("safetensors-lone-surrogate-metadata.safetensors", "the string at '__metadata__.format' is not valid text")]
    public void Fixture_FoundByFuzzing_FailsWithTheTypedError(string name, string problem)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", name);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        Assert.StartsWith($"{path}: {problem}", e.Message);
    }
}
