namespace VaeSharp.Engine.Autograd;

/// <summary>How a loss combines its element-wise terms.</summary>
public enum Reduction
{
    /// <summary>Element-wise terms, same shape as the input.</summary>
    None,
    /// <summary>Sum over all elements.</summary>
    Sum,
    /// <summary>Mean over all elements.</summary>
    Mean,
}
