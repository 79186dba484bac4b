using VaeSharp.Engine.Optim;

namespace VaeSharp.Engine.Tests.Optim;

// Each schedule against the examples in PyTorch's lr_scheduler documentation and its closed-form
// formula, evaluated in double at chosen steps. Tolerance: 1e-6 relative (the schedule rounds to float).
public class LearningRateScheduleTests
{
    private static void AssertRate(double expected, float actual) => Assert.Equal(expected, actual, Math.Max(1e-12, 1e-6 * expected));

    [Fact]
    public void StepLr_MatchesPyTorchDocExample()
    {
        // torch docs: StepLR(step_size=30, gamma=0.1), lr 0.05 → 0.05 if epoch < 30, 0.005 if < 60, 0.0005 if < 90.
        var s = new StepLr(0.05f, 30, 0.1f);
        foreach (var (t, lr) in new[] { (0, 0.05), (29, 0.05), (30, 0.005), (59, 0.005), (60, 0.0005), (89, 0.0005), (90, 0.00005) })
            AssertRate(lr, s.LearningRate(t));
    }

    [Fact]
    public void MultiStepLr_MatchesPyTorchDocExample()
    {
        // torch docs: MultiStepLR(milestones=[30, 80], gamma=0.1), lr 0.05.
        var s = new MultiStepLr(0.05f, [80, 30], 0.1f);
        Assert.Equal([30, 80], s.Milestones);
        foreach (var (t, lr) in new[] { (0, 0.05), (29, 0.05), (30, 0.005), (79, 0.005), (80, 0.0005), (1000, 0.0005) })
            AssertRate(lr, s.LearningRate(t));
    }

    [Fact]
    public void ExponentialLr_IsBaseTimesGammaToTheStep()
    {
        var s = new ExponentialLr(0.1f, 0.95f);
        foreach (int t in new[] { 0, 1, 7, 100 }) AssertRate(0.1f * Math.Pow(0.95f, t), s.LearningRate(t));
    }

    [Fact]
    public void CosineAnnealingLr_FollowsTheHalfCosine_AndContinuesPastTMax()
    {
        var s = new CosineAnnealingLr(0.1f, tMax: 50, etaMin: 0.001f);
        foreach (int t in new[] { 0, 1, 10, 25, 49, 50, 75, 100 })
            AssertRate(0.001f + (0.1f - 0.001f) * (1 + Math.Cos(Math.PI * t / 50)) / 2, s.LearningRate(t));
        AssertRate(0.1f, s.LearningRate(0));
        AssertRate(0.001f, s.LearningRate(50));
        AssertRate((0.1f + 0.001f) / 2, s.LearningRate(25));
    }

    [Fact]
    public void LinearWarmup_MatchesPyTorchLinearLrDocExample_ThenFollowsInner()
    {
        // torch docs: LinearLR(start_factor=0.5, total_iters=4), lr 0.05 → 0.025, 0.03125, 0.0375, 0.04375, then 0.05.
        var constant = new ExponentialLr(0.05f, 1f);
        var s = new LinearWarmup(4, constant, startFactor: 0.5f);
        double[] expected = [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05];
        for (int t = 0; t < expected.Length; t++) AssertRate(expected[t], s.LearningRate(t));

        // SequentialLR([LinearLR(...), CosineAnnealingLR(T_max=10)], milestones=[5]): the cosine starts afresh at step 5.
        var cosine = new CosineAnnealingLr(0.1f, 10);
        var warm = new LinearWarmup(5, cosine);
        AssertRate(0.1f / 3, warm.LearningRate(0));
        AssertRate(0.1f * (1.0 / 3 + 2.0 / 3 * 4 / 5), warm.LearningRate(4));
        for (int t = 5; t < 20; t++) Assert.Equal(cosine.LearningRate(t - 5), warm.LearningRate(t));
    }

    [Fact]
    public void Schedules_RejectBadArguments()
    {
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLr(0.1f, 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLr(0.1f, 0f)).ParamName);
        Assert.Equal("baseLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLr(-0.1f, 10)).ParamName);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLr(0.1f, 0)).ParamName);
        Assert.Equal("milestones", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiStepLr(0.1f, [10, 0])).ParamName);
        Assert.Equal("warmupSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(0, new StepLr(0.1f, 1))).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLr(0.1f, 10).LearningRate(-1)).ParamName);
    }

    [Fact]
    public void Schedule_DrivesTheOptimizersLearningRate()
    {
        var opt = new Sgd(OptimTestData.Buffer(4), 0.1f);
        var s = new StepLr(0.1f, 2, 0.5f);
        var seen = new List<float>();
        for (int epoch = 0; epoch < 5; epoch++)
        {
            opt.LearningRate = s.LearningRate(epoch);
            seen.Add(opt.LearningRate);
            opt.Step();
        }
        Assert.Equal([0.1f, 0.1f, 0.05f, 0.05f, 0.025f], seen);
    }
}
