using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models;

/// <summary>One named term of a loss, a scalar per example in nats (summed over the example's values, averaged
/// over the batch). Names are lower-case identifiers (<c>reconstruction</c>, <c>kl</c>, <c>commitment</c>, <c>kl_1</c>):
/// they become metrics.csv columns (<c>{name}_loss</c>) and report labels (<see cref="LossTermLabels"/>).</summary>
/// <param name="Name">The term's name.</param>
/// <param name="Value">Its value, a scalar tensor.</param>
public readonly record struct LossTerm(string Name, Tensor Value);
