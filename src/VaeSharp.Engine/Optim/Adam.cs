using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

// Adam — Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Alg. 1 — exactly as
// torch.optim.Adam documents it (amsgrad=False, maximize=False): weight decay is L2 added to the
// gradient, g ← g + λ·θ, before the moments; bias correction folds into the step,
//   θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps).
// State: "exp_avg" (m) and "exp_avg_sq" (v), PyTorch's names, aligned with the buffer. No AMSGrad.

/// <summary>Adam with PyTorch's defaults (β1 0.9, β2 0.999, eps 1e-8, L2 weight decay 0).</summary>
public sealed class Adam : MomentOptimizer
{
    /// <summary>Creates Adam over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">learningRate, epsilon or weightDecay negative or not finite; a β outside [0, 1).</exception>
    public Adam(ParameterBuffer parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, "exp_avg_sq")
    {
    }

    /// <inheritdoc />
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients) =>
        AdamKernel.Update(values, gradients, FirstMoment, SecondState,
            new AdamKernel.Coefficients(LearningRate, Beta1, Beta2, Epsilon, l2: WeightDecay, decoupledDecay: 0f, StepCount));
}
