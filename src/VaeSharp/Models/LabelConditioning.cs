namespace VaeSharp.Models;

/// <summary>Where a conditional family's one-hot label joins its networks (config.json <c>conditioning</c>).</summary>
public enum LabelConditioning
{
    /// <summary>At the input of the encoder's and the decoder's dense stacks only (Sohn et al. 2015's wiring; the
    /// conditional VAE of every run folder written before this option, which therefore is what a config.json without
    /// the field means).</summary>
    Input,

    /// <summary>At the input of every dense layer of the encoder and the decoder, so no layer can lose the label; the
    /// decoder leans on it and samples follow their class (docs/generation.md measures it).</summary>
    EveryLayer,
}
