namespace VaeSharp.Data;

/// <summary>One ground-truth factor of variation: its name and the value of each of its discrete classes
/// (dSprites' <c>scale</c>: six classes with values 0.5, 0.6, …, 1).</summary>
/// <param name="Name">The factor's name (<c>shape</c>, <c>scale</c>, <c>orientation</c>, <c>pos_x</c>, <c>pos_y</c>), a CSV column name.</param>
/// <param name="Values">The continuous value of each class, by class index.</param>
/// <param name="ClassNames">A name per class for a categorical factor (dSprites' shapes), or null.</param>
public sealed record GroundTruthFactor(string Name, IReadOnlyList<double> Values, IReadOnlyList<string>? ClassNames = null)
{
    /// <summary>Number of discrete classes.</summary>
    public int ClassCount => Values.Count;
}
