namespace VaeSharp.Models;

/// <summary>The names of the common loss terms, and how reports label them.</summary>
public static class LossTermLabels
{
    /// <summary>E_q[−log p(x | z)].</summary>
    public const string Reconstruction = "reconstruction";

    /// <summary>KL(q(z | x) ‖ p(z)).</summary>
    public const string Kl = "kl";

    /// <summary>−ELBO = reconstruction + kl, reported beside a different training loss (IWAE).</summary>
    public const string NegativeElbo = "neg_elbo";

    /// <summary>The label of term <paramref name="name"/> in the per-epoch line: "Reconstruction Loss", "KL Loss", "−ELBO",
    /// else the name in words with " Loss" (kl_1 → "KL 1 Loss", commitment → "Commitment Loss").</summary>
    public static string Label(string name) => name switch
    {
        Reconstruction => "Reconstruction Loss",
        NegativeElbo => "−ELBO",
        "mi" => "MI",
        "dwkl" => "Dimension-wise KL",
        "disc_accuracy" => "Disc Accuracy",
        "disc_loss" => "Disc Loss",
        _ => string.Join(' ', name.Split('_').Select(w => w == "kl" || w == "tc" ? w.ToUpperInvariant() : char.ToUpperInvariant(w[0]) + w[1..])) + " Loss",
    };

    /// <summary>The label of a per-epoch statistic (<see cref="IEpochStatistics"/>) in the per-epoch line: the name in words
    /// (perplexity → "Perplexity", codes_in_use → "Codes In Use").</summary>
    public static string StatisticLabel(string name) => string.Join(' ', name.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>True for a lower-case identifier: words of letters and digits, starting with a letter, joined by single '_'.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name[0] is < 'a' or > 'z' || name[^1] == '_') return false;
        for (int i = 1; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '_' ? name[i - 1] == '_' : c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9'))) return false;
        }
        return true;
    }

    /// <summary>The position of the item named <paramref name="name"/> among <paramref name="items"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none; the message lists the names.</exception>
    public static int IndexOf<T>(IReadOnlyList<T> items, Func<T, string> nameOf, string name)
    {
        for (int i = 0; i < items.Count; i++) if (nameOf(items[i]) == name) return i;
        throw new KeyNotFoundException($"No loss term '{name}'; the terms are {string.Join(", ", items.Select(nameOf))}.");
    }

    /// <summary>The value of term <paramref name="name"/> among <paramref name="terms"/>.</summary>
    /// <exception cref="KeyNotFoundException">It is not there.</exception>
    public static double ValueOf(IReadOnlyList<TermValue> terms, string name) => terms[IndexOf(terms, t => t.Name, name)].Value;

    /// <summary>The metrics.csv column of term <paramref name="name"/>: <c>{name}_loss</c>.</summary>
    public static string Column(string name) => name + "_loss";
}
