namespace VaeSharp.Training;

/// <summary>The optimiser of a run (config.json and command-line names in brackets).</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma &amp; Ba 2015, Alg. 1), PyTorch's form ("adam"); the default.</summary>
    Adam,
    /// <summary>Adamax, Adam under the infinity norm (Kingma &amp; Ba 2015, Alg. 2), PyTorch's form ("adamax").</summary>
    Adamax,
}
