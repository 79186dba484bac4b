using VaeSharp.Models.Priors;
using VaeSharp.Training;

namespace VaeSharp.Serialization;

/// <summary><c>RUN/prior/config.json</c>: what the code prior is (its network), how it was trained, and its figures.</summary>
public sealed record PriorRecord
{
    /// <summary>The format of this file (1).</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The prior's kind; "gated-pixelcnn" (the only one so far).</summary>
    public const string GatedPixelCnnKind = "gated-pixelcnn";

    /// <summary>The file's format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The prior's kind.</summary>
    public string Prior { get; init; } = GatedPixelCnnKind;

    /// <summary>The network.</summary>
    public required GatedPixelCnnConfig Model { get; init; }

    /// <summary>How it was trained.</summary>
    public required PriorTrainingOptions Training { get; init; }

    /// <summary>Epochs trained.</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Training grids (the run's training set, encoded).</summary>
    public int TrainGrids { get; init; }

    /// <summary>Test grids.</summary>
    public int TestGrids { get; init; }

    /// <summary>Values of one decoded image (C · H · W), the denominator of bits per pixel.</summary>
    public int PixelsPerGrid { get; init; }

    /// <summary>Mean test −log p(grid [| y]) after the last epoch, nats per grid (null without a test set).</summary>
    public double? TestNll { get; init; }

    /// <summary>Seconds the training took (encoding excluded).</summary>
    public double Seconds { get; init; }
}
