using VaeSharp.Engine.Optim;
using static VaeSharp.Engine.Tests.Optim.OptimTestData;

namespace VaeSharp.Engine.Tests.Optim;

// A buffer large enough to be updated in slices on two threads gives the bits of the scalar path on one.
[Collection(EngineSettingsCollection.Name)]
public class AdamSliceTests
{
    [Fact]
    public void Adam_SlicedOnTwoThreads_MatchesTheScalarPath_BitForBit()
    {
        const int n = 5 * 32768 + 11;
        var buffer = Buffer(n);
        var grads = Gradients(3, n);
        var scalarTheta = buffer.Values.ToArray();
        var scalarM = new float[n];
        var scalarV = new float[n];
        int saved = EngineSettings.Threads;
        try
        {
            EngineSettings.Threads = 2;
            var opt = new Adam(buffer, 0.01f, weightDecay: 0.01f);
            for (int t = 1; t <= grads.Length; t++)
            {
                grads[t - 1].CopyTo(buffer.Gradients);
                opt.Step();
                var c = new AdamKernel.Coefficients(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, 0f, t);
                AdamKernel.UpdateScalar(scalarTheta, grads[t - 1], scalarM, scalarV, c, 0);
            }
            Assert.Equal(scalarTheta, buffer.Values.ToArray());
            Assert.Equal(scalarM, opt.StateDict()["exp_avg"]);
            Assert.Equal(scalarV, opt.StateDict()["exp_avg_sq"]);
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
    }
}
