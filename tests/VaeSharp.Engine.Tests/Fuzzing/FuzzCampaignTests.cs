using VaeSharp.Engine.IO;
using VaeSharp.Engine.Random;
using Xunit.Sdk;

namespace VaeSharp.Engine.Tests.Fuzzing;

// The harness must catch what it promises to catch, or every fuzz test could pass without looking:
// each test here feeds it a loader broken in one way and expects that failure, and only that one.
public sealed class FuzzCampaignTests
{
    private static readonly FuzzSeed Seed = new("seed", [1, 2, 3, 4, 5, 6, 7, 8], [(0, "a"), (4, "b")], [new IntField("count", 0, 4, true)]);

    private static List<FuzzInput> Inputs(int n, ulong seed = 1)
    {
        var mutator = new ByteMutator(new RandomGenerator(seed));
        return Enumerable.Range(0, n).Select(i => { var (m, b) = mutator.Mutate(Seed); return new FuzzInput(i, m, b); }).ToList();
    }

    private static FuzzCampaign<int> Campaign(Func<FuzzInput, int> load, Func<FuzzInput, int, string?>? check = null, long bound = 1 << 20) => new()
    {
        Loader = "test", Seed = 1, Load = load, Source = i => $"in{i.Index}", IsTypedError = e => e is FileFormatException,
        Check = check ?? ((_, _) => null), AllocationBound = _ => bound,
    };

    private static int Typed(FuzzInput i) => i.Bytes.Length % 2 == 0 ? 0 : throw new FileFormatException($"in{i.Index}", "odd length");

    [Fact]
    public void CleanLoader_PassesWithItsCounts()
    {
        var result = Campaign(Typed).Run(Inputs(200));
        Assert.Empty(result.Failures);
        Assert.Equal(200, result.Tried);
        Assert.True(result.Loaded > 0 && result.RefusedTotal > 0, result.Report());
        Assert.Throws<EqualException>(() => result.AssertClean(new NullOutput(), promised: 201));
    }

    [Fact]
    public void OtherExceptionType_IsACrash()
    {
        var result = Campaign(i => i.Bytes.Length > 8 ? throw new IndexOutOfRangeException() : Typed(i)).Run(Inputs(200));
        Assert.True(result.Crashes > 0);
        Assert.All(result.Failures, f => Assert.Equal("crash", f.Kind));
        Assert.ThrowsAny<XunitException>(() => result.AssertClean(new NullOutput(), 200));
    }

    [Fact]
    public void MessageWithoutTheFile_IsAFailure()
    {
        var result = Campaign(i => throw new FileFormatException("somewhere-else", "bad")).Run(Inputs(20));
        Assert.Equal(20, result.Failures.Count(f => f.Kind == "unnamed"));
    }

    [Fact]
    public void AllocationOverTheBound_IsAFailure()
    {
        var result = Campaign(i => new byte[4 << 20].Length, bound: 1 << 20).Run(Inputs(5));
        Assert.Equal(5, result.Failures.Count(f => f.Kind == "allocation"));
    }

    [Fact]
    public void InconsistentResult_IsAFailure()
    {
        var result = Campaign(i => i.Bytes.Length, (i, n) => n == i.Bytes.Length + 1 ? null : "length differs").Run(Inputs(10));
        Assert.Equal(10, result.Failures.Count(f => f.Kind == "inconsistent"));
    }

    [Fact]
    public void Hang_IsCaughtByTheWatchdog_NamingTheInput()
    {
        var campaign = new FuzzCampaign<int>
        {
            Loader = "test", Seed = 1, Source = i => $"in{i.Index}", IsTypedError = _ => true, Check = (_, _) => null,
            AllocationBound = _ => long.MaxValue, Budget = TimeSpan.FromMilliseconds(300),
            Load = i => { if (i.Index == 3) Thread.Sleep(2000); return 0; },
        };
        var result = campaign.Run(Inputs(10));
        Assert.True(result.TimedOut);
        Assert.Equal(3, Assert.Single(result.Failures).Index);
    }

    [Fact]
    public void Mutators_SameSeed_SameInputs_OtherSeed_OtherInputs()
    {
        static string Digest(IEnumerable<FuzzInput> inputs) => string.Join("|", inputs.Select(i => i.Mutation + Convert.ToHexString(i.Bytes)));
        Assert.Equal(Digest(Inputs(300, seed: 5)), Digest(Inputs(300, seed: 5)));
        Assert.NotEqual(Digest(Inputs(300, seed: 5)), Digest(Inputs(300, seed: 6)));

        const string json = """{"a":1,"b":[1,2,{"c":"x"}],"d":{"e":null}}""";
        static string Json(ulong seed)
        {
            var m = new JsonMutator(new RandomGenerator(seed));
            return string.Join("|", Enumerable.Range(0, 300).Select(_ => m.Mutate(json).Json));
        }
        Assert.Equal(Json(5), Json(5));
        Assert.NotEqual(Json(5), Json(6));
    }

    private sealed class NullOutput : Xunit.Abstractions.ITestOutputHelper
    {
        public void WriteLine(string message) { }
        public void WriteLine(string format, params object[] args) { }
    }
}
