using System.Text.Json;
using VaeSharp.Engine.IO;
using VaeSharp.Serialization;

namespace VaeSharp.Applications;

// The decision rule of `vae detect --fit`: with the training scores sorted ascending, s_(1) ≤ … ≤ s_(n), the
// threshold at percentile p is s_(⌈p·n/100⌉) and an example is flagged when its score is strictly above it, so
// exactly n − ⌈p·n/100⌉ of n distinct training scores are flagged (5 of 100 at p = 95). Stored in the run folder
// as threshold.json, written atomically.

/// <summary>An anomaly threshold: the score it applies to, the percentile of the training scores it sits at, and its value.</summary>
public sealed record AnomalyThreshold
{
    /// <summary>The file in a run folder.</summary>
    public const string FileName = "threshold.json";

    /// <summary>The score the threshold applies to.</summary>
    public AnomalyScoreKind Score { get; init; }

    /// <summary>Importance samples k when <see cref="Score"/> is the importance-sampled −log p(x); else 0.</summary>
    public int ImportanceSamples { get; init; }

    /// <summary>The percentile (0–100) of the training scores.</summary>
    public double Percentile { get; init; }

    /// <summary>Scores strictly above this are flagged.</summary>
    public double Value { get; init; }

    /// <summary>How many training scores it was fitted on.</summary>
    public int FittedOn { get; init; }

    /// <summary>The data set the training scores came from.</summary>
    public string Data { get; init; } = "";

    /// <summary>The threshold at <paramref name="percentile"/> of <paramref name="scores"/>: s_(⌈p·n/100⌉) of the sorted scores (the smallest for p = 0).</summary>
    /// <exception cref="ArgumentException">No scores, a NaN score, or a percentile outside [0, 100].</exception>
    public static AnomalyThreshold Fit(ReadOnlySpan<double> scores, double percentile, AnomalyScoreKind score, int importanceSamples = 0, string data = "")
    {
        if (!(percentile >= 0 && percentile <= 100)) throw new ArgumentException($"percentile {percentile}: expected a number from 0 to 100.");
        if (scores.Length == 0) throw new ArgumentException("A threshold needs at least one training score.");
        var sorted = scores.ToArray();
        foreach (double s in sorted) if (double.IsNaN(s)) throw new ArgumentException("A training score is NaN; the threshold needs every score.");
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(percentile * sorted.Length / 100.0 - 1e-9);
        return new AnomalyThreshold
        {
            Score = score, ImportanceSamples = importanceSamples, Percentile = percentile,
            Value = sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], FittedOn = sorted.Length, Data = data,
        };
    }

    /// <summary>True when <paramref name="score"/> is above the threshold.</summary>
    public bool Flags(double score) => score > Value;

    /// <summary>Writes the threshold to <paramref name="runFolder"/>/threshold.json (atomically).</summary>
    public void Save(string runFolder)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, ConfigJson.Options);
        AtomicFile.Write(Path.Combine(runFolder, FileName), s => s.Write(bytes));
    }

    /// <summary>The threshold stored in <paramref name="runFolder"/>, or null when it has none.</summary>
    /// <exception cref="FileFormatException">The file is not a valid threshold; the message names it.</exception>
    public static AnomalyThreshold? Load(string runFolder)
    {
        string file = Path.Combine(runFolder, FileName);
        if (!File.Exists(file)) return null;
        AnomalyThreshold? t;
        try
        {
            t = JsonSerializer.Deserialize<AnomalyThreshold>(File.ReadAllBytes(file), ConfigJson.Options);
        }
        catch (JsonException e)
        {
            throw new FileFormatException(file, $"not a threshold file: {e.Message}");
        }
        if (t is null || !double.IsFinite(t.Value) || !(t.Percentile >= 0 && t.Percentile <= 100) || !Enum.IsDefined(t.Score) || t.ImportanceSamples < 0)
            throw new FileFormatException(file, "expected score, percentile (0–100), a finite value and importance_samples ≥ 0.");
        return t;
    }
}
