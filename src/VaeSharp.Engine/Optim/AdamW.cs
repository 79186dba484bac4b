using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

// AdamW — Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Alg. 2 — exactly as
// torch.optim.AdamW documents it: the decay shrinks the weights directly, θ ← θ·(1 − lr·λ), and the
// Adam step (Kingma & Ba 2015) then uses the raw gradient. PyTorch's default λ = 0.01. Note the decay
// is scaled by the current lr, so a schedule scales it too (PyTorch's convention, not the paper's
// separate multiplier η_t). State: "exp_avg", "exp_avg_sq".

/// <summary>Adam with decoupled weight decay (PyTorch's defaults: β1 0.9, β2 0.999, eps 1e-8, weight decay 0.01).</summary>
public sealed class AdamW : MomentOptimizer
{
    /// <summary>Creates AdamW over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">learningRate, epsilon or weightDecay negative or not finite; a β outside [0, 1).</exception>
    public AdamW(ParameterBuffer parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, "exp_avg_sq")
    {
    }

    /// <inheritdoc />
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients) =>
        AdamKernel.Update(values, gradients, FirstMoment, SecondState,
            new AdamKernel.Coefficients(LearningRate, Beta1, Beta2, Epsilon, l2: 0f, decoupledDecay: WeightDecay, StepCount));
}
