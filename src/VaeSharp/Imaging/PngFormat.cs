namespace VaeSharp.Imaging;

// What PngWriter and PngReader share (PNG specification, ISO/IEC 15948 / W3C PNG 2nd ed.):
// the signature, the 8-bit colour types we handle, and the Paeth predictor (§9.4).
internal static class PngFormat
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public const byte FilterNone = 0, FilterSub = 1, FilterUp = 2, FilterAverage = 3, FilterPaeth = 4;

    // Colour type (IHDR) for a channel count: gray 0, gray+alpha 4, RGB 2, RGBA 6.
    public static byte ColorTypeFor(int channels) => channels switch
    {
        1 => 0,
        2 => 4,
        3 => 2,
        4 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG channel count must be 1 to 4."),
    };

    // Channel count for a colour type we decode; 0 for any other (palette 3, or invalid).
    public static int ChannelsFor(byte colorType) => colorType switch
    {
        0 => 1,
        4 => 2,
        2 => 3,
        6 => 4,
        _ => 0,
    };

    // a = left, b = above, c = upper left; the neighbour closest to a + b − c, ties in order a, b, c.
    public static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }
}
