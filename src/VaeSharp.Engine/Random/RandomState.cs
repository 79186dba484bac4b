namespace VaeSharp.Engine.Random;

/// <summary>The position of a <see cref="RandomGenerator"/> in its sequence.</summary>
/// <param name="Counter">The next Philox block to draw.</param>
/// <param name="Used">How many of the current block's four words are used (4: none left).</param>
/// <param name="HasSpare">Whether the second normal of a Box–Muller pair is waiting.</param>
/// <param name="SpareNormal">That value.</param>
public readonly record struct RandomState(ulong Counter, int Used, bool HasSpare, float SpareNormal)
{
    /// <summary>Whether a generator can be in this position: 0 to 4 words of the block used, a partly used block past
    /// counter 0, and a waiting normal that is a finite number. <see cref="RandomGenerator.State"/> accepts only these.</summary>
    public bool IsValid() => Used is >= 0 and <= 4 && (Used == 4 || Counter != 0) && (!HasSpare || float.IsFinite(SpareNormal));
}
