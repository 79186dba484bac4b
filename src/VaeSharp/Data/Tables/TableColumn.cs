using System.Globalization;
using System.Text.Json.Serialization;

namespace VaeSharp.Data.Tables;

/// <summary>
/// One column of a table as a run encodes it: its name and type, and what turns a cell into values and back —
/// a numeric column's training mean and standard deviation (and the decimals its cells were written with), the values of
/// a binary or categorical column (value i is code i).
/// </summary>
public sealed record TableColumn
{
    /// <summary>The column's name in the header row.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its type.</summary>
    public ColumnKind Kind { get; init; }

    /// <summary>Numeric: the training rows' mean (the standardised value is (v − mean) / std).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Mean { get; init; }

    /// <summary>Numeric: the training rows' standard deviation (1 when all rows hold one value).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Std { get; init; }

    /// <summary>Numeric: the most decimals a cell of the file was written with, so decoded values are written alike.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Decimals { get; init; }

    /// <summary>Binary (two) and categorical (K) columns: the values in code order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Values this column takes in an example: 1 for numeric and binary, K for categorical, 0 for ignored.</summary>
    [JsonIgnore]
    public int Width => Kind switch
    {
        ColumnKind.Numeric or ColumnKind.Binary => 1,
        ColumnKind.Categorical => Categories?.Count ?? 0,
        _ => 0,
    };

    /// <summary>The cell written for a decoded value: a numeric column's value in its own units, with its decimals.</summary>
    internal string FormatNumber(double standardised)
    {
        double value = standardised * Std!.Value + Mean!.Value;
        return Math.Round(value, Decimals ?? 6).ToString("0.##########", CultureInfo.InvariantCulture);
    }

    /// <summary>Checks the fields for the kind; throws <see cref="ArgumentException"/> naming the column and field.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name)) throw new ArgumentException("table column: name missing.");
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"table column '{Name}': kind {Kind}: expected numeric, binary, categorical or ignore.");
        switch (Kind)
        {
            case ColumnKind.Numeric:
                if (Mean is not double m || !double.IsFinite(m)) throw new ArgumentException($"table column '{Name}': mean missing or not finite.");
                if (Std is not double s || !(s > 0) || !double.IsFinite(s)) throw new ArgumentException($"table column '{Name}': std missing or not positive.");
                if (Decimals is < 0 or > 15) throw new ArgumentException($"table column '{Name}': decimals {Decimals}: expected 0 to 15.");
                break;
            case ColumnKind.Binary:
                if (Categories is not { Count: 2 }) throw new ArgumentException($"table column '{Name}': a binary column has exactly two categories.");
                break;
            case ColumnKind.Categorical:
                if (Categories is not { Count: >= 1 }) throw new ArgumentException($"table column '{Name}': a categorical column lists its categories.");
                break;
        }
        if (Categories is not null && Categories.Any(c => c is null)) throw new ArgumentException($"table column '{Name}': a category is null.");
        if (Categories is not null && Categories.Distinct(StringComparer.Ordinal).Count() != Categories.Count)
            throw new ArgumentException($"table column '{Name}': categories repeat a value.");
    }
}
