namespace VaeSharp.Data;

/// <summary>How grey values in [0, 1] are fed to a Bernoulli likelihood (config.json and command-line names in brackets).</summary>
public enum Binarization
{
    /// <summary>Grey values as Bernoulli targets, the seeds' choice ("none").</summary>
    None,
    /// <summary>A fresh binary sample x ~ Bernoulli(pixel) each time an example is used; evaluation draws one fixed sample ("dynamic").</summary>
    Dynamic,
}
