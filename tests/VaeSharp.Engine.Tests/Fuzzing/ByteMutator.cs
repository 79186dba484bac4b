using System.Buffers.Binary;
using VaeSharp.Engine.Random;

namespace VaeSharp.Engine.Tests.Fuzzing;

// Byte-level mutations, seeded: the same RandomGenerator state gives the same inputs. A seed file comes
// with its structure — the offsets where its fields begin and end (for truncations and insertions at
// every boundary) and its integer fields (for huge, negative and off-by-one lengths and counts) — so
// the mutations reach past the first check as well as breaking it.

/// <summary>An integer field of a seed file: where it is, how wide (1, 2, 4 or 8 bytes), its byte order.</summary>
internal sealed record IntField(string Name, int Offset, int Size, bool BigEndian);

/// <summary>A valid file to mutate, with its field boundaries and integer fields.</summary>
internal sealed record FuzzSeed(string Name, byte[] Bytes, IReadOnlyList<(int Offset, string Name)> Boundaries, IReadOnlyList<IntField> Ints)
{
    public FuzzSeed(string name, byte[] bytes) : this(name, bytes, [], []) { }
}

/// <summary>Makes mutated copies of seed files.</summary>
internal sealed class ByteMutator(RandomGenerator rng)
{
    // Values that break length and count checks: zero, one, sign bits, all ones, powers of two around
    // 2^16, 2^24, 2^31, 2^32, 2^40, 2^63 (each cut to the field's width).
    private static readonly ulong[] Interesting =
    [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0xFF_FFFF, 0x100_0000,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x100_0000_0000, 0x7FFF_FFFF_FFFF_FFFF,
        0x8000_0000_0000_0000, ulong.MaxValue, ulong.MaxValue - 1, 0x7FFF_FFC7, 0x7FFF_FFC8,
    ];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A];

    public RandomGenerator Rng { get; } = rng;

    /// <summary>Every truncation at a boundary of <paramref name="seed"/> (at it, one before, one after), and cutting to nothing.</summary>
    public static IEnumerable<(string Mutation, byte[] Bytes)> BoundaryTruncations(FuzzSeed seed)
    {
        var cuts = new SortedSet<int> { 0, 1, seed.Bytes.Length - 1 };
        foreach (var (offset, _) in seed.Boundaries)
            for (int d = -1; d <= 1; d++)
                if (offset + d >= 0 && offset + d < seed.Bytes.Length) cuts.Add(offset + d);
        foreach (int cut in cuts)
            yield return ($"{seed.Name}: truncated to {cut} of {seed.Bytes.Length} bytes{Near(seed, cut)}", seed.Bytes[..cut]);
    }

    /// <summary>Every interesting value in every integer field of <paramref name="seed"/>.</summary>
    public static IEnumerable<(string Mutation, byte[] Bytes)> IntFieldSweep(FuzzSeed seed)
    {
        foreach (var field in seed.Ints)
            foreach (ulong value in Interesting)
            {
                var bytes = (byte[])seed.Bytes.Clone();
                Write(bytes, field, value);
                yield return ($"{seed.Name}: {field.Name} := 0x{value:X}", bytes);
            }
    }

    /// <summary>One random mutation (sometimes two or three stacked) of <paramref name="seed"/>.</summary>
    public (string Mutation, byte[] Bytes) Mutate(FuzzSeed seed)
    {
        byte[] bytes = (byte[])seed.Bytes.Clone();
        int stack = Rng.NextInt(8) switch { 0 => 3, 1 or 2 => 2, _ => 1 };
        var what = new List<string>();
        for (int i = 0; i < stack; i++)
        {
            (string m, bytes) = MutateOnce(seed, bytes);
            what.Add(m);
        }
        return ($"{seed.Name}: {string.Join("; ", what)}", bytes);
    }

    private (string, byte[]) MutateOnce(FuzzSeed seed, byte[] b)
    {
        int kind = Rng.NextInt(seed.Ints.Count > 0 ? 12 : 10);
        if (b.Length == 0) kind = 5;
        switch (kind)
        {
            case 0:
            case 1:
            {
                int bits = 1 + Rng.NextInt(kind == 0 ? 1 : 8);
                var at = new List<int>();
                for (int i = 0; i < bits; i++)
                {
                    int bit = Rng.NextInt(b.Length * 8);
                    b[bit >> 3] ^= (byte)(1 << (bit & 7));
                    at.Add(bit);
                }
                return ($"flipped bit{(bits > 1 ? "s" : "")} {string.Join(",", at)}", b);
            }
            case 2:
            {
                int at = Rng.NextInt(b.Length);
                byte value = Rng.NextInt(2) == 0 ? InterestingBytes[Rng.NextInt(InterestingBytes.Length)] : (byte)Rng.NextUInt32();
                b[at] = value;
                return ($"byte {at}{Near(seed, at)} := 0x{value:X2}", b);
            }
            case 3:
            {
                int at = Rng.NextInt(b.Length), count = Math.Min(b.Length - at, 1 + Rng.NextInt(16));
                for (int i = 0; i < count; i++) b[at + i] = (byte)Rng.NextUInt32();
                return ($"{count} random bytes at {at}{Near(seed, at)}", b);
            }
            case 4:
            {
                int cut = Rng.NextInt(b.Length);
                return ($"truncated to {cut}", b[..cut]);
            }
            case 5:
            {
                int at = PickOffset(seed, b.Length + 1), count = 1 + Rng.NextInt(Rng.NextInt(4) == 0 ? 4096 : 32);
                var extra = new byte[count];
                byte fill = (byte)Rng.NextUInt32();
                bool random = Rng.NextInt(2) == 0;
                for (int i = 0; i < count; i++) extra[i] = random ? (byte)Rng.NextUInt32() : fill;
                return ($"inserted {count} {(random ? "random bytes" : $"bytes 0x{fill:X2}")} at {at}{Near(seed, at)}", [.. b[..at], .. extra, .. b[at..]]);
            }
            case 6:
            {
                int at = Rng.NextInt(b.Length), count = Math.Min(b.Length - at, 1 + Rng.NextInt(64));
                return ($"deleted {count} bytes at {at}{Near(seed, at)}", [.. b[..at], .. b[(at + count)..]]);
            }
            case 7:
            {
                int from = Rng.NextInt(b.Length), count = Math.Min(b.Length - from, 1 + Rng.NextInt(256)), to = PickOffset(seed, b.Length + 1);
                return ($"copied {count} bytes from {from} to {to}", [.. b[..to], .. b.AsSpan(from, count), .. b[to..]]);
            }
            case 8:
            {
                int count = 1 + Rng.NextInt(Rng.NextInt(4) == 0 ? 100_000 : 16);
                var tail = new byte[count];
                for (int i = 0; i < count; i++) tail[i] = (byte)Rng.NextUInt32();
                return ($"appended {count} bytes", [.. b, .. tail]);
            }
            case 9:
            {
                int cut = seed.Boundaries.Count == 0 ? Rng.NextInt(b.Length) : Math.Clamp(seed.Boundaries[Rng.NextInt(seed.Boundaries.Count)].Offset + Rng.NextInt(3) - 1, 0, b.Length);
                return ($"truncated to {cut}{Near(seed, cut)}", b[..cut]);
            }
            default:
            {
                var field = seed.Ints[Rng.NextInt(seed.Ints.Count)];
                if (field.Offset + field.Size > b.Length) return ("(field gone)", b);
                ulong old = Read(b, field), value = Rng.NextInt(3) switch
                {
                    0 => Interesting[Rng.NextInt(Interesting.Length)],
                    1 => old + (ulong)(Rng.NextInt(5) - 2),
                    _ => ((ulong)Rng.NextUInt32() << 32) | Rng.NextUInt32(),
                };
                Write(b, field, value);
                return ($"{field.Name} := 0x{Truncate(value, field.Size):X}", b);
            }
        }
    }

    // A boundary most of the time (where parsers switch state), else anywhere.
    private int PickOffset(FuzzSeed seed, int limit) =>
        seed.Boundaries.Count > 0 && Rng.NextInt(2) == 0
            ? Math.Min(seed.Boundaries[Rng.NextInt(seed.Boundaries.Count)].Offset, limit - 1)
            : Rng.NextInt(limit);

    private static string Near(FuzzSeed seed, int offset)
    {
        string? name = null;
        foreach (var (at, n) in seed.Boundaries)
            if (at <= offset) name = n;
        return name is null ? "" : $" ({name})";
    }

    private static ulong Truncate(ulong value, int size) => size == 8 ? value : value & ((1UL << (8 * size)) - 1);

    private static ulong Read(byte[] b, IntField f)
    {
        var span = b.AsSpan(f.Offset, f.Size);
        return f.Size switch
        {
            1 => span[0],
            2 => f.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span),
            4 => f.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span),
            _ => f.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span),
        };
    }

    /// <summary>Writes <paramref name="value"/> (cut to the field's width) into <paramref name="b"/>.</summary>
    public static void Write(byte[] b, IntField f, ulong value)
    {
        var span = b.AsSpan(f.Offset, f.Size);
        switch (f.Size)
        {
            case 1: span[0] = (byte)value; break;
            case 2: if (f.BigEndian) BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value); else BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); break;
            case 4: if (f.BigEndian) BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value); else BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); break;
            default: if (f.BigEndian) BinaryPrimitives.WriteUInt64BigEndian(span, value); else BinaryPrimitives.WriteUInt64LittleEndian(span, value); break;
        }
    }
}
