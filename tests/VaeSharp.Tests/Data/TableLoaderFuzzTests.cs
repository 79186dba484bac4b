using System.Text;
using VaeSharp.Data;
using VaeSharp.Data.Tables;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VaeSharp.Tests.Data;

// TableLoader.Load over mutated CSV files: the byte mutations every loader gets (flips, truncations, insertions,
// repeats) on a table with every column type and missing cells, plus table-level ones — a separator or a quote added or
// removed, a header name repeated or emptied, a number replaced by text, a line break removed, NUL bytes. Every input
// loads — counts, widths, finite values, a 0/1 mask, one-hot categories all agree — or ends in a DataFormatException
// naming the file.
public sealed class TableLoaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int InputCount = 1500;
    private const ulong Seed = 31;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string File0 => _folder.Combine("table.csv");

    private IEnumerable<FuzzInput> Inputs(byte[] original)
    {
        var rng = new RandomGenerator(Seed);
        var mutator = new ByteMutator(rng);
        var seed = new FuzzSeed("table.csv", original);
        string text = Encoding.UTF8.GetString(original);
        int index = 0;
        foreach (var (m, b) in ByteMutator.BoundaryTruncations(seed)) yield return new FuzzInput(index++, m, b);
        while (index < InputCount)
        {
            if (rng.NextInt(2) == 0)
            {
                var (m, b) = mutator.Mutate(seed);
                yield return new FuzzInput(index++, m, b);
                continue;
            }
            int at = rng.NextInt(text.Length);
            (string what, string changed) = rng.NextInt(8) switch
            {
                0 => ("',' inserted", text.Insert(at, ",")),
                1 => ("'\"' inserted", text.Insert(at, "\"")),
                2 => ("a ',' removed", RemoveNext(text, at, ',')),
                3 => ("a line break removed", RemoveNext(text, at, '\n')),
                4 => ("header name repeated", text.Replace("smoker,member", "smoker,smoker")),
                5 => ("header name emptied", text.Replace(",city,", ",,")),
                6 => ("a number made text", ReplaceNextDigit(text, at)),
                _ => ("NUL bytes inserted", text.Insert(at, "\0\0\0")),
            };
            yield return new FuzzInput(index++, $"{what} at {at}", Encoding.UTF8.GetBytes(changed));
        }
    }

    private static string RemoveNext(string text, int at, char c)
    {
        int i = text.IndexOf(c, at);
        return i < 0 ? text : text.Remove(i, 1);
    }

    private static string ReplaceNextDigit(string text, int at)
    {
        int i = text.IndexOfAny("0123456789".ToCharArray(), at);
        return i < 0 ? text : text.Remove(i, 1).Insert(i, "x");
    }

    private static string? Consistent(FuzzInput input, (TableDataset Train, TableDataset Test) sets)
    {
        var schema = sets.Train.Table;
        if (!ReferenceEquals(schema, sets.Test.Table)) return "train and test have different schemas";
        if (schema.Width != sets.Train.ExampleShape[0]) return $"width {schema.Width} but examples of {sets.Train.ExampleShape[0]}";
        foreach (var set in new[] { sets.Train, sets.Test })
        {
            int n = set.Count, w = schema.Width;
            var values = new float[n * w];
            var mask = new float[n * w];
            var ids = Enumerable.Range(0, n).ToArray();
            set.CopyExamples(ids, values);
            set.CopyMask(ids, mask);
            if (values.Any(v => !float.IsFinite(v))) return "a value is not finite";
            if (mask.Any(m => m is not (0f or 1f))) return "a mask value is neither 0 nor 1";
            for (int r = 0; r < n; r++)
            {
                int at = 0;
                foreach (var c in schema.ValueColumns)
                {
                    if (c.Kind == ColumnKind.Categorical && mask[r * w + at] == 1f && values.AsSpan(r * w + at, c.Width).ToArray().Sum() != 1f) return $"column {c.Name} is not one-hot";
                    if (c.Kind == ColumnKind.Binary && values[r * w + at] is not (0f or 1f)) return $"binary column {c.Name} holds {values[r * w + at]}";
                    at += c.Width;
                }
            }
        }
        return null;
    }

    [Fact]
    public void Fuzz_MutatedCsv_LoadsConsistently_OrFailsNamingTheFile()
    {
        string original = TableTests.EveryTypeCsv(_folder.Combine("original.csv"));
        var campaign = new FuzzCampaign<(TableDataset, TableDataset)>
        {
            Loader = "TableLoader.Load",
            Seed = Seed,
            Prepare = input => File.WriteAllBytes(File0, input.Bytes),
            Load = _ => TableLoader.Load(File0),
            Source = _ => File0,
            IsTypedError = e => e is DataFormatException,
            Check = Consistent,
            // The reader's buffers (Sep's, the stream's), every cell as a string, and the encoded values.
            AllocationBound = input => (8 << 20) + 64L * input.Bytes.Length,
            Budget = TimeSpan.FromSeconds(60),
        };
        var result = campaign.Run(Inputs(File.ReadAllBytes(original)));
        result.AssertClean(output, InputCount);
        Assert.True(result.Loaded > 100, "too few mutations keep a loadable table");
        Assert.True(result.Reasons.Count > 3, "too few kinds of refusal");
    }
}
