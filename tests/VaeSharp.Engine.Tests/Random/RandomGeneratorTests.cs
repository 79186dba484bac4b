using VaeSharp.Engine.Random;

// Folder Random/ mirrors src/VaeSharp.Engine/Random; the namespace is not VaeSharp.Engine.Tests.Random,
// which would hide VaeSharp.Engine.Random from every VaeSharp.Engine.Tests.* namespace (Random.RandomGenerator).
namespace VaeSharp.Engine.Tests.Randomness;

// FillNormal against NextNormal one value at a time, from every state a generator can be in (a spare
// normal cached, words of a block left over), and the normal values' moments.
[Collection(EngineSettingsCollection.Name)]
public class RandomGeneratorTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(7, 0)]
    [InlineData(64, 0)]
    [InlineData(9, 1)]  // one NextUInt32 drawn first: the words are not aligned to a block
    [InlineData(9, 2)]  // one NextNormal drawn first: its spare value comes first
    [InlineData(5001, 0)] // long enough to be drawn in pairs on two threads
    [InlineData(5001, 1)]
    public void FillNormal_GivesTheValuesOfNextNormal(int length, int before)
    {
        RandomGenerator Fresh()
        {
            var rng = new RandomGenerator(42, stream: 3);
            if (before == 1) rng.NextUInt32();
            if (before == 2) rng.NextNormal();
            return rng;
        }
        var filled = new float[length + 3];
        var bulk = Fresh();
        int saved = EngineSettings.Threads;
        try
        {
            EngineSettings.Threads = 2;
            bulk.FillNormal(filled.AsSpan(0, length), mean: 0.5f, std: 2f);
            bulk.FillNormal(filled.AsSpan(length, 3), mean: 0.5f, std: 2f); // and it carries on where it stopped
        }
        finally
        {
            EngineSettings.Threads = saved;
        }
        var one = Fresh();
        for (int i = 0; i < filled.Length; i++) Assert.Equal(0.5f + 2f * one.NextNormal(), filled[i]);
    }

    [Fact]
    public void FillNormal_HasStandardNormalMoments()
    {
        var values = new float[400_000];
        new RandomGenerator(7).FillNormal(values);
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
        double withinOne = values.Count(v => Math.Abs(v) < 1f) / (double)values.Length;
        // Standard errors: mean 0.0016, variance 0.0022, P(|x| < 1) = 0.6827 ± 0.0007.
        Assert.InRange(mean, -0.008, 0.008);
        Assert.InRange(variance, 0.99, 1.01);
        Assert.InRange(withinOne, 0.679, 0.686);
    }
}

public class RandomStateTests
{
    [Theory]
    [InlineData(0, 0)]   // fresh
    [InlineData(1, 0)]   // mid-block
    [InlineData(4, 0)]   // block boundary
    [InlineData(3, 1)]   // mid-block with a spare normal waiting
    [InlineData(6, 3)]
    public void State_RestoredIntoAFreshGenerator_ContinuesTheSameSequence(int words, int normals)
    {
        var a = new VaeSharp.Engine.Random.RandomGenerator(42, stream: 3);
        for (int i = 0; i < words; i++) a.NextUInt32();
        for (int i = 0; i < normals; i++) a.NextNormal();
        var b = new VaeSharp.Engine.Random.RandomGenerator(42, stream: 3) { State = a.State };
        var expected = new float[3000];
        var actual = new float[3000];
        a.FillNormal(expected);   // long enough for the parallel path when it can take it
        b.FillNormal(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(a.NextUInt32(), b.NextUInt32());
        Assert.Equal(a.NextNormal(), b.NextNormal());
    }

    [Fact]
    public void State_RefusesImpossiblePositions()
    {
        var g = new VaeSharp.Engine.Random.RandomGenerator(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.State = new VaeSharp.Engine.Random.RandomState(0, 2, false, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.State = new VaeSharp.Engine.Random.RandomState(5, 7, false, 0f));
    }
}
