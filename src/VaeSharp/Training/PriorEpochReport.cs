using System.Globalization;

namespace VaeSharp.Training;

/// <summary>One epoch of a code prior's training: the mean −log p(grid) of the training grids (over the epoch's steps) and of
/// the test grids (after the epoch), in nats per grid, and the same in bits per code position and bits per pixel.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="TrainNll">Mean training NLL over the epoch's steps, nats per grid.</param>
/// <param name="TestNll">Test NLL after the epoch, nats per grid (NaN without test grids).</param>
/// <param name="GridSize">Code positions per grid (H · W).</param>
/// <param name="PixelsPerGrid">Values of the image a grid decodes to (C · H · W of the data; 0 when unknown).</param>
/// <param name="Seconds">Wall-clock seconds of the epoch (training and test).</param>
public sealed record PriorEpochReport(int Epoch, double TrainNll, double TestNll, int GridSize, int PixelsPerGrid, double Seconds)
{
    /// <summary>Training NLL in bits per code position: nats / (H·W · ln 2).</summary>
    public double TrainBitsPerCode => TrainNll / (GridSize * Math.Log(2));

    /// <summary>Test NLL in bits per code position.</summary>
    public double TestBitsPerCode => TestNll / (GridSize * Math.Log(2));

    /// <summary>Test NLL in bits per pixel of the decoded image: nats / (pixels · ln 2); NaN when the pixel count is unknown.</summary>
    public double TestBitsPerPixel => PixelsPerGrid > 0 ? TestNll / (PixelsPerGrid * Math.Log(2)) : double.NaN;

    /// <summary>The per-epoch line: "Epoch 3: train NLL 41.20 nats/grid (1.213 bits/code)  test NLL 42.01 (1.237 bits/code, 0.0773 bits/pixel)  12.3 s".</summary>
    public string Format(int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"Epoch {Epoch}/{epochs}: train NLL {TrainNll:F3} nats/grid ({TrainBitsPerCode:F4} bits/code)") +
        (double.IsNaN(TestNll) ? "" : string.Create(CultureInfo.InvariantCulture,
            $"  test NLL {TestNll:F3} nats/grid ({TestBitsPerCode:F4} bits/code{(PixelsPerGrid > 0 ? $", {TestBitsPerPixel:F5} bits/pixel" : "")})")) +
        string.Create(CultureInfo.InvariantCulture, $"  {Seconds:F1} s");
}
