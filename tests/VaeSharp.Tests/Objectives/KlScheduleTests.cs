using VaeSharp.Objectives;

namespace VaeSharp.Tests.Objectives;

// Each schedule against its formula at chosen steps.
public class KlScheduleTests
{
    [Theory]
    [InlineData(0, 0f)]
    [InlineData(250, 0.25f)]
    [InlineData(999, 0.999f)]
    [InlineData(1000, 1f)]
    [InlineData(5000, 1f)]
    public void Linear_RisesToOneOverTheWarmup(long step, float expected) =>
        Assert.Equal(expected, new KlSchedule(KlScheduleKind.Linear, WarmupSteps: 1000).Weight(step), 5);

    [Theory]
    // T = 1000 steps, M = 4 cycles of 250 steps, R = 0.5: rises over 125 steps, then flat at 1.
    [InlineData(0, 0f)]
    [InlineData(62, 0.496f)]
    [InlineData(125, 1f)]
    [InlineData(200, 1f)]
    [InlineData(250, 0f)]
    [InlineData(300, 0.4f)]
    [InlineData(999, 1f)]
    public void Cyclical_MatchesFuEtAl(long step, float expected) =>
        Assert.Equal(expected, new KlSchedule(KlScheduleKind.Cyclical, TotalSteps: 1000, Cycles: 4, Ratio: 0.5f).Weight(step), 5);

    [Fact]
    public void Constant_IsOne() => Assert.Equal(1f, new KlSchedule().Weight(12345));

    [Fact]
    public void BadOptions_NameTheField()
    {
        Assert.Contains("kl_warmup_steps", Assert.Throws<ArgumentException>(() => new ObjectiveOptions { KlSchedule = KlScheduleKind.Linear }.Validate()).Message);
        Assert.Contains("kl_ratio", Assert.Throws<ArgumentException>(() => new ObjectiveOptions { KlRatio = 0f }.Validate()).Message);
        Assert.Contains("iwae", Assert.Throws<ArgumentException>(() => new ObjectiveOptions { Objective = ObjectiveKind.Iwae, FreeBits = 1f }.Validate()).Message);
    }
}
