namespace VaeSharp.Applications;

/// <summary>Decoded paths: <see cref="Pairs"/> rows of <see cref="Steps"/> points each.</summary>
/// <param name="Codes">The latent codes, pair by pair, step by step (Pairs × Steps × LatentDim values).</param>
/// <param name="Images">E[x | z] of each code, in the same order (Pairs × Steps × example size values).</param>
/// <param name="Pairs">Number of paths.</param>
/// <param name="Steps">Points per path, both ends included.</param>
/// <param name="LatentDim">Values per code.</param>
/// <param name="ClassWeights">For a conditional model: the class weights each point was decoded with (Pairs × Steps × classes;
/// one-hot rows when the label is fixed); null otherwise.</param>
public sealed record InterpolationResult(float[] Codes, float[] Images, int Pairs, int Steps, int LatentDim, float[]? ClassWeights)
{
    /// <summary>The code of step <paramref name="step"/> of path <paramref name="pair"/>.</summary>
    public ReadOnlySpan<float> Code(int pair, int step) => Codes.AsSpan((pair * Steps + step) * LatentDim, LatentDim);
}
