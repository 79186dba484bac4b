namespace VaeSharp.Objectives;

/// <summary>How the KL weight changes over training (config.json and command-line names in brackets).</summary>
public enum KlScheduleKind
{
    /// <summary>Weight 1 throughout ("constant").</summary>
    Constant,
    /// <summary>Linear warm-up from 0 to 1 ("linear").</summary>
    Linear,
    /// <summary>Cyclical annealing ("cyclical").</summary>
    Cyclical,
}
