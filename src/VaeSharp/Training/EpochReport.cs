using System.Globalization;
using System.Text;
using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Training;

/// <summary>One epoch's figures, per example in nats: the training loss and its terms (averaged over the epoch's
/// steps), the model's own loss on the test set, and the time taken.</summary>
/// <param name="Epoch">The epoch number (1-based).</param>
/// <param name="Loss">The training loss, averaged over the epoch.</param>
/// <param name="Terms">The training loss's terms, averaged over the epoch, in the objective's order.</param>
/// <param name="Test">The test set's loss and terms, or null when there is no test set.</param>
/// <param name="Seconds">Training time of the epoch (without the test evaluation).</param>
/// <param name="ExamplesPerSecond">Training examples per second.</param>
/// <param name="LearningRate">The learning rate of the epoch.</param>
public sealed record EpochReport(int Epoch, double Loss, IReadOnlyList<TermValue> Terms, LossSummary? Test, double Seconds, double ExamplesPerSecond, float LearningRate)
{
    /// <summary>The family's own figures of the epoch (<see cref="IEpochStatistics"/>; none for most families).</summary>
    public IReadOnlyList<TermValue> Statistics { get; init; } = [];

    /// <summary>The training average of term <paramref name="name"/>.</summary>
    public double this[string name] => LossTermLabels.ValueOf(Terms, name);

    /// <summary>The test loss, NaN without a test set.</summary>
    public double TestLoss => Test?.Loss ?? double.NaN;

    /// <summary>The per-epoch line: "Epoch 3/10  Loss …  Reconstruction Loss …  KL Loss …  | Test Loss …  | 1.0 s  61326 examples/s".</summary>
    public string Format(int epochs)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"Epoch {Epoch}/{epochs}  Loss {Loss:F4}");
        foreach (var t in Terms) line.Append(CultureInfo.InvariantCulture, $"  {LossTermLabels.Label(t.Name)} {t.Value:F4}");
        foreach (var s in Statistics) line.Append(CultureInfo.InvariantCulture, $"  {LossTermLabels.StatisticLabel(s.Name)} {s.Value:0.##}");
        if (Test is not null) line.Append(CultureInfo.InvariantCulture, $"  | Test Loss {Test.Loss:F4}");
        line.Append(CultureInfo.InvariantCulture, $"  | {Seconds:F1} s  {ExamplesPerSecond:F0} examples/s");
        return line.ToString();
    }
}
