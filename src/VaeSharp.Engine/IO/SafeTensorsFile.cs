using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace VaeSharp.Engine.IO;

// Reads and writes the safetensors format (huggingface/safetensors, README "Format"):
//   8 bytes   N, little-endian u64: the header length
//   N bytes   UTF-8 JSON object: name -> {"dtype", "shape", "data_offsets": [begin, end)}, plus an
//             optional "__metadata__" string->string map; may be padded at the end with spaces
//   rest      the data section; offsets are relative to its start; little-endian, row-major
// Only F32 is accepted. The reader treats the file as hostile: every number in the header is
// checked (against the file length, the shape, the other tensors) before anything is allocated
// or read, and every string is checked to be text (JSON can escape half a surrogate pair), so a
// bad file gives a SafeTensorsFormatException naming the file and the problem,
// never an out-of-range read or a huge allocation. Like the reference implementation it demands
// that the tensors cover the data section exactly: no overlaps, no holes, no trailing bytes.
// The writer sorts tensors by name (ordinal), lays their data out in that order, puts
// "__metadata__" first, and pads the header with spaces to a multiple of 8 bytes.

/// <summary>Reads and writes float32 tensors in the safetensors format (the format PyTorch's <c>safetensors</c> package uses).</summary>
public static class SafeTensorsFile
{
    /// <summary>The largest header accepted, in bytes (100 MB, the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The key of the optional string-to-string metadata object in the header.</summary>
    public const string MetadataKey = "__metadata__";

    private const string SupportedDtype = "F32";
    private const int BytesPerElement = sizeof(float);

    // One tensor entry of a parsed header; offsets are relative to the data section.
    private readonly record struct Entry(string Name, int[] Shape, int Count, long Begin, long End);

    /// <summary>Writes the tensors to <paramref name="path"/> atomically (temporary file in the same folder, then rename).</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="tensors">The tensors; names must be unique and non-empty, and each shape must match its data.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <exception cref="ArgumentException">A tensor is invalid (see <paramref name="tensors"/>).</exception>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<SafeTensor> sorted = ValidateForWrite(tensors, metadata);
        AtomicFile.Write(path, stream => WriteSorted(stream, sorted, metadata));
    }

    /// <summary>Writes the tensors in the safetensors format to <paramref name="stream"/>, starting at its current position.</summary>
    /// <param name="stream">A writable stream; it is not disposed.</param>
    /// <param name="tensors">The tensors; names must be unique and non-empty, and each shape must match its data.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <exception cref="ArgumentException">A tensor is invalid (see <paramref name="tensors"/>).</exception>
    public static void Write(Stream stream, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteSorted(stream, ValidateForWrite(tensors, metadata), metadata);
    }

    /// <summary>Serializes the tensors in the safetensors format into a new byte array.</summary>
    /// <param name="tensors">The tensors; names must be unique and non-empty, and each shape must match its data.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <returns>The complete file content.</returns>
    public static byte[] ToBytes(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var memory = new MemoryStream();
        Write(memory, tensors, metadata);
        return memory.ToArray();
    }

    /// <summary>Reads a safetensors file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors in the order their data appears in the file, and the metadata.</returns>
    /// <exception cref="SafeTensorsFormatException">The file is malformed or holds a dtype other than F32; the message names the file and the problem.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(stream, stream.Length, path);
    }

    /// <summary>Reads safetensors content from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed. A non-seekable stream is buffered in memory first.</param>
    /// <param name="sourceName">The name used in error messages (e.g. a file name); default <c>&lt;stream&gt;</c>.</param>
    /// <returns>The tensors in the order their data appears in the file, and the metadata.</returns>
    /// <exception cref="SafeTensorsFormatException">The content is malformed or holds a dtype other than F32.</exception>
    public static SafeTensorsContent Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string source = sourceName ?? "<stream>";
        if (stream.CanSeek) return ReadCore(stream, stream.Length - stream.Position, source);

        using var buffered = new MemoryStream();
        stream.CopyTo(buffered);
        buffered.Position = 0;
        return ReadCore(buffered, buffered.Length, source);
    }

    /// <summary>Reads safetensors content from a byte array holding a whole file.</summary>
    /// <param name="bytes">The file content.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;bytes&gt;</c>.</param>
    /// <returns>The tensors in the order their data appears in the file, and the metadata.</returns>
    /// <exception cref="SafeTensorsFormatException">The content is malformed or holds a dtype other than F32.</exception>
    public static SafeTensorsContent Read(byte[] bytes, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ReadCore(stream, bytes.Length, sourceName ?? "<bytes>");
    }

    // ---- reading ----

    private static SafeTensorsContent ReadCore(Stream stream, long length, string source)
    {
        if (length < 8)
            throw Fail(source, $"file is {length} bytes long, shorter than the 8-byte header length that starts a safetensors file");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, source);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
            throw Fail(source, $"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit (not a safetensors file, or corrupt)");
        if ((long)headerLength > length - 8)
            throw Fail(source, $"header length {headerLength} is larger than the {length - 8} bytes that follow it (file truncated or corrupt)");

        var header = new byte[(int)headerLength];
        ReadExactly(stream, header, source);
        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(header, source);

        long dataLength = length - 8 - (long)headerLength;
        CheckLayout(entries, dataLength, source);

        // CheckLayout sorted the entries by offset and proved they tile [0, dataLength) exactly,
        // so the data section can be read front to back.
        var tensors = new List<SafeTensor>(entries.Count);
        foreach (Entry entry in entries)
        {
            var data = new float[entry.Count];
            Span<byte> bytes = MemoryMarshal.AsBytes(data.AsSpan());
            ReadExactly(stream, bytes, source);
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> words = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(words, words);
            }
            tensors.Add(new SafeTensor(entry.Name, entry.Shape, data));
        }
        return new SafeTensorsContent(tensors, metadata);
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string source)
    {
        if (header.Length == 0) throw Fail(source, "header is empty (length 0); it must be a JSON object");
        if (!Utf8.IsValid(header)) throw Fail(source, "header is not valid UTF-8");
        if (header[0] != (byte)'{') throw Fail(source, "header does not start with '{'; it must be a JSON object");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Fail(source, $"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            // The first byte is '{' and the parse succeeded, so the root is an object.
            JsonElement root = document.RootElement;
            CheckText(root, "", source);
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Fail(source, $"key '{property.Name}' appears more than once in the header");
                if (property.Name == MetadataKey)
                    ParseMetadata(property.Value, metadata, source);
                else
                    entries.Add(ParseEntry(property.Name, property.Value, source));
            }
            return (entries, metadata);
        }
    }

    // JSON lets a string escape half a UTF-16 surrogate pair ("\ud800"), which no .NET string can hold
    // (JsonElement.GetString and JsonProperty.Name throw InvalidOperationException); such a header is refused here,
    // naming where the string is, before any field is read.
    private static void CheckText(JsonElement element, string path, string source)
    {
        const string problem = "is not valid text (a \\uD800–\\uDFFF escape without its other half)";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string name;
                    try { name = property.Name; }
                    catch (InvalidOperationException e) { throw Fail(source, $"a key in {(path.Length == 0 ? "the header" : $"'{path}'")} {problem}", e); }
                    CheckText(property.Value, path.Length == 0 ? name : $"{path}.{name}", source);
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray()) CheckText(item, $"{path}[{i++}]", source);
                break;
            case JsonValueKind.String:
                try { _ = element.GetString(); }
                catch (InvalidOperationException e) { throw Fail(source, $"the string at '{path}' {problem}", e); }
                break;
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"'{MetadataKey}' is a JSON {Describe(value.ValueKind)}, expected an object of strings");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Fail(source, $"'{MetadataKey}' entry '{item.Name}' is a JSON {Describe(item.Value.ValueKind)}, expected a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw Fail(source, $"'{MetadataKey}' key '{item.Name}' appears more than once");
        }
    }

    private static Entry ParseEntry(string name, JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"tensor '{name}': entry is a JSON {Describe(value.ValueKind)}, expected an object with dtype, shape and data_offsets");

        JsonElement dtype = Field(value, name, "dtype", JsonValueKind.String, source);
        string dtypeName = dtype.GetString()!;
        if (dtypeName != SupportedDtype)
            throw Fail(source, $"tensor '{name}' has dtype {dtypeName}; only {SupportedDtype} is supported");

        JsonElement shapeElement = Field(value, name, "shape", JsonValueKind.Array, source);
        var shape = new int[shapeElement.GetArrayLength()];
        ulong count = 1;
        bool overflow = false;
        int i = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d))
                throw Fail(source, $"tensor '{name}': shape[{i}] is {dim.GetRawText()}, expected an integer");
            if (d < 0)
                throw Fail(source, $"tensor '{name}': shape[{i}] is {d}, dimensions must not be negative");
            if (d > int.MaxValue)
                throw Fail(source, $"tensor '{name}': shape[{i}] is {d}, larger than the largest supported dimension {int.MaxValue}");
            shape[i++] = (int)d;
            if (!overflow)
            {
                UInt128 product = (UInt128)count * (ulong)d;
                if (product > ulong.MaxValue) overflow = true;
                else count = (ulong)product;
            }
        }
        if (overflow)
            throw Fail(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] has more elements than a 64-bit count can hold");
        if (count > (ulong)Array.MaxLength)
            throw Fail(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] has {count} elements, more than the {Array.MaxLength} one array can hold");

        JsonElement offsets = Field(value, name, "data_offsets", JsonValueKind.Array, source);
        if (offsets.GetArrayLength() != 2)
            throw Fail(source, $"tensor '{name}': data_offsets has {offsets.GetArrayLength()} elements, expected 2 ([begin, end])");
        long begin = Offset(offsets[0], name, "begin", source);
        long end = Offset(offsets[1], name, "end", source);
        if (begin > end)
            throw Fail(source, $"tensor '{name}': data_offsets begin {begin} is greater than end {end}");

        long expectedBytes = (long)count * BytesPerElement;
        if (end - begin != expectedBytes)
            throw Fail(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] as F32 needs {expectedBytes} bytes, but data_offsets [{begin}, {end}] span {end - begin}");

        return new Entry(name, shape, (int)count, begin, end);
    }

    private static JsonElement Field(JsonElement entry, string name, string field, JsonValueKind kind, string source)
    {
        if (!entry.TryGetProperty(field, out JsonElement value))
            throw Fail(source, $"tensor '{name}': missing field '{field}'");
        if (value.ValueKind != kind)
            throw Fail(source, $"tensor '{name}': field '{field}' is a JSON {Describe(value.ValueKind)}, expected {Describe(kind)}");
        return value;
    }

    private static long Offset(JsonElement element, string name, string which, string source)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long offset) || offset < 0)
            throw Fail(source, $"tensor '{name}': data_offsets {which} is {element.GetRawText()}, expected a non-negative integer");
        return offset;
    }

    // Sorts the entries by offset and checks that they tile the data section exactly.
    private static void CheckLayout(List<Entry> entries, long dataLength, string source)
    {
        foreach (Entry entry in entries)
        {
            if (entry.End > dataLength)
                throw Fail(source, $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] lie outside the data section, which is {dataLength} bytes long");
        }

        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        string? previous = null;
        foreach (Entry entry in entries)
        {
            if (entry.Begin < covered)
                throw Fail(source, $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous}', which ends at {covered}");
            if (entry.Begin > covered)
                throw Fail(source, $"bytes [{covered}, {entry.Begin}) of the data section belong to no tensor; the format does not allow holes");
            covered = entry.End;
            previous = entry.Name;
        }
        if (covered != dataLength)
            throw Fail(source, $"the data section is {dataLength} bytes but the tensors cover only {covered}; the format does not allow trailing bytes");
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw Fail(source, "file ended before the data it declares (truncated while reading)", e);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static SafeTensorsFormatException Fail(string source, string problem, Exception? inner = null) =>
        new(source, problem, inner);

    // ---- writing ----

    private static List<SafeTensor> ValidateForWrite(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<SafeTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in tensors)
        {
            if (tensor is null) throw new ArgumentException("A tensor is null.", nameof(tensors));
            if (string.IsNullOrEmpty(tensor.Name)) throw new ArgumentException("A tensor has an empty name.", nameof(tensors));
            if (tensor.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            if (!names.Add(tensor.Name)) throw new ArgumentException($"Two tensors are named '{tensor.Name}'.", nameof(tensors));
            if (tensor.Shape is null || tensor.Data is null) throw new ArgumentException($"Tensor '{tensor.Name}' has a null shape or data.", nameof(tensors));

            long count = 1;
            foreach (int dim in tensor.Shape)
            {
                if (dim < 0) throw new ArgumentException($"Tensor '{tensor.Name}' has a negative dimension in shape [{string.Join(", ", tensor.Shape)}].", nameof(tensors));
                count = checked(count * dim);
            }
            if (count != tensor.Data.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}': shape [{string.Join(", ", tensor.Shape)}] has {count} elements but the data has {tensor.Data.Length}.", nameof(tensors));
            list.Add(tensor);
        }
        if (metadata is not null)
        {
            foreach ((string key, string value) in metadata)
            {
                if (key is null || value is null) throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
            }
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    private static void WriteSorted(Stream stream, List<SafeTensor> sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        byte[] header = BuildHeader(sorted, metadata);
        int padded = (header.Length + 7) & ~7;

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(header);
        for (int i = header.Length; i < padded; i++) stream.WriteByte((byte)' ');

        Span<byte> word = stackalloc byte[4];
        foreach (SafeTensor tensor in sorted)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
                continue;
            }
            foreach (float value in tensor.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(word, value);
                stream.Write(word);
            }
        }
    }

    private static byte[] BuildHeader(List<SafeTensor> sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps names such as "a+b" readable; the output is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (string key in metadata.Keys.Order(StringComparer.Ordinal))
                    json.WriteString(key, metadata[key]);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafeTensor tensor in sorted)
            {
                long end = offset + (long)tensor.Data.Length * BytesPerElement;
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SupportedDtype);
                json.WriteStartArray("shape");
                foreach (int dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
