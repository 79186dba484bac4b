using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VaeSharp.Engine.IO;

namespace VaeSharp.Engine.Tests.IO;

// Oracles: files built by hand here (header text + BinaryPrimitives floats) for the reader, and a
// minimal JSON parser written in this file (not System.Text.Json) for the writer's output.
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vaesharp-st-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // ---- building files by hand ----

    private static byte[] Craft(string headerJson, byte[] data) => Craft(Encoding.UTF8.GetBytes(headerJson), data);

    private static byte[] Craft(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    private static SafeTensorsFormatException AssertRejected(byte[] bytes, params string[] fragments)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(bytes, "bad.safetensors"));
        Assert.StartsWith("bad.safetensors: ", e.Message);
        Assert.Equal("bad.safetensors", e.FilePath);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
        return e;
    }

    // ---- reading a hand-made file ----

    [Fact]
    public void Read_HandBuiltFile_GivesTensorsInDataOrderWithMetadata()
    {
        // Header order (z first) differs from data order (a first); the reader reports data order.
        const string header = """
            {"z":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},
             "__metadata__":{"format":"pt","note":"é ü"},
             "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
             "s":{"dtype":"F32","shape":[],"data_offsets":[32,36]},
             "e":{"dtype":"F32","shape":[0,5],"data_offsets":[36,36]}}   
            """;
        byte[] data = Floats(1, 2, 3, 4, 5, 6, -1.5f, float.PositiveInfinity, 42);
        SafeTensorsContent content = SafeTensorsFile.Read(Craft(header, data));

        Assert.Equal(["a", "z", "s", "e"], content.Names);
        Assert.Equal([2, 3], content["a"].Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], content["a"].Data);
        Assert.Equal([-1.5f, float.PositiveInfinity], content["z"].Data);
        Assert.Empty(content["s"].Shape);
        Assert.Equal([42f], content["s"].Data);
        Assert.Equal([0, 5], content["e"].Shape);
        Assert.Empty(content["e"].Data);
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal("é ü", content.Metadata["note"]);
        Assert.False(content.TryGet("missing", out _));
    }

    [Fact]
    public void Read_FromPathAndNonSeekableStream_MatchesBytes()
    {
        byte[] bytes = Craft("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", Floats(7, 8, 9));
        string path = Path.Combine(_folder, "hand.safetensors");
        File.WriteAllBytes(path, bytes);

        Assert.Equal([7f, 8, 9], SafeTensorsFile.Read(path)["w"].Data);
        using var stream = new ForwardOnlyStream(bytes);
        Assert.Equal([7f, 8, 9], SafeTensorsFile.Read(stream)["w"].Data);
    }

    [Fact]
    public void Read_EmptyHeaderObject_GivesNoTensors()
    {
        SafeTensorsContent content = SafeTensorsFile.Read(Craft("{}      ", []));
        Assert.Empty(content.Tensors);
        Assert.Empty(content.Metadata);
    }

    // ---- malformed files: each is a clear error, never a crash ----

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Read_ShorterThan8Bytes_IsRejected(int length) =>
        AssertRejected(new byte[length], $"file is {length} bytes long", "shorter than the 8-byte header length");

    [Fact]
    public void Read_HeaderLengthBeyondFile_IsRejected()
    {
        byte[] bytes = Craft("{}", []);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        AssertRejected(bytes, "header length 1000 is larger than the 2 bytes that follow it");
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(ulong.MaxValue)]
    public void Read_AbsurdHeaderLength_IsRejectedWithoutAllocating(ulong length)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        AssertRejected(bytes, $"header length {length} exceeds the 100000000-byte limit");
    }

    [Fact]
    public void Read_ZeroHeaderLength_IsRejected() => AssertRejected(new byte[8], "header is empty");

    [Fact]
    public void Read_InvalidUtf8_IsRejected() =>
        AssertRejected(Craft([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), "not valid UTF-8");

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{} {}")]
    public void Read_InvalidJson_IsRejected(string header) => AssertRejected(Craft(header, []), "header is not valid JSON");

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("  {}")]
    [InlineData("\"x\"")]
    public void Read_HeaderNotAnObject_IsRejected(string header) => AssertRejected(Craft(header, []), "does not start with '{'");

    [Theory]
    [InlineData("""{"t":{"shape":[1],"data_offsets":[0,4]}}""", "tensor 't': missing field 'dtype'")]
    [InlineData("""{"t":{"dtype":"F32","data_offsets":[0,4]}}""", "tensor 't': missing field 'shape'")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1]}}""", "tensor 't': missing field 'data_offsets'")]
    [InlineData("""{"t":[1,2]}""", "tensor 't': entry is a JSON array, expected an object")]
    [InlineData("""{"t":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}""", "field 'dtype' is a JSON number, expected string")]
    [InlineData("""{"t":{"dtype":"F32","shape":4,"data_offsets":[0,4]}}""", "field 'shape' is a JSON number, expected array")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1],"data_offsets":"0-4"}}""", "field 'data_offsets' is a JSON string, expected array")]
    [InlineData("""{"t":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", "shape[0] is \"1\", expected an integer")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "shape[0] is 1.5, expected an integer")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "data_offsets has 1 elements, expected 2")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", "data_offsets has 3 elements, expected 2")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", "data_offsets begin is -4, expected a non-negative integer")]
    [InlineData("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,null]}}""", "data_offsets end is null, expected a non-negative integer")]
    [InlineData("""{"__metadata__":[],"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "'__metadata__' is a JSON array, expected an object of strings")]
    [InlineData("""{"__metadata__":{"epoch":3},"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "'__metadata__' entry 'epoch' is a JSON number, expected a string")]
    public void Read_MissingOrIllTypedField_IsRejected(string header, string expected) =>
        AssertRejected(Craft(header, Floats(1)), expected);

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("I64")]
    [InlineData("F64")]
    public void Read_OtherDtype_IsRejectedNamingTensorAndDtype(string dtype)
    {
        string header = $$$"""{"enc.w":{"dtype":"{{{dtype}}}","shape":[2],"data_offsets":[0,8]}}""";
        AssertRejected(Craft(header, new byte[8]), $"tensor 'enc.w' has dtype {dtype}; only F32 is supported");
    }

    [Fact]
    public void Read_OtherDtype_FromPath_NamesTheFile()
    {
        string path = Path.Combine(_folder, "half.safetensors");
        File.WriteAllBytes(path, Craft("""{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", new byte[4]));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        Assert.Equal($"{path}: tensor 'w' has dtype F16; only F32 is supported", e.Message);
    }

    [Fact]
    public void Read_NegativeDimension_IsRejected() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[2,-3],"data_offsets":[0,4]}}""", Floats(1)),
            "tensor 't': shape[1] is -3, dimensions must not be negative");

    [Fact]
    public void Read_ShapeProductOverflow_IsRejected() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}""", Floats(1)),
            "tensor 't'", "more elements than a 64-bit count can hold");

    [Fact]
    public void Read_ShapeTooLargeForOneArray_IsRejectedWithoutAllocating() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,17179869184]}}""", Floats(1)),
            "tensor 't'", "4294967296 elements, more than the");

    [Fact]
    public void Read_DimensionBeyondInt32_IsRejected() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[4294967296],"data_offsets":[0,4]}}""", Floats(1)),
            "shape[0] is 4294967296, larger than the largest supported dimension");

    [Fact]
    public void Read_OffsetsOutsideDataSection_AreRejected() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", Floats(1, 2)),
            "tensor 't': data_offsets [4, 12] lie outside the data section, which is 8 bytes long");

    [Fact]
    public void Read_HugeOffsets_AreRejectedWithoutAllocating() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}""", Floats(1)),
            "lie outside the data section, which is 4 bytes long");

    [Fact]
    public void Read_BeginGreaterThanEnd_IsRejected() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", Floats(1, 2, 3)),
            "tensor 't': data_offsets begin 8 is greater than end 4");

    [Fact]
    public void Read_SizeMismatch_IsRejected() =>
        AssertRejected(Craft("""{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", Floats(1, 2)),
            "tensor 't': shape [3] as F32 needs 12 bytes, but data_offsets [0, 8] span 8");

    [Fact]
    public void Read_OverlappingTensors_AreRejected() =>
        AssertRejected(Craft("""
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """, Floats(1, 2, 3)),
            "tensor 'b': data_offsets [4, 12] overlap tensor 'a', which ends at 8");

    [Fact]
    public void Read_TwoTensorsOnTheSameBytes_AreRejected() =>
        AssertRejected(Craft("""
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}
            """, Floats(1)),
            "overlap tensor 'a'");

    [Fact]
    public void Read_DuplicateTensorName_IsRejected() =>
        AssertRejected(Craft("""
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}
            """, Floats(1, 2)),
            "key 'a' appears more than once");

    [Fact]
    public void Read_DuplicateMetadataKey_IsRejected() =>
        AssertRejected(Craft("""{"__metadata__":{"k":"1","k":"2"}}""", []), "'__metadata__' key 'k' appears more than once");

    [Fact]
    public void Read_HoleBetweenTensors_IsRejected() =>
        AssertRejected(Craft("""
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
            """, Floats(1, 2, 3)),
            "bytes [4, 8) of the data section belong to no tensor");

    [Fact]
    public void Read_HoleAtStart_IsRejected() =>
        AssertRejected(Craft("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", Floats(1, 2)),
            "bytes [0, 4) of the data section belong to no tensor");

    [Fact]
    public void Read_TrailingBytesAfterLastTensor_AreRejected() =>
        AssertRejected(Craft("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Floats(1, 2)),
            "the data section is 8 bytes but the tensors cover only 4");

    [Fact]
    public void Read_TruncatedData_IsRejected()
    {
        byte[] whole = Craft("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", Floats(1, 2, 3, 4));
        AssertRejected(whole[..^5], "lie outside the data section, which is 11 bytes long");
    }

    [Fact]
    public void Read_EveryTruncationOfAValidFile_GivesAFormatError()
    {
        byte[] whole = SafeTensorsFile.ToBytes([new SafeTensor("a", [2, 2], [1, 2, 3, 4]), new SafeTensor("b", [1], [5])]);
        for (int length = 0; length < whole.Length; length++)
            Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(whole[..length]));
    }

    // ---- writing ----

    [Fact]
    public void Write_ThenRead_RoundTripsExactly()
    {
        var random = new System.Random(1234);
        float[] Randoms(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        SafeTensor[] tensors =
        [
            new("encoder.fc1.weight", [400, 784], Randoms(400 * 784)),
            new("encoder.fc1.bias", [400], Randoms(400)),
            new("decoder.fc4.weight", [784, 400], Randoms(784 * 400)),
            new("scalar", [], [float.NaN]),
            new("empty", [3, 0], []),
            new("special", [4], [float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue]),
        ];
        string path = Path.Combine(_folder, "model.safetensors");

        SafeTensorsFile.Write(path, tensors);
        SafeTensorsContent content = SafeTensorsFile.Read(path);

        Assert.Equal(tensors.Select(t => t.Name).Order(StringComparer.Ordinal), content.Names);
        foreach (SafeTensor expected in tensors)
        {
            SafeTensor actual = content[expected.Name];
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Data.Select(BitConverter.SingleToInt32Bits), actual.Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Empty(content.Metadata);
        Assert.Single(Directory.GetFiles(_folder)); // no temporary file left behind
    }

    [Fact]
    public void Write_Metadata_RoundTrips()
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["config"] = """{"latent":20,"name":"vae \"β\""}""", ["empty"] = "" };
        byte[] bytes = SafeTensorsFile.ToBytes([new SafeTensor("w", [1], [1f])], metadata);
        SafeTensorsContent content = SafeTensorsFile.Read(bytes);
        Assert.Equal(metadata.OrderBy(p => p.Key), content.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void Write_KnownTensors_GivesExactlyTheExpectedHeader()
    {
        byte[] bytes = SafeTensorsFile.ToBytes(
            [new SafeTensor("b", [2], [3f, 4f]), new SafeTensor("a", [1, 2], [1f, 2f])],
            new Dictionary<string, string> { ["z"] = "2", ["format"] = "pt" });

        const string expected = """{"__metadata__":{"format":"pt","z":"2"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""";
        int padded = (expected.Length + 7) / 8 * 8;
        Assert.Equal((ulong)padded, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(expected.PadRight(padded), Encoding.UTF8.GetString(bytes, 8, padded));
        Assert.Equal(Floats(1, 2, 3, 4), bytes[(8 + padded)..]);
    }

    [Fact]
    public void Write_Output_ParsesWithAnIndependentMinimalParser()
    {
        SafeTensor[] tensors =
        [
            new("layer.weight", [2, 3], [1, 2, 3, 4, 5, 6]),
            new("layer.bias", [2], [-1, 1]),
            new("a+b<c>", [], [0.25f]),
        ];
        byte[] bytes = SafeTensorsFile.ToBytes(tensors, new Dictionary<string, string> { ["format"] = "pt" });

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);
        string text = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.EndsWith("}", text.TrimEnd(' ')); // padding is spaces only
        var header = (Dictionary<string, object>)new MiniJson(text).ParseDocument();

        Assert.Equal(["__metadata__", "a+b<c>", "layer.bias", "layer.weight"], header.Keys);
        Assert.Equal("pt", ((Dictionary<string, object>)header["__metadata__"])["format"]);
        long expectedBegin = 0;
        foreach (string name in header.Keys.Skip(1))
        {
            var entry = (Dictionary<string, object>)header[name];
            Assert.Equal("F32", entry["dtype"]);
            long[] shape = ((List<object>)entry["shape"]).Cast<long>().ToArray();
            long[] offsets = ((List<object>)entry["data_offsets"]).Cast<long>().ToArray();
            SafeTensor original = tensors.Single(t => t.Name == name);
            Assert.Equal(original.Shape.Select(d => (long)d), shape);
            Assert.Equal(expectedBegin, offsets[0]);
            Assert.Equal(original.Data.Length * 4L, offsets[1] - offsets[0]);
            int start = 8 + (int)n + (int)offsets[0];
            for (int i = 0; i < original.Data.Length; i++)
                Assert.Equal(original.Data[i], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + 4 * i)));
            expectedBegin = offsets[1];
        }
        Assert.Equal(bytes.Length - 8 - (long)n, expectedBegin);
    }

    [Fact]
    public void Write_ReplacesAnExistingFileAtomically()
    {
        string path = Path.Combine(_folder, "m.safetensors");
        SafeTensorsFile.Write(path, [new SafeTensor("old", [1], [1f])]);
        SafeTensorsFile.Write(path, [new SafeTensor("new", [1], [2f])]);
        Assert.Equal(["new"], SafeTensorsFile.Read(path).Names);
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Write_InvalidTensor_ThrowsAndLeavesNoFile()
    {
        string path = Path.Combine(_folder, "bad.safetensors");
        var mismatch = Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("w", [2, 2], [1f, 2f, 3f])]));
        Assert.Contains("shape [2, 2] has 4 elements but the data has 3", mismatch.Message);
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1f]), new SafeTensor("w", [1], [2f])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("__metadata__", [1], [1f])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("", [1], [1f])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("n", [-1], [])]));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    // A stream that cannot seek, as from a pipe or a network.
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    // Just enough JSON for a safetensors header: objects (key order kept), arrays, strings with
    // simple escapes, integers. Independent of System.Text.Json on purpose.
    private sealed class MiniJson(string text)
    {
        private int _at;

        public object ParseDocument()
        {
            object value = ParseValue();
            SkipSpace();
            Assert.Equal(text.Length, _at);
            return value;
        }

        private object ParseValue()
        {
            SkipSpace();
            char c = text[_at];
            if (c == '{') return ParseObject();
            if (c == '[') return ParseArray();
            if (c == '"') return ParseString();
            int start = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '-')) _at++;
            return long.Parse(text.AsSpan(start, _at - start), CultureInfo.InvariantCulture);
        }

        private Dictionary<string, object> ParseObject()
        {
            var result = new Dictionary<string, object>();
            Expect('{');
            SkipSpace();
            if (text[_at] == '}') { _at++; return result; }
            while (true)
            {
                SkipSpace();
                string key = ParseString();
                SkipSpace();
                Expect(':');
                result.Add(key, ParseValue());
                SkipSpace();
                if (text[_at++] == '}') return result;
                Assert.Equal(',', text[_at - 1]);
            }
        }

        private List<object> ParseArray()
        {
            var result = new List<object>();
            Expect('[');
            SkipSpace();
            if (text[_at] == ']') { _at++; return result; }
            while (true)
            {
                result.Add(ParseValue());
                SkipSpace();
                if (text[_at++] == ']') return result;
                Assert.Equal(',', text[_at - 1]);
            }
        }

        private string ParseString()
        {
            Expect('"');
            var result = new StringBuilder();
            while (text[_at] != '"')
            {
                char c = text[_at++];
                if (c == '\\')
                {
                    char escaped = text[_at++];
                    result.Append(escaped switch { 'n' => '\n', 't' => '\t', _ => escaped });
                    Assert.NotEqual('u', escaped);
                }
                else result.Append(c);
            }
            _at++;
            return result.ToString();
        }

        private void Expect(char c) => Assert.Equal(c, text[_at++]);

        private void SkipSpace()
        {
            while (_at < text.Length && text[_at] == ' ') _at++;
        }
    }
}
