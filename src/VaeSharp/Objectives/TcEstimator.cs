using System.Text.Json.Serialization;

namespace VaeSharp.Objectives;

/// <summary>How β-TCVAE estimates log q(z) and log Π_j q(z_j) from a minibatch (config.json names in brackets).</summary>
public enum TcEstimator
{
    /// <summary>Minibatch-stratified sampling ("mss"): the example's own posterior weighs 1/N, each of the M − 1 others
    /// (N − 1) / (N (M − 1)) — unbiased for q(z) when the others are drawn without replacement from the rest of the data.</summary>
    [JsonStringEnumMemberName("mss")] Mss,
    /// <summary>Minibatch-weighted sampling ("mws"): every posterior in the batch, the example's own included, weighs 1/M.</summary>
    [JsonStringEnumMemberName("mws")] Mws,
}
