using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeSharp.Tests.Data;

// Hand-made IDX content for tests: header bytes written field by field, plus gzip and a synthetic
// MNIST-format folder.
internal static class IdxBytes
{
    public static byte[] Idx(byte type, int[] dims, byte[] data) => Idx(0, 0, type, dims, data);

    public static byte[] Idx(byte b0, byte b1, byte type, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[0] = b0;
        bytes[1] = b1;
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static byte[] Sequence(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7 % 256)).ToArray();

    /// <summary>
    /// Writes a small MNIST-format set: image n of a split has every pixel (n + offset) % 256 and
    /// label n % 10 (offset 0 for train, 100 for test). Returns the folder.
    /// </summary>
    public static string WriteSyntheticSet(string folder, int trainCount, int testCount, bool gzipImages = false)
    {
        Directory.CreateDirectory(folder);
        WriteSplit(folder, "train", trainCount, 0, gzipImages);
        WriteSplit(folder, "t10k", testCount, 100, gzipImages);
        return folder;
    }

    private static void WriteSplit(string folder, string prefix, int count, int offset, bool gzipImages)
    {
        var pixels = new byte[count * 784];
        for (int n = 0; n < count; n++) Array.Fill(pixels, (byte)((n + offset) % 256), n * 784, 784);
        byte[] images = Idx(0x08, [count, 28, 28], pixels);
        byte[] labels = Idx(0x08, [count], Enumerable.Range(0, count).Select(n => (byte)(n % 10)).ToArray());
        if (gzipImages) File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), Gzip(images));
        else File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
    }
}
