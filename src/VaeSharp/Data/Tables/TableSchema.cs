using System.Globalization;
using System.Text.Json.Serialization;
using VaeSharp.Distributions;

namespace VaeSharp.Data.Tables;

/// <summary>
/// How a table's rows become examples and back (kept in config.json as <c>table</c>, so sampling and reconstruction write
/// rows in the file's own columns and units without reading the file again). An example is the columns' values one after
/// another in file order: a numeric column one standardised value, a binary column 0 or 1, a categorical column K
/// one-hot values; ignored columns and the label column give none. A missing cell (empty, NA, N/A, NaN, nan, NULL, null)
/// gives 0 in every value of its column and 0 in the mask there, so the likelihood skips it.
/// </summary>
public sealed record TableSchema
{
    /// <summary>The cells read as missing: empty, NA, N/A, NaN, nan, NULL, null (after trimming spaces).</summary>
    public static IReadOnlyList<string> MissingTokens { get; } = ["", "NA", "N/A", "NaN", "nan", "NULL", "null"];

    /// <summary>Every column of the header except the label column, in file order (ignored ones too, so a file reads back by name).</summary>
    public IReadOnlyList<TableColumn> Columns { get; init; } = [];

    /// <summary>The column holding each row's class, or null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LabelColumn { get; init; }

    /// <summary>The classes of the label column in label order, or null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Values per example.</summary>
    [JsonIgnore]
    public int Width => Columns.Sum(c => c.Width);

    /// <summary>The columns that give values (not ignored), in example order.</summary>
    [JsonIgnore]
    public IReadOnlyList<TableColumn> ValueColumns => Columns.Where(c => c.Kind != ColumnKind.Ignore).ToArray();

    /// <summary>The likelihood's blocks, one per value column: Gaussian for numeric, Bernoulli for binary, categorical for categorical.</summary>
    [JsonIgnore]
    public IReadOnlyList<LikelihoodBlock> LikelihoodBlocks => ValueColumns.Select(c => new LikelihoodBlock(c.Kind switch
    {
        ColumnKind.Numeric => LikelihoodBlockKind.Gaussian,
        ColumnKind.Binary => LikelihoodBlockKind.Bernoulli,
        _ => LikelihoodBlockKind.Categorical,
    }, c.Width)).ToArray();

    /// <summary>True for a cell read as missing.</summary>
    public static bool IsMissing(string cell) => MissingTokens.Contains(cell.Trim());

    // Encodes one row's cells into values and mask (each Width long); columnIndex[c] is the cell of value column c.
    // Returns true when some cell is missing. A numeric cell that is no number, or a category the run does not know, is a
    // DataFormatException naming the file, the row and the column.
    internal bool Encode(IReadOnlyList<string> cells, int[] columnIndex, Span<float> values, Span<float> mask, string file, string where)
    {
        bool missing = false;
        int at = 0;
        var valueColumns = ValueColumns;
        for (int c = 0; c < valueColumns.Count; c++)
        {
            var column = valueColumns[c];
            int width = column.Width;
            string cell = cells[columnIndex[c]].Trim();
            if (IsMissing(cell))
            {
                values.Slice(at, width).Clear();
                mask.Slice(at, width).Clear();
                missing = true;
                at += width;
                continue;
            }
            mask.Slice(at, width).Fill(1f);
            switch (column.Kind)
            {
                case ColumnKind.Numeric:
                    if (!TryNumber(cell, out double v))
                        throw new DataFormatException(file, $"{where}, column {columnIndex[c] + 1} '{column.Name}': {Quote(cell)} is not a number; the column is numeric (declare it '{column.Name}:categorical' with --columns if it holds text).");
                    values[at] = (float)((v - column.Mean!.Value) / column.Std!.Value);
                    break;
                default:
                    int code = CategoryCode(column.Categories!, cell);
                    if (code < 0)
                        throw new DataFormatException(file, $"{where}, column {columnIndex[c] + 1} '{column.Name}': {Quote(cell)} is not one of the column's values ({string.Join(", ", column.Categories!.Take(20))}{(column.Categories!.Count > 20 ? ", ..." : "")}).");
                    if (column.Kind == ColumnKind.Binary) values[at] = code;
                    else
                    {
                        values.Slice(at, width).Clear();
                        values[at + code] = 1f;
                    }
                    break;
            }
            at += width;
        }
        return missing;
    }

    /// <summary>The cells of one example's values (<see cref="Width"/> of them, as E[x | z] gives them: numeric standardised,
    /// binary a probability, categorical probabilities or logits' softmax): numeric in the column's units, binary and categorical the most
    /// probable value. One cell per value column.</summary>
    public string[] Decode(ReadOnlySpan<float> values)
    {
        if (values.Length != Width) throw new ArgumentException($"An example of this table has {Width} values; got {values.Length}.");
        var valueColumns = ValueColumns;
        var cells = new string[valueColumns.Count];
        int at = 0;
        for (int c = 0; c < valueColumns.Count; c++)
        {
            var column = valueColumns[c];
            cells[c] = column.Kind switch
            {
                ColumnKind.Numeric => column.FormatNumber(values[at]),
                ColumnKind.Binary => column.Categories![values[at] >= 0.5f ? 1 : 0],
                _ => column.Categories![ArgMax(values.Slice(at, column.Width))],
            };
            at += column.Width;
        }
        return cells;
    }

    /// <summary>Checks every column and the label fields; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (Columns is null || Columns.Count == 0) throw new ArgumentException("table: no columns.");
        foreach (var c in Columns) (c ?? throw new ArgumentException("table: a column is null.")).Validate();
        if (ClassNames is not null && ClassNames.Any(n => n is null)) throw new ArgumentException("table: a class name is null.");
        var dup = Columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"table: column '{dup.Key}' appears twice.");
        if (Width == 0) throw new ArgumentException("table: every column is ignored; nothing to model.");
        if ((LabelColumn is null) != (ClassNames is null)) throw new ArgumentException("table: label_column and class_names go together.");
    }

    internal static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    internal static string Quote(string cell) => cell.Length <= 40 ? $"'{cell}'" : $"'{cell[..40]}...' ({cell.Length} characters)";

    // The code of a category: the value written the same way, else (for numbers: "1" and "1.0") the same number.
    internal static int CategoryCode(IReadOnlyList<string> categories, string cell)
    {
        for (int i = 0; i < categories.Count; i++)
            if (string.Equals(categories[i], cell, StringComparison.Ordinal)) return i;
        if (!TryNumber(cell, out double v)) return -1;
        for (int i = 0; i < categories.Count; i++)
            if (TryNumber(categories[i], out double c) && c == v) return i;
        return -1;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
