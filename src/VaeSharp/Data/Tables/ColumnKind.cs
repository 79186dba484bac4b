namespace VaeSharp.Data.Tables;

/// <summary>The type of a table column (config.json and <c>--columns</c> names in brackets).</summary>
public enum ColumnKind
{
    /// <summary>A real number, standardised with the training rows' mean and standard deviation; a Gaussian likelihood ("numeric").</summary>
    Numeric,
    /// <summary>One of two values (0/1, yes/no, ...); a Bernoulli likelihood ("binary").</summary>
    Binary,
    /// <summary>One of K values, one-hot in the input; a categorical likelihood (softmax over the K) ("categorical").</summary>
    Categorical,
    /// <summary>Not used ("ignore").</summary>
    Ignore,
}
