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
        for (int i = 0; i < terms.Count; i++)
        {
            if (!LossTermLabels.IsValidName(terms[i].Name))
                throw new ArgumentException($"Loss term name '{terms[i].Name}': expected lower-case words of letters and digits joined by '_' (kl, kl_1, commitment).");
            for (int j = 0; j < i; j++)
                if (terms[j].Name == terms[i].Name) throw new ArgumentException($"Loss term '{terms[i].Name}' appears twice.");
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
    public Tensor this[string name] => Terms[LossTermLabels.IndexOf(Terms, t => t.Name, name)].Value;

    /// <summary>The term names, in report order.</summary>
    public IEnumerable<string> Names => Terms.Select(t => t.Name);
}
