using System.Runtime.CompilerServices;

namespace VaeSharp.Engine.Optim;

// Hyper-parameter checks for optimisers, clipping and schedules, in one place. Each throws
// ArgumentOutOfRangeException naming the argument (from [CallerArgumentExpression]) and the range
// it must lie in; NaN fails every check.
internal static class OptimGuard
{
    /// <summary>value ≥ 0 and finite (learning rates, weight decay, momentum, eps).</summary>
    public static float NonNegative(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0.");
        return value;
    }

    /// <summary>value in [0, 1) (Adam's β1, β2).</summary>
    public static float HalfOpenUnit(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1).");
        return value;
    }

    /// <summary>value in [0, 1] (SGD's dampening).</summary>
    public static float ClosedUnit(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0f && value <= 1f))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1].");
        return value;
    }

    /// <summary>value &gt; 0 and finite (decay factors γ).</summary>
    public static float Positive(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0f) || float.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
        return value;
    }

    /// <summary>value ≥ 1 (step sizes, periods, warm-up lengths).</summary>
    public static int AtLeastOne(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
        return value;
    }

    /// <summary>A schedule's step argument: ≥ 0.</summary>
    public static int StepIndex(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 0 (steps and epochs count from 0).");
        return value;
    }
}
