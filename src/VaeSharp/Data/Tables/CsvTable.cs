using System.Text;
using nietras.SeparatedValues;

namespace VaeSharp.Data.Tables;

// Reads a CSV (or, by extension, TSV) file into its header and rows of cells through Sep (RFC 4180: quotes, escaped
// quotes, separators and line breaks inside quotes). What it refuses, naming the file and the row or column:
// an empty file, a header with an empty or repeated name, a row with more or fewer cells than the header (skipped and
// listed with skipBad), and a line longer than MaxLineLength characters (no table row is that long; a 2 GB line would
// otherwise be buffered whole). Row numbers count data rows from 1; line numbers count the file's lines from 1.
internal sealed class CsvTable
{
    public const int DefaultMaxLineLength = 1 << 22;   // 4 Mi characters, below Sep's own 16 Mi row buffer

    private CsvTable(string path, string[] header, List<string[]> rows, List<int> lines, List<string> skipped)
    {
        Path = path;
        Header = header;
        Rows = rows;
        Lines = lines;
        Skipped = skipped;
    }

    public string Path { get; }
    public string[] Header { get; }
    public List<string[]> Rows { get; }
    public List<int> Lines { get; }          // the file line each row starts on
    public List<string> Skipped { get; }

    public string Where(int row) => $"row {row + 1} (line {Lines[row]})";

    public static CsvTable Read(string path, bool skipBad = false, int maxLineLength = DefaultMaxLineLength)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        char separator = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        using var file = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
        using var limited = new LineLimitedReader(file, path, maxLineLength);
        string[]? header = null;
        var rows = new List<string[]>();
        var lines = new List<int>();
        var skipped = new List<string>();
        try
        {
            using var reader = Sep.New(separator).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = true }).From(limited);
            foreach (var row in reader)
            {
                var cells = new string[row.ColCount];
                for (int i = 0; i < cells.Length; i++) cells[i] = row[i].ToString();
                if (header is null)
                {
                    header = CheckHeader(path, cells);
                    continue;
                }
                if (cells.Length == 1 && cells[0].Length == 0) continue;   // a blank line
                int line = row.LineNumberFrom;
                if (cells.Length != header.Length)
                {
                    string problem = $"row {rows.Count + skipped.Count + 1} (line {line}) has {cells.Length} cells; the header has {header.Length} columns";
                    if (!skipBad) throw new DataFormatException(path, problem + " (a ragged row; --skip-bad leaves such rows out).");
                    skipped.Add($"{path}: {problem}");
                    continue;
                }
                rows.Add(cells);
                lines.Add(line);
            }
        }
        catch (NotSupportedException e)
        {
            // Sep's row buffer is full: a quote that never closes makes the rest of the file one row.
            throw new DataFormatException(path, $"a row of {header?.Length.ToString() ?? "the"} columns after data row {rows.Count + skipped.Count} runs past {16 << 20:N0} characters: a quote (\") that is never closed? ({e.Message})", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a readable CSV file: {e.Message}", e);
        }
        if (header is null) throw new DataFormatException(path, "the file is empty; a table needs a header row with the column names.");
        if (rows.Count == 0) throw new DataFormatException(path, "the file has a header but no rows.");
        return new CsvTable(path, header, rows, lines, skipped);
    }

    private static string[] CheckHeader(string path, string[] cells)
    {
        var names = cells.Select(c => c.Trim()).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
                throw new DataFormatException(path, $"header, column {i + 1}: the name is empty; every column needs a name.");
            int first = Array.IndexOf(names, names[i]);
            if (first < i)
                throw new DataFormatException(path, $"header: column {i + 1} is named '{names[i]}' like column {first + 1}; column names must differ.");
        }
        return names;
    }

    // Passes characters through and stops a line (not counting line breaks inside quotes specially: they end a line too)
    // that runs past the limit.
    private sealed class LineLimitedReader(TextReader inner, string path, int maxLineLength) : TextReader
    {
        private long _sinceBreak;
        private int _line = 1;

        public override int Peek() => inner.Peek();

        public override int Read()
        {
            int c = inner.Read();
            if (c >= 0) Count(new ReadOnlySpan<char>([(char)c]));
            return c;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            int n = inner.Read(buffer);
            Count(buffer[..n]);
            return n;
        }

        private void Count(ReadOnlySpan<char> chars)
        {
            while (true)
            {
                int at = chars.IndexOf('\n');
                if (at < 0)
                {
                    _sinceBreak += chars.Length;
                    break;
                }
                _sinceBreak += at;
                Check();
                _sinceBreak = 0;
                _line++;
                chars = chars[(at + 1)..];
            }
            Check();
        }

        private void Check()
        {
            if (_sinceBreak > maxLineLength)
                throw new DataFormatException(path, $"line {_line} is longer than {maxLineLength:N0} characters; no table row is that long (is this a CSV file?).");
        }
    }
}
