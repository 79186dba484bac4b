using VaeSharp.Engine.Nn;

namespace VaeSharp.Networks;

/// <summary>
/// A piece of a model built from config (encoder body, decoder body, Gaussian head): a few named layer stacks that
/// the model registers under its own names, so the state dict keeps PyTorch's flat names (<c>encoder.0.weight</c>,
/// <c>fc_mu.weight</c>) whichever family uses the part.
/// </summary>
public abstract class NetworkPart
{
    /// <summary>The stacks to register on the model, in registration order, with their state-dict names.</summary>
    public abstract IEnumerable<(string Name, Module Module)> Modules { get; }
}
