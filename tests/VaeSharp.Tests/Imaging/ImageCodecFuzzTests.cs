using System.Buffers.Binary;
using SkiaSharp;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using VaeSharp.Imaging;
using Xunit.Abstractions;
using static VaeSharp.Tests.Imaging.PngTestBytes;

namespace VaeSharp.Tests.Imaging;

// ImageCodec.Decode (SkiaSharp's decoders) over mutated images: PNGs of every colour type the fixtures and hand-made
// files cover (gray 1/8/16-bit, gray+alpha, RGB, RGBA, palette with tRNS, Adam7-interlaced), a JPEG, a lossy and a
// lossless WebP, a BMP and a GIF. Byte mutations everywhere; for PNGs also the same with every chunk's CRC-32
// recomputed afterwards (so the mutation reaches the decoder instead of the checksum), every interesting value in
// IHDR's width, height, bit depth, colour type and interlace fields and in every chunk length, truncations at every
// chunk boundary, chunks dropped, repeated and swapped. Every input decodes — Width·Height·Channels pixels, no more
// than the pixel limit, the same on a second decode — or ends in an ImageFormatException naming the source; and no
// input allocates more than its file could hold: for a PNG, what its bytes could inflate to (deflate's 1032:1), for
// the other formats the pixel limit passed in (2^16 here).
public sealed class ImageCodecFuzzTests(ITestOutputHelper output)
{
    private const int InputCount = 3000;
    private const ulong Seed = 15;
    private const long OtherFormatsMaxPixels = 1 << 16;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static bool IsPng(byte[] b) => b.Length >= 8 && b.AsSpan(0, 8).SequenceEqual(Signature);

    // The chunks of a PNG, as (offset of the length field, data length, type), as far as the layout can be walked.
    private static List<(int At, int Length, string Type)> Chunks(byte[] png)
    {
        var chunks = new List<(int, int, string)>();
        for (int at = 8; at + 12 <= png.Length;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length > png.Length - at - 12) break;
            chunks.Add((at, (int)length, System.Text.Encoding.ASCII.GetString(png, at + 4, 4)));
            at += 12 + (int)length;
        }
        return chunks;
    }

    private static byte[] FixCrcs(byte[] png)
    {
        foreach (var (at, length, _) in Chunks(png))
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(at + 8 + length), BitwiseCrc(png.AsSpan(at + 4, 4 + length)));
        return png;
    }

    private static FuzzSeed PngSeed(string name, byte[] png)
    {
        var boundaries = new List<(int, string)> { (0, "signature") };
        var ints = new List<IntField>
        {
            new("IHDR width", 16, 4, true), new("IHDR height", 20, 4, true), new("IHDR bit depth", 24, 1, true),
            new("IHDR colour type", 25, 1, true), new("IHDR interlace", 28, 1, true),
        };
        foreach (var (at, length, type) in Chunks(png))
        {
            boundaries.AddRange([(at, $"{type} length"), (at + 4, $"{type} type"), (at + 8, $"{type} data"), (at + 8 + length, $"{type} CRC")]);
            ints.Add(new IntField($"{type} length", at, 4, true));
        }
        return new FuzzSeed(name, png, boundaries, ints);
    }

    private static byte[] Encode(SKEncodedImageFormat format, int quality, bool alpha = false)
    {
        const int w = 8, h = 6;
        var rgba = new byte[w * h * 4];
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)(i % 4 == 3 && !alpha ? 255 : i * 37 % 251);
        using var image = SKImage.FromPixelCopy(new SKImageInfo(w, h, SKColorType.Rgba8888, alpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque), rgba);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    // 24-bit BMP, bottom-up, rows padded to 4 bytes.
    private static byte[] Bmp(int w, int h)
    {
        int row = (w * 3 + 3) & ~3, size = 54 + row * h;
        var b = new byte[size];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), row * h);
        for (int i = 54; i < size; i++) b[i] = (byte)(i * 13);
        return b;
    }

    // Adam7 raw data of an 8-bit gray image: each pass's rows, each with its filter byte.
    private static byte[] InterlacedGray(int w, int h)
    {
        (int x0, int y0, int dx, int dy)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        var raw = new List<byte>();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = (w - x0 + dx - 1) / dx, ph = (h - y0 + dy - 1) / dy;
            if (pw <= 0 || ph <= 0) continue;
            for (int y = 0; y < ph; y++) { raw.Add(0); for (int x = 0; x < pw; x++) raw.Add((byte)(x * 31 + y * 17)); }
        }
        return [.. raw];
    }

    private static List<FuzzSeed> Seeds()
    {
        var seeds = new List<FuzzSeed>();
        foreach (string name in new[] { "gray_7x5.png", "graya_4x3.png", "rgb_6x4.png", "rgba_5x3.png", "rgb_noise_32x24.png" })
            seeds.Add(PngSeed(name, File.ReadAllBytes(Fixture(name))));
        seeds.Add(PngSeed("gray1bit_9x3", PngFile(Ihdr(9, 3, bitDepth: 1), Idat([0, 0b10110010, 0b10000000, 0, 0xFF, 0, 0, 0x0F, 0x80]), Iend())));
        seeds.Add(PngSeed("gray16_3x2", PngFile(Ihdr(3, 2, bitDepth: 16), Idat([0, 0, 0, 0x80, 0x80, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0x80, 0x80, 0, 0]), Iend())));
        seeds.Add(PngSeed("palette_4x2", PngFile(Ihdr(4, 2, colorType: 3), Chunk("PLTE", [255, 0, 0, 0, 255, 0, 10, 20, 30]), Chunk("tRNS", [128, 255]),
            Idat([0, 0, 1, 2, 1, 0, 2, 1, 0, 0]), Iend())));
        seeds.Add(PngSeed("interlaced_5x5", PngFile(Ihdr(5, 5, interlace: 1), Idat(InterlacedGray(5, 5)), Iend())));
        byte[] jpeg = Encode(SKEncodedImageFormat.Jpeg, 80);
        seeds.Add(new FuzzSeed("jpeg_8x6", jpeg, [(0, "SOI"), (2, "segments"), (jpeg.Length - 2, "EOI")], []));
        byte[] webp = Encode(SKEncodedImageFormat.Webp, 80), lossless = Encode(SKEncodedImageFormat.Webp, 100, alpha: true);
        seeds.Add(new FuzzSeed("webp_8x6", webp, [(0, "RIFF"), (4, "RIFF size"), (8, "WEBP"), (12, "chunk"), (20, "frame")], [new IntField("RIFF size", 4, 4, false)]));
        seeds.Add(new FuzzSeed("webp_rgba_8x6", lossless, [(0, "RIFF"), (4, "RIFF size"), (12, "chunk"), (20, "frame")], [new IntField("RIFF size", 4, 4, false)]));
        seeds.Add(new FuzzSeed("bmp_3x2", Bmp(3, 2), [(0, "BM"), (14, "info header"), (18, "width"), (22, "height"), (54, "pixels")],
            [new IntField("width", 18, 4, false), new IntField("height", 22, 4, false), new IntField("bits per pixel", 28, 2, false),
             new IntField("compression", 30, 4, false), new IntField("pixel offset", 10, 4, false)]));
        byte[] gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x21, 0xF9, 4, 1, 0, 0, 0, 0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B];
        seeds.Add(new FuzzSeed("gif_1x1", gif, [(0, "signature"), (6, "screen"), (13, "palette"), (19, "extension"), (27, "image"), (37, "LZW data"), (42, "trailer")],
            [new IntField("screen width", 6, 2, false), new IntField("screen height", 8, 2, false), new IntField("image width", 32, 2, false), new IntField("image height", 34, 2, false)]));
        return seeds;
    }

    private static IEnumerable<FuzzInput> Inputs(ulong seed)
    {
        var seeds = Seeds();
        var rng = new RandomGenerator(seed);
        var mutator = new ByteMutator(rng);
        int index = 0;
        foreach (var s in seeds.Where(s => IsPng(s.Bytes)))
        {
            foreach (var (m, b) in ByteMutator.BoundaryTruncations(s)) yield return new FuzzInput(index++, m, b);
            foreach (var (m, b) in ByteMutator.IntFieldSweep(s).Where(_ => rng.NextInt(3) == 0))
                yield return new FuzzInput(index++, m + ", CRCs fixed", FixCrcs(b));
        }
        while (index < InputCount)
        {
            var s = seeds[rng.NextInt(seeds.Count)];
            bool png = IsPng(s.Bytes);
            int kind = rng.NextInt(png ? 8 : 4);
            if (kind >= 6)
            {
                // Chunk-level: drop, repeat or swap whole chunks (each keeps its CRC).
                var chunks = Chunks(s.Bytes);
                var parts = chunks.Select(c => s.Bytes[c.At..(c.At + 12 + c.Length)]).ToList();
                int i = rng.NextInt(parts.Count), j = rng.NextInt(parts.Count);
                string what;
                switch (rng.NextInt(3))
                {
                    case 0: what = $"dropped {chunks[i].Type}"; parts.RemoveAt(i); break;
                    case 1: what = $"repeated {chunks[i].Type}"; parts.Insert(j, parts[i]); break;
                    default: what = $"swapped {chunks[i].Type} and {chunks[j].Type}"; (parts[i], parts[j]) = (parts[j], parts[i]); break;
                }
                yield return new FuzzInput(index++, $"{s.Name}: {what}", [.. Signature, .. parts.SelectMany(p => p)]);
                continue;
            }
            var (mutation, bytes) = mutator.Mutate(s);
            if (png && kind >= 2) yield return new FuzzInput(index++, mutation + ", CRCs fixed", FixCrcs(bytes));
            else yield return new FuzzInput(index++, mutation, bytes);
        }
    }

    private static long MaxPixels(FuzzInput input) => IsPng(input.Bytes) ? ImageCodec.DefaultMaxPixels : OtherFormatsMaxPixels;

    private static Image8 Decode(FuzzInput input) => ImageCodec.Decode(input.Bytes, $"fuzz/{input.Index}", MaxPixels(input));

    private static string? Consistent(FuzzInput input, Image8 image)
    {
        if (image.Width < 1 || image.Height < 1 || image.Channels is < 1 or > 4) return $"{image.Width}×{image.Height}×{image.Channels}";
        if (image.Pixels.Length != (long)image.Width * image.Height * image.Channels) return $"{image.Pixels.Length} bytes for {image.Width}×{image.Height}×{image.Channels}";
        if ((long)image.Width * image.Height > MaxPixels(input)) return $"{image.Width}×{image.Height} is more than the limit of {MaxPixels(input)} pixels";
        if (IsPng(input.Bytes) && (BinaryPrimitives.ReadUInt32BigEndian(input.Bytes.AsSpan(16)) != image.Width || BinaryPrimitives.ReadUInt32BigEndian(input.Bytes.AsSpan(20)) != image.Height))
            return "not the size IHDR declares";
        var again = Decode(input);
        if ((again.Width, again.Height, again.Channels) != (image.Width, image.Height, image.Channels) || !again.Pixels.AsSpan().SequenceEqual(image.Pixels))
            return "a second decode gives other pixels";
        return null;
    }

    // The file copied a few times, Skia's own buffers, and twice (RGBA, then the channels kept) the pixels of the largest
    // image the file can describe: for a PNG, one bit per pixel in at most 1032 times the file's bytes (deflate's largest
    // ratio), up to the default limit; for the other formats, the limit passed in.
    private static long AllocationBound(FuzzInput input)
    {
        long pixels = IsPng(input.Bytes) ? Math.Min(ImageCodec.DefaultMaxPixels, 8 * (1032L * input.Bytes.Length + 1024)) : OtherFormatsMaxPixels;
        return (2 << 20) + 8L * input.Bytes.Length + 2 * 4 * pixels;
    }

    [Fact]
    public void Fuzz_MutatedImages_DecodeConsistently_OrFailWithTheTypedError_WithinWhatTheFileCanHold()
    {
        var campaign = new FuzzCampaign<Image8>
        {
            Loader = "ImageCodec.Decode",
            Seed = Seed,
            Load = Decode,
            Source = input => $"fuzz/{input.Index}",
            IsTypedError = e => e is ImageFormatException,
            Check = Consistent,
            AllocationBound = AllocationBound,
            Budget = TimeSpan.FromSeconds(40),
        };
        var result = campaign.Run(Inputs(Seed));
        result.AssertClean(output, InputCount);
        Assert.True(result.Loaded > 100, "too few mutations keep a decodable image");
        Assert.Contains(result.Reasons.Keys, r => r.Contains("more than the file's", StringComparison.Ordinal));
        Assert.Contains(result.Reasons.Keys, r => r.Contains("accepted", StringComparison.Ordinal));
    }

    private static string FuzzFixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", name);

    [Theory]
    [InlineData("image-png-claims-40000x40000.png", ImageCodec.DefaultMaxPixels, "IHDR declares 40000×40000 = 1600000000 pixels, more than the 67108864 accepted")]
    [InlineData("image-png-tiny-claims-8192x8192.png", ImageCodec.DefaultMaxPixels, "IHDR declares 8192×8192 pixels (67108864 bytes of pixel data), more than the file's 88 bytes can hold compressed")]
    [InlineData("image-webp-34-bytes-claims-large.webp", OtherFormatsMaxPixels, "the Webp header declares")]
    [InlineData("image-bmp-pixel-offset-3.8GB.bmp", ImageCodec.DefaultMaxPixels, "Bmp")]
    public void Fixture_FoundByFuzzing_FailsFast_WithoutAllocatingWhatItClaims(string name, long maxPixels, string problem)
    {
        string path = FuzzFixture(name);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Read(path, maxPixels));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void MaxPixels_IsTheLimit_ForAValidImage()
    {
        byte[] png = File.ReadAllBytes(Fixture("rgb_noise_32x24.png"));
        Assert.Equal((32, 24), (ImageCodec.Decode(png, "noise", maxPixels: 768).Width, ImageCodec.Decode(png, "noise", maxPixels: 768).Height));
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Decode(png, "noise", maxPixels: 767));
        Assert.Equal("noise: IHDR declares 32×24 = 768 pixels, more than the 767 accepted", e.Message);
    }

    [Fact]
    public void HighlyCompressedPng_AtZlibsBestRatio_IsStillAccepted()
    {
        // The deflate bound must not refuse real files: a 2048×2048 all-black image compresses about as far as zlib goes.
        byte[] png = ImageCodec.EncodePng(new Image8(2048, 2048, 1));
        Assert.True(png.Length < 10_000, $"{png.Length} bytes");
        var image = ImageCodec.Decode(png, "black");
        Assert.Equal((2048, 2048, 1), (image.Width, image.Height, image.Channels));
    }
}
