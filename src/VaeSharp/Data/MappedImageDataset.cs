using System.Diagnostics;
using System.IO.MemoryMappedFiles;

namespace VaeSharp.Data;

/// <summary>
/// Examples of an imported image set read from its memory-mapped file (<see cref="ImportedImages"/>): bytes 0–255 served
/// as floats in [0, 1]. The pages come from disk as the batches touch them, so a set larger than memory trains at disk
/// speed. Counts the bytes it copies and the time it takes (<see cref="BytesRead"/>, <see cref="ReadSeconds"/>).
/// </summary>
public sealed unsafe class MappedImageDataset : IDataset
{
    private readonly Mapping _mapping;
    private readonly int[] _ids;
    private readonly int _exampleSize;
    private long _bytesRead, _readTicks;

    // One mapping shared by a set's train and test parts; it lives as long as they do.
    internal sealed class Mapping
    {
        public Mapping(MemoryMappedFile map, long dataOffset, ImportHeader header)
        {
            Map = map;
            Header = header;
            Accessor = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            Accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            Data = p + Accessor.PointerOffset + dataOffset;
        }

        ~Mapping()
        {
            Accessor.SafeMemoryMappedViewHandle.ReleasePointer();
            Accessor.Dispose();
            Map.Dispose();
        }

        public MemoryMappedFile Map { get; }
        public MemoryMappedViewAccessor Accessor { get; }
        public ImportHeader Header { get; }
        public byte* Data { get; }
    }

    internal MappedImageDataset(Mapping mapping, int[] ids)
    {
        _mapping = mapping;
        _ids = ids;
        var shape = mapping.Header.Shape;
        _exampleSize = shape[0] * shape[1] * shape[2];
        ExampleShape = [.. shape];
        ClassCount = mapping.Header.Labels is null ? 0 : mapping.Header.ClassNames?.Count ?? (mapping.Header.Labels.Length == 0 ? 0 : mapping.Header.Labels.Max() + 1);
    }

    /// <inheritdoc />
    public string Name => _mapping.Header.Name;

    /// <inheritdoc />
    public int Count => _ids.Length;

    /// <inheritdoc />
    public int[] ExampleShape { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public IReadOnlyList<string>? ClassNames => ClassCount == 0 ? null : _mapping.Header.ClassNames;

    /// <summary>The header of the imported file.</summary>
    public ImportHeader Header => _mapping.Header;

    /// <summary>Bytes copied out of the mapped file so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Seconds spent copying them (page faults, that is disk reads, included).</summary>
    public double ReadSeconds => Interlocked.Read(ref _readTicks) / (double)Stopwatch.Frequency;

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<float> destination)
    {
        long start = Stopwatch.GetTimestamp();
        int size = _exampleSize;
        for (int i = 0; i < indices.Length; i++)
        {
            var src = new ReadOnlySpan<byte>(_mapping.Data + (long)_ids[indices[i]] * size, size);
            var dst = destination.Slice(i * size, size);
            PixelConversion.ToUnit(src, dst);
        }
        Interlocked.Add(ref _bytesRead, (long)indices.Length * size);
        Interlocked.Add(ref _readTicks, Stopwatch.GetTimestamp() - start);
    }

    /// <inheritdoc />
    public int Label(int index) => _mapping.Header.Labels is null ? throw new InvalidOperationException($"{Name} has no labels.") : _mapping.Header.Labels[_ids[index]];
}
