using System.Text;
using VaeSharp.Engine.IO;

namespace VaeSharp.Data.Tables;

/// <summary>
/// Writes examples of a table back as CSV rows in the file's own columns and units (<see cref="TableSchema.Decode"/>):
/// numeric values in the column's units with its decimals, binary and categorical columns as their most probable value.
/// Cells are quoted as RFC 4180 asks (a comma, quote or line break inside); the file is written atomically.
/// </summary>
public static class TableCsv
{
    /// <summary>One extra column written before the table's columns: its name and one cell per row.</summary>
    /// <param name="Name">The column's name.</param>
    /// <param name="Cells">One cell per row.</param>
    public sealed record Column(string Name, IReadOnlyList<string> Cells);

    /// <summary>Writes <paramref name="count"/> examples of <paramref name="values"/> to <paramref name="path"/>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="schema">The table's encoding.</param>
    /// <param name="values">count × <see cref="TableSchema.Width"/> values as E[x | z] gives them.</param>
    /// <param name="count">Rows.</param>
    /// <param name="leading">Columns written first (a row number, a label), or null.</param>
    /// <param name="mask">When given (count × width, 1 observed), a cell whose values are masked is written empty.</param>
    public static void Write(string path, TableSchema schema, ReadOnlySpan<float> values, int count, IReadOnlyList<Column>? leading = null, ReadOnlySpan<float> mask = default)
    {
        var text = Format(schema, values, count, leading, mask);
        var bytes = new UTF8Encoding(false).GetBytes(text);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The CSV text <see cref="Write"/> writes.</summary>
    public static string Format(TableSchema schema, ReadOnlySpan<float> values, int count, IReadOnlyList<Column>? leading = null, ReadOnlySpan<float> mask = default)
    {
        int width = schema.Width;
        if (values.Length < count * width) throw new ArgumentException($"{count} rows of {width} values need {count * width} values; got {values.Length}.");
        leading ??= [];
        var sb = new StringBuilder();
        sb.AppendJoin(',', leading.Select(c => Quote(c.Name)).Concat(schema.ValueColumns.Select(c => Quote(c.Name)))).Append('\n');
        var columns = schema.ValueColumns;
        for (int r = 0; r < count; r++)
        {
            var row = values.Slice(r * width, width);
            var cells = schema.Decode(row);
            if (!mask.IsEmpty)
            {
                int at = 0;
                for (int c = 0; c < columns.Count; c++)
                {
                    if (mask[r * width + at] == 0f) cells[c] = "";
                    at += columns[c].Width;
                }
            }
            sb.AppendJoin(',', leading.Select(c => Quote(c.Cells[r])).Concat(cells.Select(Quote))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 || (cell.Length > 0 && (char.IsWhiteSpace(cell[0]) || char.IsWhiteSpace(cell[^1])))
            ? $"\"{cell.Replace("\"", "\"\"")}\""
            : cell;
}
