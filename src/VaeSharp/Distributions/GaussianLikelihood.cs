using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Distributions;

/// <summary>
/// p(x | z) = Π N(x_i; μ_i, σ²) with one σ shared by all values: fixed (MSE scaled by 1/2σ², plus the
/// normalising constant) or learned as the parameter <c>log_var</c> (the σ-VAE of Rybkin et al. 2021).
/// </summary>
public sealed class GaussianLikelihood : Likelihood
{
    private readonly Tensor _logVar;

    /// <summary>Creates the likelihood with initial (or fixed) standard deviation <paramref name="std"/>.</summary>
    public GaussianLikelihood(float std, bool learned)
    {
        if (!(std > 0f)) throw new ArgumentOutOfRangeException(nameof(std), std, "The Gaussian standard deviation must be positive.");
        Learned = learned;
        var logVar = Tensor.Full(2f * MathF.Log(std), 1);
        _logVar = learned ? RegisterParameter("log_var", logVar) : logVar;
    }

    /// <summary>True when σ is trained.</summary>
    public bool Learned { get; }

    /// <summary>The current σ.</summary>
    public float Std => MathF.Exp(0.5f * _logVar.Data[0]);

    /// <inheritdoc />
    public override LikelihoodKind Kind => Learned ? LikelihoodKind.GaussianLearned : LikelihoodKind.Gaussian;

    /// <inheritdoc />
    public override Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x)
    {
        var terms = Ops.GaussianNll(x.Flatten(), decoderOutput.Flatten(), _logVar, Reduction.None);
        return Ops.Sum(terms, 1);
    }

    /// <inheritdoc />
    public override Tensor TotalNegLogLikelihood(Tensor mean, Tensor x) => Ops.GaussianNll(x.Flatten(), mean.Flatten(), _logVar, Reduction.Sum);

    /// <inheritdoc />
    public override Tensor NegLogLikelihood(Tensor decoderOutput, Tensor x, Tensor? mask)
    {
        if (mask is null) return NegLogLikelihood(decoderOutput, x);
        var terms = Ops.GaussianNll(x.Flatten(), decoderOutput.Flatten(), _logVar, Reduction.None);
        return Ops.Sum(terms * mask.Flatten(), 1);
    }

    /// <inheritdoc />
    public override Tensor Mean(Tensor decoderOutput) => decoderOutput;
}
