using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Imaging;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Cli.Commands;

// vae compare RUN RUN ...: the learning curves of several runs side by side, from their metrics.csv: a table (epochs,
// training minutes, the metric's last and best values, the settings that differ most often: batch, optimizer, lr,
// schedule) and, with --out, one chart of the metric against training minutes or epochs. Every run is read before
// anything is written; a missing file or column is named.
internal static class CompareCommand
{
    public static Command Create(CliConsole console)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run folders written by 'vae train' (or their metrics.csv files).", Arity = ArgumentArity.OneOrMore };
        var metric = new Option<string>("--metric") { Description = "The metrics.csv column to compare. Default test_loss (the model's loss on the test set, −ELBO for a VAE).", DefaultValueFactory = _ => "test_loss" };
        var x = CommonOptions.Choice("--x", "The chart's horizontal axis: minutes (training time, without test passes) or epoch. Default minutes.", ["minutes", "epoch"]);
        var logX = new Option<bool>("--log-x") { Description = "A logarithmic horizontal axis." };
        var yMax = new Option<double?>("--y-max") { Description = "The top of the chart's vertical axis (to cut off the first epochs' high losses)." };
        var names = new Option<string?>("--names") { Description = "Legend names of the runs, comma-separated, in order (default: the folder names)." };
        var title = new Option<string?>("--title") { Description = "The chart's title." };
        var output = new Option<string?>("--out") { Description = "PNG file to draw the curves to." };
        var json = CommonOptions.Json();
        var cmd = new Command("compare", "Compare runs' learning curves from their metrics.csv: a table of epochs, minutes, last and best values, and optionally a chart (PNG).")
        {
            runs, metric, x, logX, yMax, names, title, output, json,
        };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            string[] paths = p.GetValue(runs)!;
            string column = p.GetValue(metric)!;
            bool byEpoch = p.GetValue(x) == "epoch";
            string[] labels = p.GetValue(names) is string n ? n.Split(',', StringSplitOptions.TrimEntries) : [.. paths.Select(Label)];
            if (labels.Length != paths.Length)
                throw new UsageException($"--names has {labels.Length} names for {paths.Length} runs; expected one per run, comma-separated.");
            if (p.GetValue(yMax) is double top && !double.IsFinite(top)) throw new UsageException($"--y-max {top}: expected a finite number.");

            var rows = new List<Row>();
            for (int i = 0; i < paths.Length; i++)
            {
                var m = RunMetrics.Read(paths[i]);
                if (!m.Has(column)) throw new UsageException($"{m.Path}: no column '{column}' for --metric; expected one of {string.Join(", ", m.Columns)}.");
                string configFile = Path.Combine(Path.GetDirectoryName(m.Path)!, RunFolder.ConfigFile);
                var config = File.Exists(configFile) ? RunFolder.ReadConfig(configFile) : null;
                var values = m.Column(column);
                var minutes = m.CumulativeMinutes();
                rows.Add(new Row(labels[i], m, values, minutes.Length > 0 ? minutes[^1] : 0, values.Length > 0 ? values[^1] : double.NaN, m.Lowest(column), Settings(config)));
            }
            string? file = p.GetValue(output);
            if (file is not null)
            {
                ImageOutput.EnsureFolder(file);
                var series = rows.Select(r => new CurveSeries(r.Label, byEpoch ? r.Metrics.Column("epoch") : r.Metrics.CumulativeMinutes(), r.Values)).ToList();
                using var chart = Charts.Curves(series, byEpoch ? "epoch" : "training minutes", column, p.GetValue(title), p.GetValue(logX), p.GetValue(yMax));
                chart.SavePng(file);
            }

            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    metric = column, output = file,
                    runs = rows.Select(r => new
                    {
                        name = r.Label, path = r.Metrics.Path, epochs = r.Metrics.Epochs, minutes = r.Minutes, last = Finite(r.Last), best = Finite(r.Best.Value),
                        best_epoch = r.Best.Epoch, best_minutes = r.Best.Minutes, settings = r.Settings,
                    }),
                }, JsonOut.Options));
                return VaeCli.Ok;
            }
            int width = Math.Max(3, rows.Max(r => r.Label.Length));
            console.Line($"{"run".PadRight(width)}  {"epochs",6}  {"minutes",7}  {"last " + column,14}  {"lowest",10}  {"at epoch",8}  {"at min",7}  settings");
            foreach (var r in rows)
            {
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Label.PadRight(width)}  {r.Metrics.Epochs,6}  {r.Minutes,7:F1}  {Format(r.Last),14}  {Format(r.Best.Value),10}  {r.Best.Epoch,8}  {r.Best.Minutes,7:F1}  {r.Settings}"));
            }
            if (file is not null) console.Line($"Wrote the {column} curves of {rows.Count} runs against {(byEpoch ? "epochs" : "training minutes")} to {file}");
            return VaeCli.Ok;
        }));
        return cmd;
    }

    private static string Label(string path)
    {
        string trimmed = Path.TrimEndingDirectorySeparator(path);
        if (File.Exists(trimmed)) trimmed = Path.GetDirectoryName(Path.GetFullPath(trimmed)) ?? trimmed;
        return Path.GetFileName(trimmed) is { Length: > 0 } name ? name : path;
    }

    private static string Format(double v) => double.IsNaN(v) ? "—" : v.ToString("F4", CultureInfo.InvariantCulture);

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    // The settings that most often differ between runs of one study; the test set's size too when the run used only part
    // of it (its test_loss is then over those examples only).
    private static string Settings(RunConfig? config)
    {
        if (config is null) return "(no config.json)";
        var t = config.Training;
        string kl = t.Objective.KlSchedule == Objectives.KlScheduleKind.Linear ? $"warm-up over {t.Objective.KlWarmupSteps} steps" : ConfigJson.Name(t.Objective.KlSchedule);
        return string.Create(CultureInfo.InvariantCulture,
            $"batch {t.BatchSize}, {ConfigJson.Name(t.Optimizer)} lr {t.LearningRate:G3}, {ConfigJson.Name(t.LrSchedule)} schedule, {t.Epochs} epochs planned, KL {kl}") +
            (config.TestLimit is int n ? $", test set: first {n}" : "");
    }

    private sealed record Row(string Label, RunMetrics Metrics, double[] Values, double Minutes, double Last,
        (double Value, int Epoch, double Minutes) Best, string Settings);
}
