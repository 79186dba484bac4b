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
        _ => string.Join(' ', name.Split('_').Select(w => w == "kl" || w == "tc" ? w.ToUpperInvariant() : char.ToUpperInvariant(w[0]) + w[1..])) + " Loss",
    };

    /// <summary>The metrics.csv column of term <paramref name="name"/>: <c>{name}_loss</c>.</summary>
    public static string Column(string name) => name + "_loss";
}
