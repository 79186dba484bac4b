using VaeSharp.Engine.Diagnostics;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

// vae bench --profile's library half: the real training step, profiled. The GEMM flops it books must be exactly the
// model's: forward x·Wᵀ per layer, and in backward dW for every layer and dX for every layer but the first (the data
// needs no gradient).
public class StepProfileTests
{
    [Fact]
    public void MlpStep_BooksExactlyTheModelsGemms()
    {
        const int batch = 8, hidden = 16, latent = 4, input = 784;
        var config = new VaeConfig { Network = new NetworkConfig { Hidden = [hidden] }, LatentDim = latent };
        var result = StepProfile.Run(config, new TrainingOptions { BatchSize = batch }, steps: 3, warmupSeconds: 0.05);

        double Layer(int inF, int outF) => 2.0 * batch * inF * outF;
        double forward = Layer(input, hidden) + 2 * Layer(hidden, latent) + Layer(latent, hidden) + Layer(hidden, input);
        Assert.Equal(3 * forward - Layer(input, hidden), result.GemmFlops, 6);
        Assert.Contains(result.Entries, e => e.Kind == ProfileKind.Gemm && e.Name == $"{batch}×{hidden}×{input} A·Bᵀ" && e.Calls == 1);
        Assert.Contains(result.Entries, e => e.Kind == ProfileKind.Gemm && e.Name == $"{batch}×{latent}×{hidden} A·Bᵀ" && e.Calls == 2);
        foreach (var phase in new[] { "batching", "optimizer step", "zero gradients", "gradient norm" })
            Assert.Contains(result.Entries, e => e.Kind == ProfileKind.Phase && e.Name == phase && e.Calls == 1);
        Assert.Contains(result.Entries, e => StepProfileResult.Group(e) == "loss");
        Assert.True(result.StepMilliseconds > 0 && result.ProfiledStepMilliseconds > 0);
        Assert.InRange(result.GemmShare, 0, 1);
        Assert.True(result.PeakGflops > 0 && result.TriadGBs > 0);
        Assert.False(OpProfiler.Enabled);
    }
}
