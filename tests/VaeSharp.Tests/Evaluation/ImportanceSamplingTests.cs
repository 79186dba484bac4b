using VaeSharp.Evaluation;
using VaeSharp.Models;

namespace VaeSharp.Tests.Evaluation;

public class ImportanceSamplingTests
{
    private static Vae Model() => new(TestData.SmallVae(hidden: 16));

    [Fact]
    public void ImportanceSampledNll_IsBelowTheElbo_AndFallsWithK()
    {
        var model = Model();
        var data = TestData.Noise(200);
        var k1 = ImportanceSampling.Estimate(model, data, 1);
        var k10 = ImportanceSampling.Estimate(model, data, 10);
        var k200 = ImportanceSampling.Estimate(model, data, 200);
        Assert.Equal(k1.Nll, k1.Elbo, 9);                 // one sample: the bound is the ELBO
        Assert.True(k10.Nll <= k10.Elbo);
        Assert.True(k200.Nll < k10.Nll && k10.Nll < k1.Nll, $"NLL k=1 {k1.Nll}, k=10 {k10.Nll}, k=200 {k200.Nll}");
        // The ELBO estimate does not depend on k (beyond noise): all three agree within 1 %.
        Assert.InRange(k200.Elbo / k1.Elbo, 0.99, 1.01);
    }

    [Theory]
    [InlineData(7)]       // one example per pass, 7 samples each: 8 passes per example
    [InlineData(120)]     // 2 examples of 50 samples, then the rest
    [InlineData(1_000)]   // 20 examples × 50 samples per pass
    [InlineData(10_000)]  // the default: all 30 examples in one batch, all samples in one pass
    public void ImportanceSampledNll_IsDeterministic_AndIndependentOfChunking(int rowsPerPass)
    {
        var model = Model();
        var data = TestData.Noise(30);
        var reference = ImportanceSampling.Estimate(model, data, 50, seed: 3);
        var chunked = ImportanceSampling.Estimate(model, data, 50, seed: 3, rowsPerPass: rowsPerPass);
        Assert.Equal(reference.Nll, chunked.Nll, 9);
        Assert.Equal(reference.Elbo, chunked.Elbo, 9);
        Assert.Equal(reference.Nll, ImportanceSampling.Estimate(model, data, 50, seed: 3, rowsPerPass: rowsPerPass).Nll);
        Assert.NotEqual(reference.Nll, ImportanceSampling.Estimate(model, data, 50, seed: 4).Nll);
    }

    [Fact]
    public void ImportanceSampledNll_WorksForTheConditionalVae()
    {
        var model = new ConditionalVae(TestData.SmallCvae(classes: 2));
        var data = TestData.TwoPrototypes(40);
        var k1 = ImportanceSampling.Estimate(model, data, 1);
        var k100 = ImportanceSampling.Estimate(model, data, 100);
        Assert.True(k100.Nll < k1.Nll, $"NLL k=1 {k1.Nll}, k=100 {k100.Nll}");
    }
}
