namespace VaeSharp.Objectives;

/// <summary>
/// The weight of the KL term at training step t (0-based), times the model's β:
/// <list type="bullet">
/// <item><c>constant</c>: 1.</item>
/// <item><c>linear</c> warm-up (Bowman et al. 2016; Sønderby et al. 2016): min(1, t / W).</item>
/// <item><c>cyclical</c> annealing (Fu et al., NAACL 2019): with T total steps in M cycles and ratio R,
///   τ = (t mod ⌈T/M⌉) / (T/M); weight τ/R while τ ≤ R, else 1.</item>
/// </list>
/// </summary>
/// <param name="Kind">Constant, linear or cyclical.</param>
/// <param name="WarmupSteps">W, for linear.</param>
/// <param name="TotalSteps">T, for cyclical.</param>
/// <param name="Cycles">M, for cyclical.</param>
/// <param name="Ratio">R in (0, 1], for cyclical: the part of each cycle spent increasing.</param>
public sealed record KlSchedule(KlScheduleKind Kind = KlScheduleKind.Constant, int WarmupSteps = 0, int TotalSteps = 0, int Cycles = 4, float Ratio = 0.5f)
{
    /// <summary>The weight at step <paramref name="step"/>.</summary>
    public float Weight(long step)
    {
        switch (Kind)
        {
            case KlScheduleKind.Constant:
                return 1f;
            case KlScheduleKind.Linear:
                return WarmupSteps <= 0 ? 1f : (float)Math.Min(1.0, (double)step / WarmupSteps);
            case KlScheduleKind.Cyclical:
                {
                    double period = (double)TotalSteps / Cycles;
                    long cycleLength = (long)Math.Ceiling(period);
                    double tau = (step % cycleLength) / period;
                    return tau <= Ratio ? (float)(tau / Ratio) : 1f;
                }
            default:
                throw new InvalidOperationException($"Unknown KL schedule {Kind}.");
        }
    }
}
