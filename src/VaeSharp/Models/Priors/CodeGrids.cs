namespace VaeSharp.Models.Priors;

/// <summary>
/// <see cref="Count"/> grids of <see cref="Height"/> × <see cref="Width"/> discrete codes, row-major, one grid after another
/// (what a VQ-VAE's encoder gives for a data set), with a label per grid when the data has labels.
/// </summary>
public sealed record CodeGrids
{
    /// <summary>Wraps <paramref name="codes"/> (count · H · W values) and optional <paramref name="labels"/> (count values).</summary>
    /// <exception cref="ArgumentException">The lengths do not agree with the count and the grid's size.</exception>
    public CodeGrids(int[] codes, int count, int height, int width, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (count < 0 || height < 1 || width < 1) throw new ArgumentException($"CodeGrids: {count} grids of {height} × {width}: expected count ≥ 0 and a grid of at least 1 × 1.");
        if (codes.Length != count * height * width) throw new ArgumentException($"CodeGrids: {codes.Length} codes for {count} grids of {height} × {width}; expected {count * height * width}.");
        if (labels is not null && labels.Length != count) throw new ArgumentException($"CodeGrids: {labels.Length} labels for {count} grids.");
        Codes = codes;
        Count = count;
        Height = height;
        Width = width;
        Labels = labels;
    }

    /// <summary>The codes, count · H · W, row-major per grid.</summary>
    public int[] Codes { get; }

    /// <summary>Number of grids.</summary>
    public int Count { get; }

    /// <summary>Rows of a grid.</summary>
    public int Height { get; }

    /// <summary>Columns of a grid.</summary>
    public int Width { get; }

    /// <summary>One label per grid, or null.</summary>
    public int[]? Labels { get; }

    /// <summary>H · W, the codes of one grid.</summary>
    public int GridSize => Height * Width;

    /// <summary>The codes of grid <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Grid(int index) => Codes.AsSpan(index * GridSize, GridSize);
}
