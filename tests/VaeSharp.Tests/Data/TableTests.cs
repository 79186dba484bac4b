using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Data.Tables;

namespace VaeSharp.Tests.Data;

public sealed class TableTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // 40 rows with every column type: numeric (with missing cells, one written "NA", one "NaN"), a 0/1 column, a yes/no
    // column (one empty), a categorical city (one "N/A"), an identifier to ignore, and the label column "kind".
    internal static string EveryTypeCsv(string path, int rows = 40)
    {
        var lines = new List<string> { "age,smoker,member,city,id,kind" };
        string[] cities = ["Lyon", "Oslo", "São Paulo", "New York, NY"];
        for (int r = 0; r < rows; r++)
        {
            string age = r == 3 ? "NA" : r == 7 ? "NaN" : r == 11 ? "" : (20 + r * 1.5).ToString(CultureInfo.InvariantCulture);
            string smoker = (r % 3 == 0 ? 1 : 0).ToString(CultureInfo.InvariantCulture);
            string member = r == 5 ? "" : r % 2 == 0 ? "yes" : "no";
            string city = r == 9 ? "N/A" : cities[r % 4];
            lines.Add($"{age},{smoker},{member},\"{city}\",id-{r:000},{(r % 2 == 0 ? "a" : "b")}");
        }
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private string Csv(string name, string text)
    {
        string path = _temp.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static DataFormatException Bad(string path, DataOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => TableLoader.Load(path, options));

    [Fact]
    public void Inference_GivesEachColumnItsType_AndTheWidths()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, test) = TableLoader.Load(path, new DataOptions { LabelColumn = "kind", Columns = "id:ignore" });
        var kinds = train.Table.Columns.ToDictionary(c => c.Name, c => c.Kind);
        Assert.Equal(ColumnKind.Numeric, kinds["age"]);
        Assert.Equal(ColumnKind.Binary, kinds["smoker"]);
        Assert.Equal(ColumnKind.Binary, kinds["member"]);
        Assert.Equal(ColumnKind.Categorical, kinds["city"]);
        Assert.Equal(ColumnKind.Ignore, kinds["id"]);
        Assert.DoesNotContain("kind", kinds.Keys);
        Assert.Equal(["Lyon", "New York, NY", "Oslo", "São Paulo"], train.Table.Columns.Single(c => c.Name == "city").Categories);
        Assert.Equal(["no", "yes"], train.Table.Columns.Single(c => c.Name == "member").Categories);
        Assert.Equal([1 + 1 + 1 + 4], train.ExampleShape);
        Assert.Equal(40, train.Count + test.Count);
        Assert.Equal(8, test.Count);   // ⌈0.2 · 40⌉
        Assert.Equal(["a", "b"], train.ClassNames);
        Assert.True(train.HasMissing || test.HasMissing);
    }

    [Fact]
    public void MissingCells_AreMasked_NeverReplaced()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, test) = TableLoader.Load(path, new DataOptions { LabelColumn = "kind", Columns = "id:ignore", TestFraction = 0.5 });
        foreach (var set in new[] { train, test })
        {
            var values = new float[set.Count * 7];
            var mask = new float[set.Count * 7];
            var ids = Enumerable.Range(0, set.Count).ToArray();
            set.CopyExamples(ids, values);
            set.CopyMask(ids, mask);
            for (int i = 0; i < set.Count; i++)
            {
                int row = set.RowNumbers[i] - 1;   // the generator's r
                bool ageMissing = row is 3 or 7 or 11, memberMissing = row == 5, cityMissing = row == 9;
                Assert.Equal(ageMissing ? 0f : 1f, mask[i * 7]);
                Assert.Equal(1f, mask[i * 7 + 1]);
                Assert.Equal(memberMissing ? 0f : 1f, mask[i * 7 + 2]);
                for (int k = 3; k < 7; k++) Assert.Equal(cityMissing ? 0f : 1f, mask[i * 7 + k]);
                if (ageMissing) Assert.Equal(0f, values[i * 7]);
                if (cityMissing) Assert.All(values[(i * 7 + 3)..(i * 7 + 7)], v => Assert.Equal(0f, v));
                else Assert.Equal(1f, values[(i * 7 + 3)..(i * 7 + 7)].Sum());   // one-hot
            }
        }
    }

    [Fact]
    public void Numeric_IsStandardisedWithTheTrainingRowsStatistics()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, _) = TableLoader.Load(path, new DataOptions { LabelColumn = "kind", Columns = "id:ignore" });
        var age = train.Table.Columns.Single(c => c.Name == "age");
        var observed = train.RowNumbers.Select(r => r - 1).Where(r => r is not (3 or 7 or 11)).Select(r => 20 + r * 1.5).ToArray();
        double mean = observed.Average();
        Assert.Equal(mean, age.Mean!.Value, 10);
        Assert.Equal(Math.Sqrt(observed.Select(v => (v - mean) * (v - mean)).Average()), age.Std!.Value, 10);
        Assert.Equal(1, age.Decimals);
    }

    [Fact]
    public void ColumnsOption_OverridesTheInferredTypes()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, _) = TableLoader.Load(path, new DataOptions { Columns = "smoker:categorical, member:ignore, id:ignore, kind:categorical" });
        var kinds = train.Table.Columns.ToDictionary(c => c.Name, c => c.Kind);
        Assert.Equal(ColumnKind.Categorical, kinds["smoker"]);
        Assert.Equal(ColumnKind.Ignore, kinds["member"]);
        Assert.Equal(ColumnKind.Categorical, kinds["kind"]);
        Assert.Equal(0, train.ClassCount);
        var bad = Assert.Throws<ArgumentException>(() => TableLoader.Load(path, new DataOptions { Columns = "height:numeric" }));
        Assert.Contains("no column 'height'", bad.Message);
        Assert.Contains(path, bad.Message);
        Assert.Contains("type 'number'", Assert.Throws<ArgumentException>(() => TableLoader.Load(path, new DataOptions { Columns = "age:number" })).Message);
    }

    [Fact]
    public void Decode_WritesTheFilesValuesBack_InItsUnits()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, _) = TableLoader.Load(path, new DataOptions { LabelColumn = "kind", Columns = "id:ignore" });
        var ids = Enumerable.Range(0, train.Count).ToArray();
        var values = new float[train.Count * 7];
        var mask = new float[train.Count * 7];
        train.CopyExamples(ids, values);
        train.CopyMask(ids, mask);
        string csv = TableCsv.Format(train.Table, values, train.Count, mask: mask);
        var back = TableLoader.Load(Csv("back.csv", csv), new DataOptions { TestFraction = 0.5 }, fitted: train.Table with { LabelColumn = null, ClassNames = null });
        var original = File.ReadAllLines(path).Skip(1).Select(l => l).ToArray();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("age,smoker,member,city", lines[0]);
        for (int i = 0; i < train.Count; i++)
        {
            int r = train.RowNumbers[i] - 1;
            string age = r is 3 or 7 or 11 ? "" : (20 + r * 1.5).ToString(CultureInfo.InvariantCulture);
            string city = r == 9 ? "" : new[] { "Lyon", "Oslo", "São Paulo", "\"New York, NY\"" }[r % 4];
            Assert.Equal($"{age},{(r % 3 == 0 ? 1 : 0)},{(r == 5 ? "" : r % 2 == 0 ? "yes" : "no")},{city}", lines[i + 1]);
        }
        Assert.Equal(train.Count, back.Train.Count + back.Test.Count);
    }

    [Fact]
    public void FittedSchema_EncodesAnotherFileTheSameWay()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, _) = TableLoader.Load(path, new DataOptions { LabelColumn = "kind", Columns = "id:ignore" });
        string other = EveryTypeCsv(_temp.Combine("later.csv"), rows: 12);
        var (again, _) = TableLoader.Load(other, new DataOptions { LabelColumn = "kind", Columns = "id:ignore" }, train.Table);
        Assert.Same(train.Table, again.Table);
        string unknown = Csv("unknown.csv", "age,smoker,member,city,id,kind\n30,1,yes,Paris,x,a\n31,0,no,Lyon,y,b\n");
        var e = Assert.Throws<DataFormatException>(() => TableLoader.Load(unknown, null, train.Table));
        Assert.Contains(unknown, e.Message);
        Assert.Contains("row 1 (line 2), column 4 'city': 'Paris' is not one of the column's values", e.Message);
    }

    [Fact]
    public void RaggedRow_NamesTheFileRowAndLine()
    {
        string path = Csv("ragged.csv", "a,b,c\n1,2,3\n4,5\n7,8,9\n");
        var e = Bad(path);
        Assert.Contains(path, e.Message);
        Assert.Contains("row 2 (line 3) has 2 cells; the header has 3 columns", e.Message);
    }

    [Fact]
    public void RaggedRow_WithSkipBad_IsLeftOutAndListed()
    {
        var lines = new List<string> { "a,b" };
        for (int i = 0; i < 20; i++) lines.Add(i == 4 ? "1,2,3" : $"{i},{i * 2}");
        string path = Csv("ragged.csv", string.Join('\n', lines));
        var (train, test) = TableLoader.Load(path, new DataOptions { SkipBad = true });
        Assert.Equal(19, train.Count + test.Count);
        var skipped = Assert.Single(train.Skipped);
        Assert.Contains(path, skipped);
        Assert.Contains("row 5 (line 6) has 3 cells", skipped);
    }

    [Fact]
    public void TextInANumericColumn_NamesTheFileRowAndColumn()
    {
        var lines = new List<string> { "x,y" };
        for (int i = 0; i < 20; i++) lines.Add(i == 12 ? "3.5,abc" : $"{i},{i * 0.5}");
        string path = Csv("typo.csv", string.Join('\n', lines));
        var e = Bad(path);
        Assert.Contains(path, e.Message);
        Assert.Contains("row 13 (line 14), column 2 'y': 'abc' is not a number", e.Message);

        var declared = Bad(Csv("declared.csv", "x,y\n1,2\n3,oops\n5,6\n"), new DataOptions { Columns = "y:numeric" });
        Assert.Contains("declared.csv: row 2 (line 3), column 2 'y': 'oops' is not a number; the column is numeric", declared.Message);

        var (train, test) = TableLoader.Load(path, new DataOptions { SkipBad = true });
        Assert.Equal(19, train.Count + test.Count);
        Assert.Contains("row 13 (line 14), column 2 'y': 'abc' is not a number", Assert.Single(train.Skipped));
    }

    [Fact]
    public void DuplicateHeaderNames_NameBothColumns()
    {
        string path = Csv("dup.csv", "a,b,a\n1,2,3\n");
        var e = Bad(path);
        Assert.Contains(path, e.Message);
        Assert.Contains("column 3 is named 'a' like column 1", e.Message);
    }

    [Fact]
    public void EmptyFile_HeaderOnly_AndEmptyName_AreRefused()
    {
        Assert.Contains("the file is empty", Bad(Csv("empty.csv", "")).Message);
        Assert.Contains("a header but no rows", Bad(Csv("header.csv", "a,b\n")).Message);
        Assert.Contains("header, column 2: the name is empty", Bad(Csv("noname.csv", "a,,c\n1,2,3\n")).Message);
        Assert.Contains("column 2 'b': every cell is missing", Bad(Csv("allmissing.csv", "a,b\n1,\n2,NA\n")).Message);
        Assert.Contains("a quote (\") that is never closed?", Bad(Csv("quote.csv", "a,b\n1,\"open\n" + string.Concat(Enumerable.Repeat(new string('x', 1023) + "\n", 17 << 10)))).Message);
    }

    [Fact]
    public void ManyDistinctTexts_AskForCategoricalOrIgnore()
    {
        string path = Csv("ids.csv", "id,v\n" + string.Join('\n', Enumerable.Range(0, 150).Select(i => $"user{i},{i}")));
        var e = Bad(path);
        Assert.Contains("column 1 'id' holds 150 distinct text values", e.Message);
        Assert.Contains("'id:ignore'", e.Message);
    }

    [Fact]
    public void TwoGigabyteLine_IsRefusedWithoutReadingItWhole()
    {
        // A sparse file: a header, then one "line" of 2 GiB of NUL characters with no line break.
        string path = _temp.Combine("huge.csv");
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.Write("a,b\n1,"u8);
            f.SetLength(2L << 30);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Bad(path);
        Assert.Contains(path, e.Message);
        Assert.Contains("line 2 is longer than 4,194,304 characters", e.Message);
        Assert.True(clock.Elapsed.TotalSeconds < 20, $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Split_IsSeeded_DisjointAndInFileOrder()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (a, b) = TableLoader.Load(path, new DataOptions { Columns = "id:ignore" });
        var (c, _) = TableLoader.Load(path, new DataOptions { Columns = "id:ignore" });
        var (d, _) = TableLoader.Load(path, new DataOptions { Columns = "id:ignore", SplitSeed = 2 });
        Assert.Equal(a.RowNumbers, c.RowNumbers);
        Assert.NotEqual(a.RowNumbers, d.RowNumbers);
        Assert.Empty(a.RowNumbers.Intersect(b.RowNumbers));
        Assert.Equal(a.RowNumbers.Order(), a.RowNumbers);
    }

    [Fact]
    public void Catalog_LoadsACsvPath_AndRefusesAnUnknownName()
    {
        string path = EveryTypeCsv(_temp.Combine("people.csv"));
        var (train, _) = DatasetCatalog.Load(path, options: new DataOptions { Columns = "id:ignore" });
        Assert.Equal("people", train.Name);
        Assert.NotNull(train.Table);
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load(_temp.Combine("nothing.csv"), cacheRoot: _temp.Combine("cache")));
        Assert.Contains("nothing.csv': not a data set's name", e.Message);
        Assert.Contains("takes no data options", Assert.Throws<ArgumentException>(() => DatasetCatalog.Load("mnist", options: new DataOptions { TestFraction = 0.3 })).Message);
    }

    [Fact]
    public void ASubsetOfATable_KeepsItsSchemaAndMissingValueMask()
    {
        // vae train --normal-classes on a table trains on a subset: it must still be a table (schema, likelihood, mask).
        var (train, _) = TableLoader.Load(EveryTypeCsv(_temp.Combine("people.csv")), new DataOptions { LabelColumn = "kind", Columns = "id:ignore" });
        var subset = SubsetDataset.OfClasses(train, [0]);
        Assert.Same(train.Table, subset.Table);
        Assert.True(subset.HasMissing);
        int width = train.ExampleShape[0];
        for (int i = 0; i < subset.Count; i++)
        {
            float[] fromSubset = new float[width], fromSource = new float[width];
            subset.CopyMask([i], fromSubset);
            train.CopyMask([subset.SourceIndex(i)], fromSource);
            Assert.Equal(fromSource, fromSubset);
        }
        Assert.Equal(train.Skipped, subset.Skipped);
    }
}
