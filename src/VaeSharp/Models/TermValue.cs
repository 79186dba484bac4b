namespace VaeSharp.Models;

/// <summary>A loss term's value averaged over examples, per example in nats.</summary>
/// <param name="Name">The term's name (<see cref="LossTerm.Name"/>).</param>
/// <param name="Value">Its average.</param>
public readonly record struct TermValue(string Name, double Value);
