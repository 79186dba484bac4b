namespace VaeSharp.Training;

/// <summary>Per-example averages of the loss terms over a data set.</summary>
public readonly record struct LossTotals(double Loss, double Reconstruction, double Kl, int Count);
