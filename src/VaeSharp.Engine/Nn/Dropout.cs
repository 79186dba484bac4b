using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Inverted dropout while training; identity in evaluation mode.</summary>
public sealed class Dropout : Layer
{
    private readonly RandomGenerator _rng;

    /// <summary>Drops each value with probability <paramref name="p"/>, using <paramref name="rng"/> for the masks.</summary>
    public Dropout(float p, RandomGenerator rng)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        P = p;
        _rng = rng;
    }

    /// <summary>Drop probability.</summary>
    public float P { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Dropout(input, P, _rng, Training);
}
