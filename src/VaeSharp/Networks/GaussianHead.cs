using VaeSharp.Distributions;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Networks;

/// <summary>Features h (N, F) → q(z | x) = N(μ(h), diag exp(log σ²(h))) through two linear layers <c>fc_mu</c> and <c>fc_logvar</c>.</summary>
public sealed class GaussianHead : NetworkPart
{
    private readonly Linear _mu, _logVar;

    /// <summary>Builds the two layers.</summary>
    public GaussianHead(int inputWidth, int latentDim, RandomGenerator rng)
    {
        _mu = new Linear(inputWidth, latentDim, rng);
        _logVar = new Linear(inputWidth, latentDim, rng);
    }

    // The two layers, read by exporters.
    internal Linear Mu => _mu;
    internal Linear LogVar => _logVar;

    /// <inheritdoc />
    public override IEnumerable<(string Name, Module Module)> Modules => [("fc_mu", _mu), ("fc_logvar", _logVar)];

    /// <summary>The posterior for features <paramref name="h"/>.</summary>
    public DiagonalGaussian Forward(Tensor h) => new(_mu.Forward(h), _logVar.Forward(h));
}
