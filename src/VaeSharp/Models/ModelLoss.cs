using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models;

/// <summary>
/// A batch's loss: the scalar that is minimised (<see cref="Total"/>) and the named terms it is made of or
/// reported with, in report order. How the terms make up the total is the objective's to say
/// (<see cref="Objectives.TrainingObjective.Describe"/>): for the VAE, Total = reconstruction + β·kl.
/// </summary>
public sealed class ModelLoss
{
    /// <summary>Wraps the total and its terms.</summary>
    /// <exception cref="ArgumentException">Two terms share a name, or a name is not a lower-case identifier.</exception>
    public ModelLoss(Tensor total, params IReadOnlyList<LossTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(total);
        var seen = new HashSet<string>();
        foreach (var t in terms)
        {
            if (string.IsNullOrEmpty(t.Name) || !t.Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
                throw new ArgumentException($"Loss term name '{t.Name}': expected lower-case letters, digits and '_'.");
            if (!seen.Add(t.Name)) throw new ArgumentException($"Loss term '{t.Name}' appears twice.");
        }
        Total = total;
        Terms = terms;
    }

    /// <summary>The loss that is minimised, per example.</summary>
    public Tensor Total { get; }

    /// <summary>The named terms, in report order.</summary>
    public IReadOnlyList<LossTerm> Terms { get; }

    /// <summary>The term named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public Tensor this[string name]
    {
        get
        {
            foreach (var t in Terms) if (t.Name == name) return t.Value;
            throw new KeyNotFoundException($"No loss term '{name}'; the terms are {string.Join(", ", Terms.Select(t => t.Name))}.");
        }
    }

    /// <summary>The term names, in report order.</summary>
    public IEnumerable<string> Names => Terms.Select(t => t.Name);
}
