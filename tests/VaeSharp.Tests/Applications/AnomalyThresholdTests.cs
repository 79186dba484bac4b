using VaeSharp.Applications;

namespace VaeSharp.Tests.Applications;

public sealed class AnomalyThresholdTests
{
    [Theory]
    [InlineData(100, 95.0, 5)]
    [InlineData(1000, 99.0, 10)]
    [InlineData(37, 90.0, 3)]      // ⌈33.3⌉ = 34 at or below, 3 above
    [InlineData(10, 100.0, 0)]
    [InlineData(10, 0.0, 9)]       // the smallest score is the threshold; the rest are above
    [InlineData(60000, 95.0, 3000)]
    public void Fit_FlagsExactlyThePercentAbove(int n, double percentile, int expectedFlagged)
    {
        var rng = new System.Random(n);
        var scores = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 100).ToArray();   // distinct with probability 1
        var t = AnomalyThreshold.Fit(scores, percentile, AnomalyScoreKind.NegElbo);
        Assert.Equal(expectedFlagged, scores.Count(t.Flags));
        Assert.Equal(n - Math.Max(1, (int)Math.Ceiling(percentile * n / 100)), scores.Count(t.Flags));   // s_(max(1, ⌈p·n/100⌉)) and below are not flagged
        Assert.Equal(n, t.FittedOn);
    }

    [Fact]
    public void Threshold_RoundTripsThroughTheRunFolder()
    {
        string dir = Directory.CreateTempSubdirectory("vaesharp-threshold-").FullName;
        Assert.Null(AnomalyThreshold.Load(dir));
        var t = AnomalyThreshold.Fit([3.0, 1.0, 2.0, 5.0], 50, AnomalyScoreKind.Nll, importanceSamples: 64, data: "mnist");
        Assert.Equal(2.0, t.Value);
        t.Save(dir);
        Assert.Equal(t, AnomalyThreshold.Load(dir));
        Assert.Contains("\"score\": \"nll\"", File.ReadAllText(Path.Combine(dir, AnomalyThreshold.FileName)));
        File.WriteAllText(Path.Combine(dir, AnomalyThreshold.FileName), "{\"score\": \"nll\", \"percentile\": 120, \"value\": 1}");
        var e = Assert.Throws<Engine.IO.FileFormatException>(() => AnomalyThreshold.Load(dir));
        Assert.Contains(AnomalyThreshold.FileName, e.Message);
    }

    [Fact]
    public void Fit_RefusesBadInput()
    {
        Assert.Throws<ArgumentException>(() => AnomalyThreshold.Fit([1.0], 101, AnomalyScoreKind.NegElbo));
        Assert.Throws<ArgumentException>(() => AnomalyThreshold.Fit([], 95, AnomalyScoreKind.NegElbo));
        Assert.Throws<ArgumentException>(() => AnomalyThreshold.Fit([1.0, double.NaN], 95, AnomalyScoreKind.NegElbo));
    }
}
