namespace VaeSharp.Training;

/// <summary>One epoch's figures, per example in nats: the seeds' Loss, Reconstruction Loss and KL Loss, on the training and test sets.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double Loss,
    double Reconstruction,
    double Kl,
    double TestLoss,
    double TestReconstruction,
    double TestKl,
    double Seconds,
    double ExamplesPerSecond);
