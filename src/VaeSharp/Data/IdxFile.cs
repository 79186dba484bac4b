using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeSharp.Data;

// Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., yann.lecun.com/exdb/mnist):
//   magic  4 bytes: 0x00 0x00 <type> <rank>       dims  rank × 4-byte big-endian unsigned sizes
//   data   the product of the sizes, in elements of <type>, row-major
// Plain or gzip-compressed, told apart by gzip's 0x1F 0x8B magic (not by the file name).
// Only type 0x08 (unsigned byte) is accepted, ranks 1 to 4, positive sizes. The data must be
// exactly as long as the sizes say: a truncated file or trailing bytes are errors. Memory grows
// with the data actually present, never with sizes a header merely claims. Every failure is a
// DataFormatException naming the file, the field, and the expected and actual values.

/// <summary>The contents of an IDX file (MNIST format): its dimensions and its unsigned-byte data.</summary>
public sealed class IdxFile
{
    /// <summary>The element type code for unsigned bytes, the only type supported.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>The largest rank accepted.</summary>
    public const int MaxRank = 4;

    private IdxFile(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The sizes, outermost first (e.g. 60000, 28, 28 for MNIST training images).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The number of dimensions, 1 to 4.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>The elements, row-major; its length is the product of <see cref="Dimensions"/>.</summary>
    public byte[] Data { get; }

    /// <summary>Writes an unsigned-byte IDX file (plain, atomically): the magic, <paramref name="dimensions"/> big-endian, then <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The rank is not 1 to 4, a size is not positive, or the data is not as long as the sizes say.</exception>
    public static void Write(string path, IReadOnlyList<int> dimensions, ReadOnlySpan<byte> data)
    {
        if (dimensions.Count is < 1 or > MaxRank) throw new ArgumentException($"IDX rank {dimensions.Count}: expected 1 to {MaxRank}.");
        long product = 1;
        foreach (int d in dimensions)
        {
            if (d <= 0) throw new ArgumentException($"IDX size {d}: expected a positive size.");
            product *= d;
        }
        if (product != data.Length) throw new ArgumentException($"IDX sizes [{string.Join(", ", dimensions)}] hold {product} bytes; got {data.Length}.");
        var file = new byte[4 + 4 * dimensions.Count + data.Length];
        file[2] = UnsignedByteType;
        file[3] = (byte)dimensions.Count;
        for (int i = 0; i < dimensions.Count; i++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(file.AsSpan(4 + 4 * dimensions.Count));
        Engine.IO.AtomicFile.Write(path, s => s.Write(file));
    }

    /// <summary>Reads an IDX file, plain or gzip-compressed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedRank">If given, the rank the file must have (e.g. 3 for images, 1 for labels).</param>
    /// <returns>The dimensions and data.</returns>
    /// <exception cref="DataFormatException">The file is not a valid unsigned-byte IDX file (of the expected rank).</exception>
    public static IdxFile Read(string path, int? expectedRank = null) => Read(path, expectedRank, contents: null);

    /// <summary>Reads IDX content, plain or gzip-compressed, from <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    /// <param name="sourceName">The name used in error messages; default <c>&lt;stream&gt;</c>.</param>
    /// <param name="expectedRank">If given, the rank the content must have.</param>
    /// <returns>The dimensions and data.</returns>
    /// <exception cref="DataFormatException">The content is not a valid unsigned-byte IDX file (of the expected rank).</exception>
    public static IdxFile Read(Stream stream, string? sourceName = null, int? expectedRank = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream, sourceName ?? "<stream>", expectedRank, contents: null);
    }

    // `contents` describes what the file should hold ("images", "labels") for the messages.
    internal static IdxFile Read(string path, int? expectedRank, string? contents)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(file, path, expectedRank, contents);
    }

    private static IdxFile ReadCore(Stream stream, string source, int? expectedRank, string? contents)
    {
        if (expectedRank is < 1 or > MaxRank)
            throw new ArgumentOutOfRangeException(nameof(expectedRank), expectedRank, $"An IDX rank is 1 to {MaxRank}.");

        Stream seekable = stream;
        MemoryStream? buffered = null;
        if (!stream.CanSeek)
        {
            buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            seekable = buffered;
        }
        using (buffered)
        {
            long start = seekable.Position;
            Span<byte> probe = stackalloc byte[2];
            bool gzip = seekable.ReadAtLeast(probe, 2, throwOnEndOfStream: false) == 2 && probe[0] == 0x1F && probe[1] == 0x8B;
            seekable.Position = start;
            if (!gzip) return ReadIdx(seekable, seekable.Length - start, source, expectedRank, contents, compressed: false);

            try
            {
                using var unzipped = new GZipStream(seekable, CompressionMode.Decompress, leaveOpen: true);
                return ReadIdx(unzipped, knownLength: null, source, expectedRank, contents, compressed: true);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(source, $"gzip data is corrupt: {e.Message}", e);
            }
        }
    }

    // knownLength: the byte count of a plain file, checked before any data is allocated; null for gzip.
    private static IdxFile ReadIdx(Stream stream, long? knownLength, string source, int? expectedRank, string? contents, bool compressed)
    {
        string what = compressed ? "decompressed data" : "file";
        Span<byte> magicBytes = stackalloc byte[4];
        int got = stream.ReadAtLeast(magicBytes, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw Fail(source, $"{what} is {got} bytes long, too short for the 4-byte magic number");

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        byte type = magicBytes[2], rank = magicBytes[3];
        string expectation = expectedRank is int r
            ? $", expected 0x{0x800 | r:X8} ({(contents is null ? "" : contents + ", ")}rank {r})"
            : "";
        if (magicBytes[0] != 0 || magicBytes[1] != 0)
            throw Fail(source, $"magic number 0x{magic:X8}{expectation}: not an IDX file (its first two bytes must be 0)");
        if (type != UnsignedByteType)
            throw Fail(source, $"magic number 0x{magic:X8}{expectation}: element type 0x{type:X2} ({TypeName(type)}) is not supported; only 0x08 (unsigned byte) is");
        if (rank is < 1 or > MaxRank)
            throw Fail(source, $"magic number 0x{magic:X8}{expectation}: rank {rank} is not supported (1 to {MaxRank})");
        if (expectedRank is int expected && rank != expected)
            throw Fail(source, $"magic number 0x{magic:X8}{expectation}");

        int headerLength = 4 + 4 * rank;
        Span<byte> dimBytes = stackalloc byte[4 * MaxRank];
        got = stream.ReadAtLeast(dimBytes[..(4 * rank)], 4 * rank, throwOnEndOfStream: false);
        if (got < 4 * rank)
            throw Fail(source, $"{what} is {4 + got} bytes long, too short for the {headerLength}-byte header of a rank-{rank} IDX file");

        var dimensions = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
            if (size == 0)
                throw Fail(source, $"dimension {i} is 0, expected a positive size");
            if (size > int.MaxValue)
                throw Fail(source, $"dimension {i} is {size}, more than the largest supported size {int.MaxValue}");
            dimensions[i] = (int)size;
            count = Math.Min(count * size, (long)Array.MaxLength + 1); // saturate: at most 2^31 · 2^31
        }
        string shape = string.Join("×", dimensions);
        if (count > Array.MaxLength)
            throw Fail(source, $"dimensions {shape} describe more bytes than one array can hold ({Array.MaxLength})");

        byte[] data;
        if (knownLength is long length)
        {
            long dataBytes = length - headerLength;
            if (dataBytes < count)
                throw Fail(source, $"file is truncated: dimensions {shape} need {count} data bytes after the {headerLength}-byte header, but only {dataBytes} are there");
            if (dataBytes > count)
                throw Fail(source, $"file has {dataBytes - count} trailing bytes after the {count} data bytes that dimensions {shape} declare");
            data = new byte[count];
            stream.ReadExactly(data);
        }
        else
        {
            data = ReadGrowing(stream, (int)count, out int read);
            if (read < count)
                throw Fail(source, $"{what} is truncated: dimensions {shape} need {count} data bytes after the {headerLength}-byte header, but only {read} are there");
            Span<byte> extra = stackalloc byte[1];
            if (stream.ReadAtLeast(extra, 1, throwOnEndOfStream: false) > 0)
                throw Fail(source, $"{what} has trailing bytes after the {count} data bytes that dimensions {shape} declare");
        }
        return new IdxFile(dimensions, data);
    }

    // Reads up to `count` bytes into a buffer that grows with what actually arrives.
    private static byte[] ReadGrowing(Stream stream, int count, out int read)
    {
        var buffer = new byte[Math.Min(count, 1 << 20)];
        read = 0;
        while (read < count)
        {
            if (read == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) break;
            read += n;
        }
        return buffer;
    }

    private static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "unknown type",
    };

    private static DataFormatException Fail(string source, string problem) => new(source, problem);
}
