using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Data.Tables;

namespace VaeSharp.Training;

// metrics.csv read back: what `vae train` wrote (RunFolder.AppendMetrics), one row per epoch, one column per figure.
// Every cell must be a number in the invariant culture ("NaN" is one: a run without a test set writes it); anything else
// is refused naming the file, the row and the column. The file is small (one row per epoch), so it is read whole.

/// <summary>The per-epoch figures of a run, read back from its <c>metrics.csv</c>: epoch, loss, the loss terms, the family's
/// statistics, the test loss and its terms, seconds (training time of the epoch, without the test pass), examples per second.</summary>
public sealed class RunMetrics
{
    private readonly Dictionary<string, double[]> _columns;

    private RunMetrics(string path, string[] names, Dictionary<string, double[]> columns, int epochs)
    {
        Path = path;
        Columns = names;
        _columns = columns;
        Epochs = epochs;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The column names, in the file's order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The number of rows (epochs).</summary>
    public int Epochs { get; }

    /// <summary>Reads <paramref name="path"/>: a run folder (its <c>metrics.csv</c>) or the CSV file itself.</summary>
    /// <exception cref="FileNotFoundException">There is no such folder or file.</exception>
    /// <exception cref="DataFormatException">The file is empty, ragged, lacks the <c>epoch</c> or <c>seconds</c> column, or
    /// holds a cell that is not a number (named by row and column).</exception>
    public static RunMetrics Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file = Directory.Exists(path) ? System.IO.Path.Combine(path, Serialization.RunFolder.MetricsFile) : path;
        if (!File.Exists(file))
            throw new FileNotFoundException(Directory.Exists(path)
                ? $"{file}: no such file; a run folder written by 'vae train' has metrics.csv after its first epoch."
                : $"{path}: no such run folder or metrics file.", file);
        var table = CsvTable.Read(file);
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int c = 0; c < table.Header.Length; c++)
        {
            var values = new double[table.Rows.Count];
            for (int r = 0; r < values.Length; r++)
            {
                string cell = table.Rows[r][c];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]))
                    throw new DataFormatException(file, $"{table.Where(r)}, column '{table.Header[c]}': '{cell}' is not a number (expected a decimal number or NaN).");
            }
            columns[table.Header[c]] = values;
        }
        foreach (string required in new[] { "epoch", "seconds" })
            if (!columns.ContainsKey(required))
                throw new DataFormatException(file, $"no '{required}' column (the file has {string.Join(", ", table.Header)}); expected the metrics.csv that 'vae train' writes, with epoch, loss, …, seconds, examples_per_second.");
        return new RunMetrics(file, table.Header, columns, table.Rows.Count);
    }

    /// <summary>Whether the file has column <paramref name="name"/>.</summary>
    public bool Has(string name) => _columns.ContainsKey(name);

    /// <summary>The values of column <paramref name="name"/>, one per epoch (a copy).</summary>
    /// <exception cref="ArgumentException">The file has no such column (the message lists those it has).</exception>
    public double[] Column(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_columns.TryGetValue(name, out var values))
            throw new ArgumentException($"{Path}: no column '{name}'; expected one of {string.Join(", ", Columns)}.", nameof(name));
        return (double[])values.Clone();
    }

    /// <summary>The lowest finite value of column <paramref name="name"/>, its epoch and the training minutes at that epoch's
    /// end; (NaN, 0, 0) when the column has no finite value.</summary>
    /// <exception cref="ArgumentException">The file has no such column.</exception>
    public (double Value, int Epoch, double Minutes) Lowest(string name)
    {
        var values = Column(name);
        int at = -1;
        for (int i = 0; i < values.Length; i++)
            if (double.IsFinite(values[i]) && (at < 0 || values[i] < values[at])) at = i;
        return at < 0 ? (double.NaN, 0, 0) : (values[at], (int)_columns["epoch"][at], CumulativeMinutes()[at]);
    }

    /// <summary>The training minutes at the end of each epoch: the running sum of <c>seconds</c> over 60 (test passes not counted,
    /// as <c>--max-minutes</c> counts them).</summary>
    public double[] CumulativeMinutes()
    {
        var seconds = _columns["seconds"];
        var minutes = new double[seconds.Length];
        double sum = 0;
        for (int i = 0; i < seconds.Length; i++)
        {
            sum += seconds[i];
            minutes[i] = sum / 60;
        }
        return minutes;
    }
}
