using VaeSharp.Engine.Random;

namespace VaeSharp.Models;

/// <summary>
/// A prior over a grid of discrete codes — what a VQ-VAE samples from. Grids are <see cref="Height"/> ×
/// <see cref="Width"/> symbols from 0 to <see cref="CodebookSize"/> − 1, stored row-major, one grid after another
/// (count · H · W values). A conditional prior (<see cref="ClassCount"/> &gt; 0) takes one label per grid.
/// </summary>
public interface ICodePrior
{
    /// <summary>K, the number of distinct symbols.</summary>
    int CodebookSize { get; }

    /// <summary>Rows of the code grid.</summary>
    int Height { get; }

    /// <summary>Columns of the code grid.</summary>
    int Width { get; }

    /// <summary>Number of classes the prior is conditioned on; 0 for an unconditional prior.</summary>
    int ClassCount { get; }

    /// <summary>Draws <paramref name="count"/> grids (count · H · W codes); labels required iff conditional.</summary>
    int[] Sample(int count, RandomGenerator rng, int[]? labels = null);

    /// <summary>−log p(grid) in nats, one value per grid.</summary>
    double[] NegLogLikelihood(ReadOnlySpan<int> codes, int count, int[]? labels = null);
}
