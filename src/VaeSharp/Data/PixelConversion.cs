using System.Runtime.Intrinsics;

namespace VaeSharp.Data;

/// <summary>8-bit pixels to floats in [0, 1]: v · (1/255), vectorised. Bit-identical to the scalar <c>src[j] * (1f / 255f)</c>
/// (the conversion of a byte is exact and the product is one rounding either way).</summary>
internal static class PixelConversion
{
    private const float Scale = 1f / 255f;

    public static void ToUnit(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source.", nameof(destination));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(Scale);
            for (; i + 32 <= source.Length; i += 32)
            {
                var bytes = Vector256.Create(source.Slice(i, 32));
                var (lo16, hi16) = Vector256.Widen(bytes);
                var (a, b) = Vector256.Widen(lo16);
                var (c, d) = Vector256.Widen(hi16);
                (Vector256.ConvertToSingle(a.AsInt32()) * scale).CopyTo(destination.Slice(i, 8));
                (Vector256.ConvertToSingle(b.AsInt32()) * scale).CopyTo(destination.Slice(i + 8, 8));
                (Vector256.ConvertToSingle(c.AsInt32()) * scale).CopyTo(destination.Slice(i + 16, 8));
                (Vector256.ConvertToSingle(d.AsInt32()) * scale).CopyTo(destination.Slice(i + 24, 8));
            }
        }
        for (; i < source.Length; i++) destination[i] = source[i] * Scale;
    }
}
