using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>
/// A VQ-VAE's code prior scored on a data set: each example is encoded to its code grid z(x) and the prior gives
/// −log p(z(x) [| y]) in nats (one grid per image, so nats per image). In bits per dimension it is divided by ln 2 and either by
/// the grid's H·W code positions or by the image's C·H·W pixels. With the decoder's reconstruction NLL it bounds −log p(x):
/// q(z | x) is a point mass, so −ELBO = −log p(x | z(x)) − log p(z(x)) (van den Oord et al. 2017, §3.2).
/// </summary>
public static class PriorEvaluation
{
    /// <summary>Scores <paramref name="model"/>'s <see cref="VqVae.CodePrior"/> on the first <paramref name="limit"/> examples of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The model has no prior, or a conditional prior meets data without labels.</exception>
    public static PriorScore Evaluate(VqVae model, IDataset data, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var prior = model.CodePrior ?? throw new ArgumentException("The VQ-VAE has no code prior (train one with 'vae train-prior RUN').");
        var grids = CodeGridEncoding.Encode(model, data, withLabels: prior.ClassCount > 0, limit);
        var nll = prior.NegLogLikelihood(grids.Codes, grids.Count, grids.Labels);
        double mean = nll.Length == 0 ? double.NaN : nll.Average();
        int pixels = model.InputShape.Aggregate(1, (a, b) => a * b);
        return new PriorScore(grids.Count, mean, mean / (grids.GridSize * Math.Log(2)), mean / (pixels * Math.Log(2)), grids.GridSize, pixels, prior.ClassCount > 0);
    }
}

/// <summary>A code prior's score on a data set.</summary>
/// <param name="Count">Examples scored.</param>
/// <param name="Nll">Mean −log p(z(x) [| y]), nats per image.</param>
/// <param name="BitsPerCode">Nll / (H·W · ln 2): bits per code position.</param>
/// <param name="BitsPerPixel">Nll / (C·H·W · ln 2): bits per pixel of the image.</param>
/// <param name="CodesPerImage">H·W.</param>
/// <param name="PixelsPerImage">C·H·W.</param>
/// <param name="Conditional">Whether the prior was given the labels.</param>
public sealed record PriorScore(int Count, double Nll, double BitsPerCode, double BitsPerPixel, int CodesPerImage, int PixelsPerImage, bool Conditional);
