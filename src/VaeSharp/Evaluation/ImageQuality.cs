namespace VaeSharp.Evaluation;

/// <summary>Image quality against a reference: PSNR = 10 log₁₀(MAX² / MSE), with MAX = 1 for values in [0, 1].</summary>
public static class ImageQuality
{
    /// <summary>The PSNR in dB of <paramref name="image"/> against <paramref name="reference"/>; +∞ when they are equal.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static double Psnr(ReadOnlySpan<float> reference, ReadOnlySpan<float> image, double max = 1.0)
    {
        if (reference.Length != image.Length || reference.Length == 0) throw new ArgumentException($"PSNR needs two images of the same size; got {reference.Length} and {image.Length} values.");
        double se = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double e = image[i] - reference[i];
            se += e * e;
        }
        return 10 * Math.Log10(max * max / (se / reference.Length));
    }

    /// <summary>The mean PSNR over <paramref name="count"/> images stored one after another (each image's own PSNR, then their mean).</summary>
    public static double MeanPsnr(ReadOnlySpan<float> reference, ReadOnlySpan<float> images, int count)
    {
        if (count < 1 || reference.Length != images.Length || reference.Length % count != 0)
            throw new ArgumentException($"{count} images: expected two equal stores of whole images.");
        int size = reference.Length / count;
        double sum = 0;
        for (int i = 0; i < count; i++) sum += Psnr(reference.Slice(i * size, size), images.Slice(i * size, size));
        return sum / count;
    }
}
