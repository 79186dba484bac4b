namespace VaeSharp.Training;

/// <summary>The learning rate over the epochs of a run (config.json and command-line names in brackets).</summary>
public enum LrScheduleKind
{
    /// <summary>The base rate throughout ("constant").</summary>
    Constant,
    /// <summary>Burda et al.'s lr·10^(−i/7) over 3^i-epoch stages, compressed to the run's length ("iwae").</summary>
    Iwae,
    /// <summary>Cosine annealing from the base rate to 0 over the run's epochs ("cosine").</summary>
    Cosine,
}
