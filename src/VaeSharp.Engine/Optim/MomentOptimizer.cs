using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

/// <summary>
/// What Adam, AdamW and Adamax share: β1 and β2, ε, a weight decay λ, the first moment "exp_avg" and one second state
/// (Adam's "exp_avg_sq", Adamax's "exp_inf"), registered in that order under PyTorch's names.
/// </summary>
public abstract class MomentOptimizer : Optimizer
{
    /// <summary>Validates the hyper-parameters and registers the two state arrays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">learningRate, epsilon or weightDecay negative or not finite; a β outside [0, 1).</exception>
    protected MomentOptimizer(ParameterBuffer parameters, float learningRate, float beta1, float beta2, float epsilon, float weightDecay, string secondState)
        : base(parameters, learningRate)
    {
        Beta1 = OptimGuard.HalfOpenUnit(beta1);
        Beta2 = OptimGuard.HalfOpenUnit(beta2);
        Epsilon = OptimGuard.NonNegative(epsilon);
        WeightDecay = OptimGuard.NonNegative(weightDecay);
        FirstMoment = RegisterState("exp_avg");
        SecondState = RegisterState(secondState, nonNegative: true);
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second state (the second moment, or Adamax's infinity norm).</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon { get; }

    /// <summary>Weight decay λ: L2 added to the gradient (Adam, Adamax; PyTorch's <c>weight_decay</c>), or decoupled,
    /// each step multiplying the weights by 1 − lr·λ (AdamW).</summary>
    public float WeightDecay { get; }

    /// <summary>m, aligned with the buffer.</summary>
    protected float[] FirstMoment { get; }

    /// <summary>v (or u), aligned with the buffer.</summary>
    protected float[] SecondState { get; }
}
