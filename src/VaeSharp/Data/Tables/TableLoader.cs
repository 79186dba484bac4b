using System.Globalization;

namespace VaeSharp.Data.Tables;

/// <summary>
/// Reads a CSV table into train and test <see cref="TableDataset"/>s. Each column's type is inferred unless
/// <see cref="DataOptions.Columns"/> names it:
/// <list type="bullet">
/// <item>every cell a number: binary when all are 0 or 1, else numeric;</item>
/// <item>nearly every cell (≥ 90 % of at least 10) a number: an error at the first that is not (a typo in a numeric column);</item>
/// <item>text: binary with two distinct values, categorical with up to <see cref="MaxCategories"/>, else an error asking for
/// <c>name:categorical</c> or <c>name:ignore</c>.</item>
/// </list>
/// Missing cells (<see cref="TableSchema.MissingTokens"/>) are masked, never replaced. The split is the seeded
/// <see cref="DataOptions.TestFraction"/>; a numeric column's mean and standard deviation come from the training rows only.
/// With a fitted schema (a run's), the file is encoded with it instead: same columns, categories and statistics.
/// </summary>
public static class TableLoader
{
    /// <summary>The most distinct text values an inferred categorical column may have.</summary>
    public const int MaxCategories = 100;

    /// <summary>Reads <paramref name="path"/> as a table.</summary>
    /// <param name="path">A .csv (comma-separated) or .tsv (tab-separated) file with a header row.</param>
    /// <param name="options">Column types, label column, split and <c>skip_bad</c>; null for the defaults.</param>
    /// <param name="fitted">A run's schema to encode with (no inference, no new statistics); null to fit one.</param>
    /// <param name="name">The data set's name; default the file name without its extension.</param>
    /// <exception cref="DataFormatException">The file is malformed; the message names it and the row and column.</exception>
    /// <exception cref="ArgumentException">The options name a column the file lacks, or an unknown type.</exception>
    public static (TableDataset Train, TableDataset Test) Load(string path, DataOptions? options = null, TableSchema? fitted = null, string? name = null)
    {
        options ??= new DataOptions();
        options.Validate();
        name ??= Path.GetFileNameWithoutExtension(path);
        var csv = CsvTable.Read(path, options.SkipBad, MaxLineLength);
        var skipped = new List<string>(csv.Skipped);
        var header = csv.Header;
        string? labelColumn = fitted?.LabelColumn ?? options.LabelColumn;
        int labelIndex = -1;
        if (labelColumn is not null && (labelIndex = Array.IndexOf(header, labelColumn)) < 0)
            throw new ArgumentException($"label column '{labelColumn}': {path} has no such column (its columns: {Columns(header)}).");
        var overrides = ParseColumns(options.Columns, header, path, labelColumn);

        // 1. Each column's kind and categories (a fitted schema's, or inferred from every row).
        TableColumn[] columns;
        IReadOnlyList<string>? classNames = fitted?.ClassNames;
        if (fitted is not null)
        {
            columns = [.. fitted.Columns];
            foreach (var c in columns.Where(c => c.Kind != ColumnKind.Ignore))
                if (Array.IndexOf(header, c.Name) < 0)
                    throw new DataFormatException(path, $"header: no column '{c.Name}', which the run was trained on (the file's columns: {Columns(header)}).");
        }
        else
        {
            columns = new TableColumn[header.Length - (labelIndex >= 0 ? 1 : 0)];
            int at = 0;
            for (int j = 0; j < header.Length; j++)
                if (j != labelIndex) columns[at++] = Infer(csv, j, overrides.TryGetValue(header[j], out var kind) ? kind : null, options.SkipBad);
            if (labelIndex >= 0) classNames = SortedDistinct(csv.Rows.Select(r => r[labelIndex].Trim()).Where(c => !TableSchema.IsMissing(c)));
        }
        var valueColumns = columns.Where(c => c.Kind != ColumnKind.Ignore).ToArray();
        if (valueColumns.Length == 0) throw new ArgumentException($"{path}: every column is ignored or the label; nothing is left to model.");
        int[] columnIndex = valueColumns.Select(c => Array.IndexOf(header, c.Name)).ToArray();

        // 2. Rows whose cells the kinds accept (a bad one stops the read, or with skip_bad is left out and listed).
        var good = new List<int>();
        var labels = new List<int>();
        for (int r = 0; r < csv.Rows.Count; r++)
        {
            string? problem = CheckRow(csv, r, valueColumns, columnIndex, labelIndex, classNames, out int label);
            if (problem is null)
            {
                good.Add(r);
                if (labelIndex >= 0) labels.Add(label);
                continue;
            }
            if (!options.SkipBad) throw new DataFormatException(path, problem);
            skipped.Add($"{path}: {problem}");
        }
        if (good.Count == 0) throw new DataFormatException(path, "no row is left to use (every row was skipped as bad).");

        // 3. The split, then the statistics of the training rows.
        var (trainIds, testIds) = DataSplit.Indices(good.Count, options.EffectiveTestFraction, options.SplitSeed);
        if (fitted is null)
            for (int c = 0; c < columns.Length; c++)
                if (columns[c].Kind == ColumnKind.Numeric) columns[c] = Fit(columns[c], csv, Array.IndexOf(header, columns[c].Name), trainIds.Select(i => good[i]));
        var schema = fitted ?? new TableSchema { Columns = columns, LabelColumn = labelIndex >= 0 ? labelColumn : null, ClassNames = labelIndex >= 0 ? classNames : null };
        schema.Validate();

        TableDataset Part(int[] ids, string part)
        {
            int width = schema.Width;
            var values = new float[ids.Length * width];
            var mask = new float[ids.Length * width];
            bool anyMissing = false;
            for (int i = 0; i < ids.Length; i++)
            {
                int r = good[ids[i]];
                anyMissing |= schema.Encode(csv.Rows[r], columnIndex, values.AsSpan(i * width, width), mask.AsSpan(i * width, width), path, csv.Where(r));
            }
            return new TableDataset(name!, schema, values, anyMissing ? mask : null, labelIndex >= 0 ? ids.Select(i => labels[i]).ToArray() : null,
                ids.Select(i => good[i] + 1).ToArray(), part == "train" ? skipped : []);
        }
        return (Part(trainIds, "train"), Part(testIds, "test"));
    }

    // The longest line a table may have; tests lower it.
    internal static int MaxLineLength { get; set; } = CsvTable.DefaultMaxLineLength;

    /// <summary>Parses <c>name:type,name:type</c> into column kinds.</summary>
    /// <exception cref="ArgumentException">A part is not name:type, a name is not a column of the header, or a type is unknown.</exception>
    public static IReadOnlyDictionary<string, ColumnKind> ParseColumns(string? spec, IReadOnlyList<string> header, string path, string? labelColumn = null)
    {
        var result = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(spec)) return result;
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = part.LastIndexOf(':');
            if (colon <= 0) throw new ArgumentException($"--columns '{part}': expected name:type (type numeric, binary, categorical or ignore).");
            string column = part[..colon].Trim(), type = part[(colon + 1)..].Trim();
            if (!header.Contains(column)) throw new ArgumentException($"--columns '{part}': {path} has no column '{column}' (its columns: {Columns(header)}).");
            if (column == labelColumn) throw new ArgumentException($"--columns '{part}': '{column}' is the label column; it gives each row its class and no values.");
            var kind = Enum.GetValues<ColumnKind>().Where(k => k.ToString().Equals(type, StringComparison.OrdinalIgnoreCase)).Cast<ColumnKind?>().FirstOrDefault()
                ?? throw new ArgumentException($"--columns '{part}': type '{type}': expected numeric, binary, categorical or ignore.");
            if (!result.TryAdd(column, kind)) throw new ArgumentException($"--columns: column '{column}' is given twice.");
        }
        return result;
    }

    private static TableColumn Infer(CsvTable csv, int j, ColumnKind? given, bool skipBad)
    {
        string name = csv.Header[j];
        var cells = csv.Rows.Select(r => r[j].Trim()).Where(c => !TableSchema.IsMissing(c)).ToList();
        if (given == ColumnKind.Ignore) return new TableColumn { Name = name, Kind = ColumnKind.Ignore };
        if (cells.Count == 0)
            throw new DataFormatException(csv.Path, $"column {j + 1} '{name}': every cell is missing; leave it out with --columns '{name}:ignore'.");
        int numbers = cells.Count(c => TableSchema.TryNumber(c, out _));
        switch (given)
        {
            case ColumnKind.Numeric:
                return new TableColumn { Name = name, Kind = ColumnKind.Numeric };
            case ColumnKind.Binary:
                var two = SortedDistinct(cells);
                if (two.Count != 2)
                    throw new DataFormatException(csv.Path, $"column {j + 1} '{name}' is declared binary but holds {two.Count} distinct value{(two.Count == 1 ? "" : "s")} ({string.Join(", ", two.Take(5))}{(two.Count > 5 ? ", ..." : "")}); a binary column holds exactly two.");
                return new TableColumn { Name = name, Kind = ColumnKind.Binary, Categories = two };
            case ColumnKind.Categorical:
                return new TableColumn { Name = name, Kind = ColumnKind.Categorical, Categories = SortedDistinct(cells) };
        }
        if (numbers == cells.Count)
        {
            bool zeroOne = cells.All(c => TableSchema.TryNumber(c, out double v) && (v == 0 || v == 1));
            return zeroOne
                ? new TableColumn { Name = name, Kind = ColumnKind.Binary, Categories = ["0", "1"] }
                : new TableColumn { Name = name, Kind = ColumnKind.Numeric };
        }
        if (cells.Count >= 10 && numbers >= 0.9 * cells.Count)
        {
            if (skipBad) return new TableColumn { Name = name, Kind = ColumnKind.Numeric };   // the rows with text are skipped
            int r = csv.Rows.FindIndex(row => !TableSchema.IsMissing(row[j]) && !TableSchema.TryNumber(row[j].Trim(), out _));
            throw new DataFormatException(csv.Path, $"{csv.Where(r)}, column {j + 1} '{name}': {TableSchema.Quote(csv.Rows[r][j].Trim())} is not a number, " +
                $"but {numbers} of the column's {cells.Count} cells are; fix the cell, declare '{name}:categorical' with --columns if the column is text, or --skip-bad to leave such rows out.");
        }
        var distinct = SortedDistinct(cells);
        if (distinct.Count == 2) return new TableColumn { Name = name, Kind = ColumnKind.Binary, Categories = distinct };
        if (distinct.Count > MaxCategories)
            throw new DataFormatException(csv.Path, $"column {j + 1} '{name}' holds {distinct.Count} distinct text values, more than the {MaxCategories} an inferred categorical column may have; " +
                $"declare '{name}:categorical' with --columns to use it anyway, or '{name}:ignore' to leave it out (an identifier or free text).");
        return new TableColumn { Name = name, Kind = ColumnKind.Categorical, Categories = distinct };
    }

    // Why row r cannot be encoded (a numeric cell that is no number, a category the run does not know, a missing or unknown label), or null.
    private static string? CheckRow(CsvTable csv, int r, TableColumn[] valueColumns, int[] columnIndex, int labelIndex, IReadOnlyList<string>? classNames, out int label)
    {
        label = -1;
        var row = csv.Rows[r];
        for (int c = 0; c < valueColumns.Length; c++)
        {
            string cell = row[columnIndex[c]].Trim();
            if (TableSchema.IsMissing(cell)) continue;
            var column = valueColumns[c];
            if (column.Kind == ColumnKind.Numeric && !TableSchema.TryNumber(cell, out _))
                return $"{csv.Where(r)}, column {columnIndex[c] + 1} '{column.Name}': {TableSchema.Quote(cell)} is not a number; the column is numeric (declare '{column.Name}:categorical' with --columns if it holds text).";
            if (column.Kind != ColumnKind.Numeric && TableSchema.CategoryCode(column.Categories!, cell) < 0)
                return $"{csv.Where(r)}, column {columnIndex[c] + 1} '{column.Name}': {TableSchema.Quote(cell)} is not one of the column's values ({string.Join(", ", column.Categories!.Take(20))}{(column.Categories!.Count > 20 ? ", ..." : "")}).";
        }
        if (labelIndex < 0) return null;
        string value = row[labelIndex].Trim();
        if (TableSchema.IsMissing(value)) return $"{csv.Where(r)}, column {labelIndex + 1} '{csv.Header[labelIndex]}': the label is missing; every row needs its class.";
        label = TableSchema.CategoryCode(classNames!, value);
        return label >= 0 ? null : $"{csv.Where(r)}, column {labelIndex + 1} '{csv.Header[labelIndex]}': class {TableSchema.Quote(value)} is not one the run was trained on ({string.Join(", ", classNames!.Take(20))}).";
    }

    private static TableColumn Fit(TableColumn column, CsvTable csv, int j, IEnumerable<int> trainRows)
    {
        double sum = 0, sumSquares = 0;
        int n = 0, decimals = 0;
        foreach (int r in trainRows)
        {
            string cell = csv.Rows[r][j].Trim();
            if (TableSchema.IsMissing(cell) || !TableSchema.TryNumber(cell, out double v)) continue;
            sum += v;
            n++;
            decimals = Math.Max(decimals, Decimals(cell));
        }
        double mean = n > 0 ? sum / n : 0;
        foreach (int r in trainRows)
        {
            string cell = csv.Rows[r][j].Trim();
            if (TableSchema.IsMissing(cell) || !TableSchema.TryNumber(cell, out double v)) continue;
            sumSquares += (v - mean) * (v - mean);
        }
        double std = n > 0 ? Math.Sqrt(sumSquares / n) : 0;
        return column with { Mean = mean, Std = std > 0 && double.IsFinite(std) ? std : 1, Decimals = decimals };
    }

    private static int Decimals(string cell)
    {
        int e = cell.IndexOfAny(['e', 'E']);
        if (e >= 0) return 10;
        int dot = cell.IndexOf('.');
        return dot < 0 ? 0 : Math.Min(10, cell.Length - dot - 1);
    }

    // Distinct values, in numeric order when all are numbers, else ordinal.
    private static List<string> SortedDistinct(IEnumerable<string> cells)
    {
        var distinct = cells.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.All(c => TableSchema.TryNumber(c, out _)))
            return [.. distinct.OrderBy(c => double.Parse(c, CultureInfo.InvariantCulture)).ThenBy(c => c, StringComparer.Ordinal)];
        distinct.Sort(StringComparer.Ordinal);
        return distinct;
    }

    private static string Columns(IReadOnlyList<string> header) =>
        string.Join(", ", header.Take(30)) + (header.Count > 30 ? $", ... ({header.Count} in all)" : "");
}
