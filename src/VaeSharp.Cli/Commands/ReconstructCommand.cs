using System.CommandLine;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae reconstruct RUN: test images in the first row, their reconstructions E[x | z = μ(x)] below.
internal static class ReconstructCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var count = new Option<int>("--count") { Description = "Number of test images.", DefaultValueFactory = _ => 8 };
        var start = new Option<int>("--start") { Description = "Index of the first test image.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "PNG file to write (default: RUN/reconstruction.png); for a table run a CSV file, each test row over its reconstruction (default: RUN/reconstruction.csv)." };
        var dataDir = CommonOptions.DataDir();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("reconstruct", "Reconstruct test images: originals over reconstructions, as a PNG.") { runArg, count, start, output, dataDir, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int n = p.GetValue(count), first = p.GetValue(start);
            CommonOptions.Positive(n, "--count");
            if (first < 0) throw new UsageException($"--start {first}: expected an integer ≥ 0.");
            string runPath = p.GetValue(runArg)!;
            var (config, model) = RunFolder.Load(runPath);
            var (_, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
            if (first + n > test.Count) throw new UsageException($"--start {first} --count {n}: the test set has {test.Count} images.");
            var indices = Enumerable.Range(first, n).ToArray();
            var (originals, recon) = Generation.Reconstruct(model, test, indices);
            if (config.Table is Data.Tables.TableSchema schema) return ReconstructRows(console, runPath, p.GetValue(output), schema, test, indices, originals, recon, p.GetValue(json));
            string file = p.GetValue(output) ?? Path.Combine(runPath, "reconstruction.png");
            ImageOutput.EnsureFolder(file);
            ImageOutput.SaveGrid(file, Generation.ComparisonRows(originals, recon), 2 * n, model.InputShape, n);
            double mse = Generation.PixelMse(originals, recon);
            if (p.GetValue(json)) console.Line(JsonSerializer.Serialize(new { output = file, count = n, start = first, pixel_mse = mse }, JsonOut.Options));
            else console.Line($"Wrote {n} test images and their reconstructions to {file} (pixel MSE {mse:F5})");
            return VaeCli.Ok;
        }));
        return cmd;
    }

    // A table run: rows "original" (missing cells empty) and "reconstruction" (every cell, the missing ones imputed) in turn,
    // and per column the error over the observed cells: RMSE in the column's units, or the share of values recovered.
    private static int ReconstructRows(CliConsole console, string runPath, string? output, Data.Tables.TableSchema schema, IDataset test, int[] indices,
        float[] originals, float[] recon, bool json)
    {
        string file = output ?? Path.Combine(runPath, "reconstruction.csv");
        if (!file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out {file}: {runPath} was trained on a table; its reconstructions are rows, written as a .csv file.");
        ImageOutput.EnsureFolder(file);
        int n = indices.Length, width = schema.Width;
        var mask = new float[n * width];
        test.CopyMask(indices, mask);
        var values = new float[2 * n * width];
        var both = new float[2 * n * width];
        for (int i = 0; i < n; i++)
        {
            originals.AsSpan(i * width, width).CopyTo(values.AsSpan(2 * i * width));
            recon.AsSpan(i * width, width).CopyTo(values.AsSpan((2 * i + 1) * width));
            mask.AsSpan(i * width, width).CopyTo(both.AsSpan(2 * i * width));
            both.AsSpan((2 * i + 1) * width, width).Fill(1f);
        }
        var rowNumbers = test is Data.Tables.TableDataset t ? t.RowNumbers : null;
        string Row(int i) => (rowNumbers is null ? indices[i] + 1 : rowNumbers[indices[i]]).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Data.Tables.TableCsv.Write(file, schema, values, 2 * n,
            [new("row", [.. Enumerable.Range(0, 2 * n).Select(i => Row(i / 2))]), new("kind", [.. Enumerable.Range(0, 2 * n).Select(i => i % 2 == 0 ? "original" : "reconstruction")])], both);
        var errors = Data.Tables.TableErrors.Compute(schema, originals, recon, mask, n);
        if (json)
        {
            console.Line(JsonSerializer.Serialize(new { output = file, count = n, start = indices[0], columns = errors.Select(e => new { column = e.Column, kind = e.Kind, observed = e.Observed, rmse = e.Rmse, accuracy = e.Accuracy }) }, JsonOut.Options));
            return VaeCli.Ok;
        }
        console.Line($"Wrote {n} test rows and their reconstructions to {file}");
        foreach (var e in errors)
            console.Line(e.Rmse is double rmse
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  {e.Column,-28} {e.Kind,-11} RMSE {rmse:G4} (column units; its std {e.Std:G4}) over {e.Observed} observed cells")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  {e.Column,-28} {e.Kind,-11} {e.Accuracy:P1} recovered over {e.Observed} observed cells"));
        return VaeCli.Ok;
    }
}
