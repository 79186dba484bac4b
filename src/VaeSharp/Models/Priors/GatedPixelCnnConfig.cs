using System.Text.Json.Serialization;

namespace VaeSharp.Models.Priors;

/// <summary>
/// The shape of a <see cref="GatedPixelCnn"/>: the code grid it models (K symbols on H × W), the classes it is conditioned
/// on (0 for none), its width and depth, and the seed of its initial weights. Written as <c>RUN/prior/config.json</c>'s
/// <c>model</c> part.
/// </summary>
public sealed record GatedPixelCnnConfig
{
    /// <summary>K, the number of distinct codes (the VQ-VAE's codebook size).</summary>
    public int CodebookSize { get; init; }

    /// <summary>Rows H of the code grid.</summary>
    public int Height { get; init; }

    /// <summary>Columns W of the code grid.</summary>
    public int Width { get; init; }

    /// <summary>Classes of the label it is conditioned on (a class-dependent bias in every gate); 0 for an unconditional prior.</summary>
    public int ClassCount { get; init; }

    /// <summary>C, the channels of the code embedding and of both stacks.</summary>
    public int Channels { get; init; } = 64;

    /// <summary>Gated layers (the first of mask type A, the rest of type B).</summary>
    public int Layers { get; init; } = 8;

    /// <summary>The first layer's kernel size k (odd): its vertical stack sees ⌊k/2⌋ rows up and ⌊k/2⌋ columns either side.</summary>
    public int FirstKernel { get; init; } = 7;

    /// <summary>The kernel size (odd) of the layers after the first.</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>Seed of the initial weights (stream <see cref="RngStream.PriorTraining"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>True when the prior takes a label per grid.</summary>
    [JsonIgnore]
    public bool IsConditional => ClassCount > 0;

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it and the expected values.</exception>
    public void Validate()
    {
        if (CodebookSize < 2) throw new ArgumentException($"codebook_size {CodebookSize}: expected at least 2 codes.");
        if (Height < 1 || Width < 1) throw new ArgumentException($"height {Height}, width {Width}: expected a grid of at least 1 × 1.");
        if (ClassCount < 0) throw new ArgumentException($"class_count {ClassCount}: expected 0 (unconditional) or the number of classes.");
        if (Channels < 1 || Channels > 4096) throw new ArgumentException($"channels {Channels}: expected 1 to 4096.");
        if (Layers < 1 || Layers > 64) throw new ArgumentException($"layers {Layers}: expected 1 to 64.");
        if (FirstKernel < 3 || FirstKernel % 2 == 0 || FirstKernel > 15) throw new ArgumentException($"first_kernel {FirstKernel}: expected an odd size from 3 to 15.");
        if (Kernel < 3 || Kernel % 2 == 0 || Kernel > 15) throw new ArgumentException($"kernel {Kernel}: expected an odd size from 3 to 15.");
    }
}
