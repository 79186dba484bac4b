namespace VaeSharp.Data.Tables;

/// <summary>How well reconstructions recover a table's observed cells, per column: RMSE in the column's own units for a
/// numeric column, the share of values recovered (the most probable value equals the original) for a binary or categorical one.</summary>
public static class TableErrors
{
    /// <summary>One column's figures.</summary>
    /// <param name="Column">The column's name.</param>
    /// <param name="Kind">numeric, binary or categorical.</param>
    /// <param name="Observed">Cells compared (the missing ones are not).</param>
    /// <param name="Rmse">Numeric: root mean squared error in the column's units; else null.</param>
    /// <param name="Std">Numeric: the column's training standard deviation (the RMSE of always guessing the mean); else null.</param>
    /// <param name="Accuracy">Binary, categorical: the share recovered; else null.</param>
    public sealed record ColumnError(string Column, string Kind, int Observed, double? Rmse, double? Std, double? Accuracy);

    /// <summary>The figures of <paramref name="count"/> rows: <paramref name="originals"/> and <paramref name="reconstructions"/>
    /// (E[x | z]) and the originals' <paramref name="mask"/>, each count × width.</summary>
    public static IReadOnlyList<ColumnError> Compute(TableSchema schema, ReadOnlySpan<float> originals, ReadOnlySpan<float> reconstructions, ReadOnlySpan<float> mask, int count)
    {
        int width = schema.Width, at = 0;
        var result = new List<ColumnError>();
        foreach (var column in schema.ValueColumns)
        {
            int observed = 0, right = 0;
            double squares = 0;
            for (int r = 0; r < count; r++)
            {
                int o = r * width + at;
                if (mask[o] == 0f) continue;
                observed++;
                switch (column.Kind)
                {
                    case ColumnKind.Numeric:
                        double d = (reconstructions[o] - originals[o]) * column.Std!.Value;
                        squares += d * d;
                        break;
                    case ColumnKind.Binary:
                        if ((reconstructions[o] >= 0.5f) == (originals[o] >= 0.5f)) right++;
                        break;
                    default:
                        if (ArgMax(reconstructions.Slice(o, column.Width)) == ArgMax(originals.Slice(o, column.Width))) right++;
                        break;
                }
            }
            string kind = column.Kind.ToString().ToLowerInvariant();
            result.Add(column.Kind == ColumnKind.Numeric
                ? new ColumnError(column.Name, kind, observed, observed == 0 ? double.NaN : Math.Sqrt(squares / observed), column.Std, null)
                : new ColumnError(column.Name, kind, observed, null, null, observed == 0 ? double.NaN : right / (double)observed));
            at += column.Width;
        }
        return result;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
